import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasGo } from '../test/interop/go-toolchain.js';

export { hasGo };

const run = promisify(execFile);
const workDir = join(tmpdir(), 'netrpc-bench-go');

/** goVersion returns `go version`'s output, or undefined when Go is absent. */
export async function goVersion(): Promise<string | undefined> {
  if (!(await hasGo())) return undefined;
  const { stdout } = await run('go', ['version']);
  return stdout.trim();
}

/**
 * buildBenchProgram compiles `bench/go/<name>/` (standard library only)
 * in GOPATH mode with a temporary GOCACHE/GOPATH, as the interop tests
 * do, and resolves to the binary's path.
 */
export async function buildBenchProgram(name: string): Promise<string> {
  const binDir = join(workDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const out = join(binDir, `${name}-${process.pid}`);
  const env = { ...process.env, GO111MODULE: 'off', GOCACHE: join(workDir, 'cache'), GOPATH: join(workDir, 'path'), GOFLAGS: '', CGO_ENABLED: '0' };
  await run('go', ['build', '-o', out, '.'], { cwd: fileURLToPath(new URL(`./go/${name}/`, import.meta.url)), env });
  return out;
}
