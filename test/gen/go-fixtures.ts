/**
 * Helpers of the Go model tests: where the fixtures are, building and
 * running a fixture as a real Go program, and the debug page of a real
 * net/rpc server (Go's own list of the methods it registered).
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** fixturesDir is the folder of the purpose-built Go packages. */
export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** fixture is the path of one fixture package. */
export function fixture(name: string): string {
  return join(fixturesDir, name);
}

const workDir = join(tmpdir(), 'netrpc-gen-fixtures');

/**
 * goTestEnv is the environment fixtures are built and run in: a Go build
 * cache and GOPATH (module cache included) of their own, no GOFLAGS from
 * the caller, and GOPATH mode unless `module` is set.
 */
export function goTestEnv(module = false): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOCACHE: join(workDir, 'cache'),
    GOPATH: join(workDir, 'path'),
    GOFLAGS: module ? '-mod=mod' : '',
    GOPROXY: 'off',
    CGO_ENABLED: '0',
  };
  if (module) delete env.GO111MODULE;
  else env.GO111MODULE = 'off';
  return env;
}

/**
 * runGo runs `go run PKG ARGS...` in `dir` and resolves to its stdout (the
 * program's stderr is left out: net/rpc logs registration errors there).
 */
export async function runGo(dir: string, pkg: string, args: readonly string[], module = false): Promise<string> {
  mkdirSync(workDir, { recursive: true });
  const { stdout } = await run('go', ['run', pkg, ...args], { cwd: dir, env: goTestEnv(module), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** DebugMethod is one row of net/rpc's debug page: `Add(main.Args, *int) error` under its service. */
export interface DebugMethod {
  readonly service: string;
  readonly row: string;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#43;/g, '+')
    .replace(/&amp;/g, '&');
}

/**
 * debugMethods fetches `/debug/rpc` from a Go net/rpc server and lists its
 * rows: each method with the argument and reply types as reflect prints
 * them, under its service.
 */
export async function debugMethods(address: string): Promise<DebugMethod[]> {
  const res = await fetch(`http://${address}/debug/rpc`);
  const page = await res.text();
  const out: DebugMethod[] = [];
  let service = '';
  for (const line of page.split('\n')) {
    const s = /^\s*Service (\S+)\s*$/.exec(line);
    if (s) service = s[1]!;
    const m = /<td align=left font=fixed>(.*)<\/td>/.exec(line);
    if (m) out.push({ service, row: unescapeHtml(m[1]!) });
  }
  return out;
}
