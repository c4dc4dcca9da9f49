import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, freshProject, npmInstall, packTarball } from './fresh-project.js';

/**
 * A project on zod 3 meets netrpc, whose contracts need zod 4: npm refuses
 * the install with a peer conflict; forced past it, netrpc still loads and
 * defineService says what is wrong instead of failing deep inside zod.
 */

let tarball: string;
let project: string;

beforeAll(async () => {
  tarball = await packTarball();
  project = await freshProject('commonjs');
  const zod3 = await npmInstall(project, ['zod@3']);
  expect(zod3.code, zod3.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  for (const dir of [project, tarball && dirname(tarball)]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('zod as a peer dependency', () => {
  it('npm refuses netrpc next to zod 3 with a peer conflict naming zod', async () => {
    const r = await npmInstall(project, [tarball]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERESOLVE/);
    expect(r.stderr).toMatch(/peer zod@"\^4/);
  });

  it('forced past the conflict, defineService refuses zod 3 schemas with a clear RpcError', async () => {
    const forced = await npmInstall(project, ['--legacy-peer-deps', tarball]);
    expect(forced.code, forced.stderr).toBe(0);
    writeFileSync(
      join(project, 'contract.js'),
      `const { z } = require('zod');
const { defineService, RpcError } = require('netrpc');
console.log(require('zod/package.json').version.split('.')[0]);
try {
  defineService('Inventory', { Reserve: { args: z.object({ Sku: z.string() }), reply: z.number() } });
} catch (err) {
  console.log(err instanceof RpcError, err.code);
  console.log(err.message);
}
`,
    );
    expect(await command(project, process.execPath, ['contract.js'])).toMatchObject({
      code: 0,
      stdout: '3\ntrue RPC_REGISTER\nrpc.Register: Inventory.Reserve args is a zod 3 schema; netrpc contracts need zod 4: npm install zod@^4 (on zod 3.25, import from "zod/v4")\n',
    });
  });

  it('rpc-serve with the demo services says zod 4 is needed, in one line', async () => {
    const r = await command(project, 'npx', ['rpc-serve', '--port', '0']);
    expect(r).toMatchObject({ code: 2, stderr: 'rpc-serve: rpc: netrpc/demo needs zod 4, and the zod package found is zod 3: npm install zod@^4\n' });
  });
});
