import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoSourceError } from './go-source-error.js';

/** The oldest Go release whose go/types the model reader is written for. */
const MIN_GO = { major: 1, minor: 19 } as const;

const INSTALL_HINT =
  'install golang-go (Debian and Ubuntu: apt-get install -y golang-go) or a release from https://go.dev/dl/';

/** GoToolchainOptions say which `go` to run and with what environment. */
export interface GoToolchainOptions {
  /** The go command (default `go`, looked up on PATH). */
  readonly goCommand?: string;
  /** The environment Go runs in (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Aborts a running `go` command. */
  readonly signal?: AbortSignal;
}

/** ExecResult is a finished command's output. */
interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** ExecFailure is how a command failed: not found, killed, or exited non-zero. */
interface ExecFailure extends Error {
  readonly code?: string | number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly killed?: boolean;
}

/**
 * execCommand runs a command to completion and resolves with its output,
 * or rejects with the failure (its `code` is ENOENT when the command is
 * not found, the exit status otherwise).
 */
export function execCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; timeoutMs?: number },
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      {
        cwd: options.cwd,
        env: options.env,
        signal: options.signal,
        timeout: options.timeoutMs ?? 0,
        maxBuffer: 512 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stdout, stderr }) as ExecFailure);
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** isNotFound reports whether running a command failed because there is no such command. */
export function isNotFound(err: unknown): boolean {
  return (err as ExecFailure | undefined)?.code === 'ENOENT';
}

function goMissing(command: string, cause?: unknown): GoSourceError {
  const which = command === 'go' ? 'on PATH' : `(${command} not found)`;
  return new GoSourceError('go-missing', `rpc-gen needs Go ${MIN_GO.major}.${MIN_GO.minor}+ ${which} to read Go source: ${INSTALL_HINT}`, {
    cause,
  });
}

/**
 * goVersion runs `go version` and resolves to the release it reports
 * (`go1.19.8`). It rejects with a GoSourceError: `go-missing` when there is
 * no go command, `go-too-old` when it is older than Go 1.19.
 */
export async function goVersion(options: GoToolchainOptions = {}): Promise<string> {
  const command = options.goCommand ?? 'go';
  let out: string;
  try {
    out = (await execCommand(command, ['version'], { env: options.env ?? process.env, signal: options.signal })).stdout;
  } catch (err) {
    if (isNotFound(err)) throw goMissing(command, err);
    throw new GoSourceError('go-missing', `rpc-gen: ${command} version failed: ${describeExecFailure(err)}`, { cause: err });
  }
  const release = /\bgo version (\S+)/.exec(out)?.[1] ?? '';
  const m = /^go(\d+)\.(\d+)/.exec(release);
  if (release.startsWith('devel')) return release;
  if (!m) throw new GoSourceError('go-too-old', `rpc-gen: cannot tell the Go release from "${out.trim()}"; ${INSTALL_HINT}`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MIN_GO.major || (major === MIN_GO.major && minor < MIN_GO.minor)) {
    throw new GoSourceError(
      'go-too-old',
      `rpc-gen needs Go ${MIN_GO.major}.${MIN_GO.minor}+ to read Go source, and ${command} is ${release}: ${INSTALL_HINT}`,
    );
  }
  return release;
}

/** describeExecFailure is the most useful text of a failed command: its stderr, or the error. */
export function describeExecFailure(err: unknown): string {
  const e = err as ExecFailure;
  const stderr = typeof e?.stderr === 'string' ? e.stderr.trim() : '';
  if (stderr !== '') return stderr;
  return err instanceof Error ? err.message : String(err);
}

/**
 * modelReaderSourceDir is the folder of the Go model reader's sources,
 * `go/rpcgen` at the package root, found from this module whether it runs
 * from `src/gen` or from the compiled `dist/src/gen`.
 */
export function modelReaderSourceDir(): string {
  for (const up of ['../../go/rpcgen/', '../../../go/rpcgen/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'main.go'))) return dir;
  }
  throw new GoSourceError('build', 'rpc-gen: the Go model reader (go/rpcgen) is missing from the netrpc package');
}

/** The folder built model readers and their Go build cache live in. */
function cacheDir(): string {
  return join(tmpdir(), 'netrpc-rpcgen');
}

const builds = new Map<string, Promise<string>>();

/**
 * buildModelReader compiles the model reader (standard library only, so
 * in GOPATH mode, with its own GOCACHE and GOPATH under the temporary
 * folder) and resolves to the binary's path. A binary is named by a hash
 * of the Go release and the sources, so it is built once per machine and
 * toolchain and reused by later runs; concurrent builds each write their
 * own file and rename it into place.
 */
export async function buildModelReader(options: GoToolchainOptions = {}): Promise<string> {
  const release = await goVersion(options);
  const sourceDir = modelReaderSourceDir();
  const hash = createHash('sha256').update(release);
  for (const name of readdirSync(sourceDir).filter((n) => n.endsWith('.go')).sort()) {
    hash.update(`\0${name}\0`).update(readFileSync(join(sourceDir, name)));
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  const binary = join(cacheDir(), `rpcgen-${hash.digest('hex').slice(0, 20)}${exe}`);
  let build = builds.get(binary);
  if (!build) {
    build = compile(sourceDir, binary, options);
    builds.set(binary, build);
    build.catch(() => builds.delete(binary));
  }
  return build;
}

async function compile(sourceDir: string, binary: string, options: GoToolchainOptions): Promise<string> {
  if (existsSync(binary)) return binary;
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    GO111MODULE: 'off',
    GOCACHE: join(dir, 'gocache'),
    GOPATH: join(dir, 'gopath'),
    GOFLAGS: '',
    CGO_ENABLED: '0',
  };
  try {
    await execCommand(options.goCommand ?? 'go', ['build', '-o', partial, '.'], { cwd: sourceDir, env, signal: options.signal });
    renameSync(partial, binary);
  } catch (err) {
    rmSync(partial, { force: true });
    if (isNotFound(err)) throw goMissing(options.goCommand ?? 'go', err);
    throw new GoSourceError('build', `rpc-gen: the Go model reader did not build: ${describeExecFailure(err)}`, { cause: err });
  }
  return binary;
}
