import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dialHTTP } from '../src/client/dial-http.js';
import { startCli } from './cli/cli-process.js';
import { freePort } from './helpers.js';
import { startListeningProgram } from './interop/go-process.js';
import { buildGoProgram, goProgramsDir, requireGo } from './interop/go-toolchain.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Every ```ts block of the README, named by its first line: `// name.mts — ...`. */
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => {
  const source = m[1]!;
  const name = /^\/\/ (\S+\.[cm]?ts)\b/.exec(source)?.[1];
  return { name: name ?? `(unnamed: ${source.split('\n')[0]})`, source };
});

/** scratchDir is a fresh folder inside node_modules, so examples resolve the project's packages. */
function scratchDir(): string {
  const base = join(root, 'node_modules', '.cache');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, 'netrpc-readme-'));
}

/**
 * expectedOutput is what a snippet says it prints: the trailing comment of
 * each console.log line, or, for a console.log line without one, the
 * comment line that follows it.
 */
function expectedOutput(source: string): string {
  const lines = source.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.includes('console.log(')) return;
    const trailing = /\); \/\/ (.*)$/.exec(line);
    const next = /^\/\/ (.*)$/.exec(lines[i + 1] ?? '');
    const printed = trailing?.[1] ?? next?.[1];
    if (printed === undefined) throw new Error(`README snippet line prints without saying what: ${line}`);
    out.push(printed);
  });
  return out.map((l) => `${l}\n`).join('');
}

/**
 * runProgram runs a snippet as a program (with tsx) in `dir`, ports 1234 and
 * 1235 moved to free ones (in its comments too), and checks that it prints
 * what its comments say.
 */
async function runProgram(source: string, name: string, dir = scratchDir(), env: NodeJS.ProcessEnv = {}): Promise<void> {
  let program = source.replace("from 'netrpc'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
  program = program.replace("from 'netrpc/prometheus'", `from ${JSON.stringify(join(root, 'src/server/prometheus-metrics.ts'))}`);
  program = program.replace("from 'netrpc/opentelemetry'", `from ${JSON.stringify(join(root, 'src/opentelemetry/index.ts'))}`);
  for (const port of ['1234', '1235']) program = program.replaceAll(port, String(await freePort()));
  const file = join(dir, name);
  writeFileSync(file, program);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: dir, timeout: 20_000, env: { ...process.env, ...env } });
  expect(stdout).toBe(expectedOutput(program));
}

/** How each snippet is run; a snippet missing here fails the test below. */
const runners: Record<string, (source: string, name: string) => Promise<void>> = {
  'quickstart.mts': runProgram,
  // The comment line after its .catch(...) line is what that line prints.
  'contract.mts': runProgram,
  'auth-tls.mts': async (source, name) => {
    const dir = scratchDir();
    // The certificate the snippet's own comment says how to make.
    const openssl = /^\/\/ (openssl .*)$/m.exec(source)![1]!.split(' ');
    await run(openssl[0]!, openssl.slice(1), { cwd: dir });
    await runProgram(source, name, dir, { RPC_TOKEN: 'from-the-environment' });
  },
  'pool.mts': runProgram,
  'plain-tcp.mts': runProgram,
  'metadata.mts': runProgram,
  'line-codec.mts': runProgram,
  'client.mts': async (source, name) => {
    // The README's two commands: rpc-gen on a Go rpc.HandleHTTP server's package, then the client against that server.
    if (!(await requireGo())) return;
    const dir = scratchDir();
    mkdirSync(join(dir, 'server'));
    copyFileSync(join(goProgramsDir, 'gobserver', 'main.go'), join(dir, 'server', 'main.go'));
    const command = /^npx rpc-gen (.*)$/m.exec(readme)![1]!.split(' ');
    await run(process.execPath, ['--import', 'tsx', join(root, 'bin/rpc-gen.ts'), ...command], { cwd: dir, timeout: 240_000 });
    const contracts = join(dir, 'contracts.ts');
    writeFileSync(contracts, readFileSync(contracts, 'utf8').replace("from 'netrpc'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`));
    const server = await startListeningProgram(await buildGoProgram('gobserver'));
    try {
      await runProgram(source.replaceAll('127.0.0.1:1234', server.address), name, dir);
    } finally {
      await server.stop();
    }
  },
  'observe.mts': runProgram,
  'intercept.mts': runProgram,
  'otel.mts': runProgram,
  'services.ts': async (source) => {
    // As its comment says: npx rpc-serve ./services.ts, in a default (CommonJS) npm project.
    const dir = scratchDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    writeFileSync(join(dir, 'services.ts'), source);
    expect(/serve with: npx rpc-serve \.\/services\.ts/.test(source)).toBe(true);
    const serve = startCli('rpc-serve', ['--port', '0', './services.ts'], { cwd: dir });
    try {
      const [, address] = await serve.waitForOutput(/listening on (127\.0\.0\.1:\d+)/, 15_000);
      expect(serve.stdout().split('\n').slice(1)).toEqual(['  Greeter.Hello', '']);
      await using client = await dialHTTP(address!);
      expect(await client.call('Greeter.Hello', 'go')).toBe('hello, go');
    } finally {
      serve.child.kill('SIGKILL');
    }
  },
};

describe('README', () => {
  it('every ts snippet is named and has a runner here', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    expect(snippets.map((s) => s.name).filter((n) => !(n in runners))).toEqual([]);
  });

  it.each(snippets.map((s) => [s.name, s.source] as const))('%s runs as printed and prints what its comments say', async (name, source) => {
    await runners[name]!(source, name);
  });
});
