import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** goProgramsDir is the folder holding the Go programs the interop tests start. */
export const goProgramsDir = fileURLToPath(new URL('./go/', import.meta.url));

const workDir = join(tmpdir(), 'netrpc-go');

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GO111MODULE: 'off',
    GOCACHE: join(workDir, 'cache'),
    GOPATH: join(workDir, 'path'),
    GOFLAGS: '',
    CGO_ENABLED: '0',
  };
}

let available: Promise<boolean> | undefined;

/** hasGo reports whether a `go` toolchain is on the PATH. */
export function hasGo(): Promise<boolean> {
  available ??= run('go', ['version'], { env: goEnv() }).then(
    () => true,
    () => false,
  );
  return available;
}

/**
 * requireGo resolves when Go is installed. Without Go it rejects when
 * running in CI (CI=true), so interop tests never skip silently there, and
 * otherwise resolves false so the caller can skip with a visible reason.
 */
export async function requireGo(): Promise<boolean> {
  if (await hasGo()) return true;
  if (process.env.CI) throw new Error('Go is required for the interop tests in CI: apt-get install -y golang-go');
  console.warn('netrpc: Go is not installed; skipping Go interop tests (apt-get install -y golang-go)');
  return false;
}

const built = new Map<string, Promise<string>>();

/**
 * buildGoProgram compiles `test/interop/go/<name>/` (standard library only,
 * GOPATH mode) into a temporary folder and resolves to the binary's path.
 * Each program is built once per test process.
 */
export function buildGoProgram(name: string): Promise<string> {
  let p = built.get(name);
  if (!p) {
    p = (async () => {
      const binDir = join(workDir, 'bin');
      mkdirSync(binDir, { recursive: true });
      const out = join(binDir, `${name}-${process.pid}`);
      await run('go', ['build', '-o', out, '.'], { cwd: join(goProgramsDir, name), env: goEnv() });
      return out;
    })();
    built.set(name, p);
  }
  return p;
}
