import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../cli/cli-process.js';
import { descendants } from '../support/process-tree.js';
import { cleanEnv, command, freshProject, npmInstall, packTarball } from './fresh-project.js';
import type { CommandResult } from './fresh-project.js';

/**
 * The packed package as a newcomer meets it: `npm install` of the tarball
 * into fresh `npm init -y` projects (a default CommonJS one and a
 * `"type": "module"` one), then `npx rpc-serve`, `npx rpc-call` and the
 * library imported (and required) there.
 */

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;
const README_SERVICES = /```ts\n(\/\/ services\.ts[\s\S]*?)```/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'))![1]!;

let tarball: string;
let cjs: string;
let esm: string;
let cjsInstall: CommandResult;
let esmInstall: CommandResult;

beforeAll(async () => {
  tarball = await packTarball();
  [cjs, esm] = await Promise.all([freshProject('commonjs'), freshProject('module')]);
  // --engine-strict: the install fails unless this Node is within netrpc's engines.
  [cjsInstall, esmInstall] = await Promise.all([npmInstall(cjs, ['--engine-strict', tarball]), npmInstall(esm, ['--engine-strict', tarball])]);
}, 300_000);

afterAll(() => {
  for (const dir of [cjs, esm, tarball && dirname(tarball)]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** startNpx runs `npx <args>` in a project until `pattern` shows on stdout; stop() kills its whole process tree. */
async function startNpx(cwd: string, args: readonly string[], pattern: RegExp): Promise<{ match: RegExpExecArray; output: () => string; stop: () => void }> {
  const child = spawn('npx', [...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const stop = (): void => {
    for (const pid of [...descendants(child.pid!), child.pid!]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const match = await new Promise<RegExpExecArray>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no ${pattern} from npx ${args.join(' ')}: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      rej(new Error(`npx ${args.join(' ')} exited: ${out}`));
    });
  }).catch((err: unknown) => {
    stop();
    throw err;
  });
  return { match, output: () => out, stop };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the packed package installed into fresh projects', () => {
  it('installs under engine-strict, with no install script of its own and without tsx or esbuild', () => {
    for (const install of [cjsInstall, esmInstall]) {
      expect(install.code, install.stderr).toBe(0);
      const warnings = `${install.stdout}\n${install.stderr}`;
      expect(warnings).not.toMatch(/netrpc@[\d.]+ \((prepare|install|postinstall|preinstall)/);
      expect(warnings).not.toMatch(/esbuild/);
    }
    const installed = JSON.parse(readFileSync(join(cjs, 'node_modules/netrpc/package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
    const scripts = (installed.scripts ?? {}) as Record<string, string>;
    expect(Object.keys(scripts).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
    expect(existsSync(join(cjs, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(cjs, 'node_modules/esbuild'))).toBe(false);
    expect(existsSync(join(cjs, 'node_modules/zod/package.json'))).toBe(true); // the peer, installed by npm
  });

  it('ships LICENSE, CHANGELOG.md, docs/ and source maps whose sources are in the package', () => {
    const pkgDir = join(cjs, 'node_modules/netrpc');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { license: string };
    expect(readFileSync(join(pkgDir, 'LICENSE'), 'utf8')).toMatch(new RegExp(`^${pkg.license} License\\n`));
    expect(readFileSync(join(pkgDir, 'CHANGELOG.md'), 'utf8')).toMatch(/^# Changelog\n/);
    const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(existsSync(join(pkgDir, link)), link).toBe(true);
    const maps = filesUnder(join(pkgDir, 'dist')).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(20);
    const unresolved = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      return sources.map((s) => resolve(dirname(map), s)).filter((s) => !existsSync(s));
    });
    expect(unresolved).toEqual([]);
    expect(existsSync(join(pkgDir, 'test'))).toBe(false);
  });

  it('passes @arethetypeswrong/cli as an ESM-only package', async () => {
    const attw = await command(repoRoot, join(repoRoot, 'node_modules/.bin/attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii']);
    expect(attw.code, `${attw.stdout}\n${attw.stderr}`).toBe(0);
  });

  it.each([
    ['commonjs', () => cjs],
    ['module', () => esm],
  ])('npx rpc-serve --version and npx rpc-call --version work in a %s project', async (_type, dir) => {
    expect(await command(dir(), 'npx', ['rpc-serve', '--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^rpc-serve \d+\.\d+\.\d+ /) });
    expect(await command(dir(), 'npx', ['rpc-call', '--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^rpc-call \d+\.\d+\.\d+ /) });
  });

  it('a CommonJS project can require() the library and netrpc/demo', async () => {
    writeFileSync(
      join(cjs, 'app.js'),
      `const { Server, dialHTTP } = require('netrpc');
const { demoServices } = require('netrpc/demo');
(async () => {
  const server = new Server();
  for (const s of demoServices()) server.register(s);
  const { port } = await server.listen({ port: 0 });
  const client = await dialHTTP('127.0.0.1:' + port);
  console.log(await client.call('Arith.Multiply', { A: 7, B: 8 }));
  await client.close();
  await server.close();
})();
`,
    );
    expect(await command(cjs, process.execPath, ['app.js'])).toMatchObject({ code: 0, stdout: '56\n' });
  });

  it('an ES module project imports the library and its zod peer, and a contract works', async () => {
    writeFileSync(
      join(esm, 'app.js'),
      `import { z } from 'zod';
import { defineService, dialHTTP, Server } from 'netrpc';
const Greeter = defineService('Greeter', { Hello: { args: z.string().min(1), reply: z.string() } });
const server = new Server();
server.register(Greeter, { Hello: (name) => 'hello, ' + name });
const { port } = await server.listen({ port: 0 });
const client = await dialHTTP('127.0.0.1:' + port, { codec: 'gob' });
console.log(await client.service(Greeter).Hello('go'));
await client.service(Greeter).Hello('').catch((e) => console.log(e.message));
await client.close();
await server.close();
`,
    );
    expect(await command(esm, process.execPath, ['app.js'])).toMatchObject({
      code: 0,
      stdout: 'hello, go\nrpc: invalid args for Greeter.Hello: Too small: expected string to have >=1 characters\n',
    });
  });

  it('type-checks under strict nodenext with skipLibCheck off, without the optional peers (prom-client, tsx)', async () => {
    writeFileSync(
      join(esm, 'typed.ts'),
      `import { z } from 'zod';
import { defineService, dialHTTP, go, Server } from 'netrpc';
import type { CallContext, DialOptions } from 'netrpc';
const Kinds = defineService('Kinds', { Big: { args: z.object({ N: go.int64() }), reply: go.uint64() } });
const server = new Server();
server.register(Kinds, { Big: ({ N }: { N: bigint }, _ctx: CallContext) => (N < 0n ? -N : N) });
const options: DialOptions = { codec: 'gob' };
export const ready = dialHTTP('127.0.0.1:1', options).catch(() => undefined);
`,
    );
    writeFileSync(
      join(esm, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(repoRoot, 'node_modules', '@types')] },
        files: ['typed.ts'],
      }),
    );
    expect(existsSync(join(esm, 'node_modules', 'prom-client'))).toBe(false);
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await command(esm, process.execPath, [tsc, '-p', '.']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it("serves the README's services.ts in a default CommonJS project: asks for tsx first, then serves Greeter once", async () => {
    writeFileSync(join(cjs, 'services.ts'), README_SERVICES);
    const withoutTsx = await command(cjs, 'npx', ['rpc-serve', '--port', '0', './services.ts']);
    expect(withoutTsx).toMatchObject({
      code: 2,
      stderr: 'rpc-serve: ./services.ts is TypeScript, which rpc-serve runs with tsx, and tsx is not installed: npm install --save-dev tsx (or serve the compiled .js)\n',
    });
    const tsx = await npmInstall(cjs, ['--save-dev', 'tsx']);
    expect(tsx.code, tsx.stderr).toBe(0);
    const serve = await startNpx(cjs, ['rpc-serve', '--port', '0', './services.ts'], LISTENING);
    try {
      expect(serve.output().split('\n').slice(1, 3)).toEqual(['  Greeter.Hello', '']);
      const call = await command(cjs, 'npx', ['rpc-call', serve.match[1]!, 'Greeter.Hello', '"go"']);
      expect(call).toMatchObject({ code: 0, stdout: '"hello, go"\n' });
    } finally {
      serve.stop();
    }
  });

  it('serves an ES module .js in a "type": "module" project, called with npx rpc-call', async () => {
    writeFileSync(join(esm, 'services.js'), 'export class Greeter {\n  Hello(name) {\n    return `hello, ${name}`;\n  }\n}\nexport default Greeter;\n');
    const serve = await startNpx(esm, ['rpc-serve', '--port', '0', './services.js'], LISTENING);
    try {
      expect(serve.output().split('\n').slice(1, 3)).toEqual(['  Greeter.Hello', '']);
      expect(await command(esm, 'npx', ['rpc-call', '--codec', 'gob', serve.match[1]!, 'Greeter.Hello', '"esm"'])).toMatchObject({ code: 0, stdout: '"hello, esm"\n' });
    } finally {
      serve.stop();
    }
  });

  it('serves a CommonJS .js module once', async () => {
    writeFileSync(join(cjs, 'services.js'), "exports.Counter = { n: 0, Next() { return ++this.n; } };\n");
    const serve = await startNpx(cjs, ['rpc-serve', '--port', '0', './services.js'], LISTENING);
    try {
      expect(serve.output().split('\n').slice(1, 3)).toEqual(['  Counter.Next', '']);
      expect(await command(cjs, 'npx', ['rpc-call', serve.match[1]!, 'Counter.Next'])).toMatchObject({ code: 0, stdout: '1\n' });
    } finally {
      serve.stop();
    }
  });
});
