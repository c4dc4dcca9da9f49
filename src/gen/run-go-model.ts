import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseGoFailure, parseGoModel } from './check-go-model.js';
import type { GoModel, GoModelFailure } from './go-model.js';
import { GoSourceError } from './go-source-error.js';
import { buildModelReader, describeExecFailure, execCommand, isNotFound } from './go-toolchain.js';
import type { GoToolchainOptions } from './go-toolchain.js';

/** The model reader's exit status when it printed a failure instead of a model. */
const EXIT_FAILURE = 3;

/** ReadGoModelOptions tune how a Go package is read. */
export interface ReadGoModelOptions extends GoToolchainOptions {
  /**
   * Where imports are read from: `auto` (the default) reads compiled export
   * data and falls back to source when an import has none; `gc` and
   * `source` force one.
   */
  readonly importer?: 'auto' | 'gc' | 'source';
  /**
   * The import path of a package that is not a command, when neither a
   * go.mod nor GOPATH gives it (it is part of the names gob gives types).
   */
  readonly importPath?: string;
  /** The limit on reading the package, in ms (default 120 000). */
  readonly timeoutMs?: number;
}

/**
 * findGoMod returns the go.mod file governing `dir` (in it or a parent
 * folder), or undefined.
 */
export function findGoMod(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, 'go.mod');
    if (existsSync(file)) return file;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The environment the model reader runs in. A package without a go.mod is
 * read in GOPATH mode (GO111MODULE=off), as the interop programs are
 * built; a package in a module is read with the caller's own Go settings,
 * so go/build resolves its imports as `go build` would. The go command
 * must be on PATH for that: a `goCommand` given as a path is put first.
 */
function readerEnv(dir: string, options: ReadGoModelOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  if (!findGoMod(dir)) env.GO111MODULE = 'off';
  const command = options.goCommand;
  if (command !== undefined && (isAbsolute(command) || command.includes('/') || command.includes('\\'))) {
    const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
    env[pathKey] = [dirname(resolve(command)), env[pathKey]].filter(Boolean).join(delimiter);
  }
  return env;
}

function failureError(dir: string, failure: GoModelFailure): GoSourceError {
  const lines = failure.problems.map((p) => (p.position ? `${join(dir, p.position.split(':')[0]!)}${p.position.slice(p.position.indexOf(':'))}: ${p.message}` : p.message));
  const head =
    failure.kind === 'parse'
      ? `rpc-gen: cannot parse Go package ${dir}:`
      : failure.kind === 'type'
        ? `rpc-gen: Go package ${dir} does not compile:`
        : `rpc-gen: cannot read Go package ${dir}:`;
  return new GoSourceError(failure.kind, `${head}\n${lines.join('\n')}`, { problems: failure.problems });
}

/**
 * readGoModel reads the Go package in `dir` with Go's own go/parser and
 * go/types (through the model reader in `go/rpcgen`, built on first use)
 * and resolves to its model, services or none. It rejects with a
 * GoSourceError: `go-missing` / `go-too-old` without a usable Go,
 * `load`, `parse` or `type` (with Go's `file:line:column: message`s) when
 * the package cannot be read, `timeout`, or `bad-output`.
 */
export async function readGoModel(dir: string, options: ReadGoModelOptions = {}): Promise<GoModel> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new GoSourceError('load', `rpc-gen: ${dir} is not a folder of Go source`);
  }
  const binary = await buildModelReader(options);
  const args = ['-importer', options.importer ?? 'auto'];
  if (options.importPath !== undefined) args.push('-importpath', options.importPath);
  args.push(abs);
  const timeoutMs = options.timeoutMs ?? 120_000;
  let stdout: string;
  try {
    ({ stdout } = await execCommand(binary, args, { cwd: abs, env: readerEnv(abs, options), signal: options.signal, timeoutMs }));
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; killed?: boolean; name?: string };
    if (e.code === EXIT_FAILURE && typeof e.stdout === 'string') {
      const failure = parseGoFailure(e.stdout);
      if (failure) throw failureError(dir, failure);
    }
    if (e.killed || e.name === 'AbortError') {
      throw new GoSourceError('timeout', `rpc-gen: reading Go package ${dir} did not finish within ${timeoutMs} ms`, { cause: err });
    }
    if (isNotFound(err)) throw new GoSourceError('build', `rpc-gen: the Go model reader ${binary} is missing`, { cause: err });
    throw new GoSourceError('bad-output', `rpc-gen: the Go model reader failed on ${dir}: ${describeExecFailure(err)}`, { cause: err });
  }
  return parseGoModel(stdout);
}

/**
 * loadGoModel is readGoModel for a package that must declare services: it
 * rejects with a `no-services` GoSourceError when no type has a method
 * net/rpc would register, naming the types rpc.Register would refuse.
 */
export async function loadGoModel(dir: string, options: ReadGoModelOptions = {}): Promise<GoModel> {
  const model = await readGoModel(dir, options);
  if (model.services.length > 0) return model;
  const refused = model.unregistrable.map((u) => `\n  ${u.message}`).join('');
  throw new GoSourceError(
    'no-services',
    `rpc-gen: no net/rpc services in Go package ${dir}: no exported type has a method of the form ` +
      `func (t *T) Name(args A, reply *R) error${refused}`,
  );
}
