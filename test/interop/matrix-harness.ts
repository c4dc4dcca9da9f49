/**
 * Drives the Go value matrix program (test/interop/go/matrix): starts its
 * server in one transport and codec, runs its client against any address,
 * and parses what it prints.
 */
import { buildGoProgram } from './go-toolchain.js';
import { parseJsonLines, runProgram, startListeningProgram } from './go-process.js';
import type { StartedServer } from './go-process.js';
import type { MatrixCodec, MatrixTransport } from './matrix-cases.js';
import type { GoType } from '../../src/codec/go-type.js';

/** MatrixResult is one call the Go client made; in an `excluded` run, `ok` means the call failed as documented. */
export interface MatrixResult {
  readonly case: string;
  readonly method: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly excluded?: boolean;
}

/** MatrixSummary is the Go client's last line. */
export interface MatrixSummary {
  readonly summary: true;
  readonly transport: MatrixTransport;
  readonly codec: MatrixCodec;
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
}

/** MatrixRun is a finished client run. */
export interface MatrixRun {
  readonly results: readonly MatrixResult[];
  readonly summary: MatrixSummary;
  readonly stderr: string;
}

/** MatrixMode picks the transport and codec of a server or a client run. */
export interface MatrixMode {
  readonly transport: MatrixTransport;
  readonly codec: MatrixCodec;
  /** The service name (default `Matrix`). */
  readonly service?: string;
}

/** MatrixClientOptions narrow a client run. */
export interface MatrixClientOptions extends MatrixMode {
  /** The kinds of call to make (default all four). */
  readonly methods?: readonly ('echo' | 'get' | 'check' | 'fail')[];
  /** The cases to run (default all). */
  readonly cases?: readonly string[];
  /** Run only the cases excluded for the codec, to show Go → Go fails them. */
  readonly excluded?: boolean;
  /** The limit on each call, in ms (default 20 000). */
  readonly callTimeoutMs?: number;
  /** The limit on the whole run, in ms (default 120 000). */
  readonly runTimeoutMs?: number;
}

/** MatrixListing is what `matrix list` prints. */
export interface MatrixListing {
  readonly cases: readonly { name: string; excluded: Partial<Record<MatrixCodec, { why: string; goError: string }>> }[];
  readonly failText: string;
}

/** MatrixSelfcheck is what `matrix selfcheck` prints. */
export interface MatrixSelfcheck {
  readonly selfcheck: true;
  readonly mutations: number;
  readonly pairs: number;
  readonly failures: readonly string[];
}

/** buildMatrix compiles the matrix program once per test process and resolves to its path. */
export function buildMatrix(): Promise<string> {
  return buildGoProgram('matrix');
}

function modeArgs(mode: MatrixMode): string[] {
  return ['-transport', mode.transport, '-codec', mode.codec, '-service', mode.service ?? 'Matrix'];
}

/** startMatrixServer starts the Go Matrix server on a loopback port in `mode`. */
export async function startMatrixServer(mode: MatrixMode): Promise<StartedServer> {
  return startListeningProgram(await buildMatrix(), ['serve', ...modeArgs(mode)]);
}

/**
 * runMatrixClient runs the Go client against `address` and resolves with
 * its results; it rejects when the client does not finish with a summary.
 */
export async function runMatrixClient(address: string, options: MatrixClientOptions): Promise<MatrixRun> {
  const args = ['call', '-addr', address, ...modeArgs(options)];
  if (options.methods) args.push('-methods', options.methods.join(','));
  if (options.cases) args.push('-cases', options.cases.join(','));
  if (options.excluded) args.push('-excluded');
  args.push('-timeout', `${options.callTimeoutMs ?? 20_000}ms`);
  const run = await runProgram(await buildMatrix(), args, options.runTimeoutMs ?? 120_000);
  const lines = parseJsonLines<MatrixResult | MatrixSummary>(run.stdout);
  const last = lines.at(-1);
  if (run.code !== 0 || !last || !('summary' in last)) {
    throw new Error(`matrix client exited with ${run.code} and no summary: ${run.stderr}${run.stdout.slice(-2000)}`);
  }
  return { results: lines.slice(0, -1) as MatrixResult[], summary: last, stderr: run.stderr };
}

async function runJson<T>(command: string): Promise<T> {
  const run = await runProgram(await buildMatrix(), [command], 60_000);
  if (run.code !== 0) throw new Error(`matrix ${command} exited with ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** listMatrix resolves with the Go program's own list of cases and exclusions. */
export function listMatrix(): Promise<MatrixListing> {
  return runJson('list');
}

/** selfcheckMatrix runs the Go program's proof that its comparison finds every single change. */
export function selfcheckMatrix(): Promise<MatrixSelfcheck> {
  return runJson('selfcheck');
}

/** matrixGoTypes resolves with each case's Go type as a GoType, null for a recursive one (`matrix types`). */
export function matrixGoTypes(): Promise<Record<string, GoType | null>> {
  return runJson('types');
}

/** failures lists the results that did not pass, for an assertion that shows their details. */
export function failures(run: MatrixRun): readonly MatrixResult[] {
  return run.results.filter((r) => !r.ok);
}
