import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ServerError } from '../../src/errors.js';
import { Inventory } from '../fixtures/inventory-contract.js';
import { startCli } from './cli-process.js';
import { rpcCall } from '../support/rpc-call-cli.js';
import type { CliRun } from './cli-process.js';

let serve: CliRun;
let address: string;

beforeAll(async () => {
  serve = startCli('rpc-serve', ['--port', '0', 'test/fixtures/inventory-impl.ts']);
  [, address] = (await serve.waitForOutput(/listening on (127\.0\.0\.1:\d+)/)) as unknown as [string, string];
});
afterAll(() => {
  serve.child.kill('SIGKILL');
});


describe('one contract file, end to end', () => {
  it('is served by rpc-serve from the implementation module', () => {
    expect(serve.stdout()).toContain('  Inventory.Reserve\n');
    expect(serve.stdout()).toContain('  Inventory.Stock\n');
  });

  it.each(['msgpack', 'gob', 'json'])('is called from TypeScript with full types (%s)', async (codec) => {
    await using client = await dialHTTP(address, { codec });
    const inventory = client.service(Inventory, { validateReplies: true });
    const before = await inventory.Stock('pen');
    expectTypeOf(before).toEqualTypeOf<number>();
    const { Left } = await inventory.Reserve({ Sku: 'pen', Count: 1 });
    expect(Left).toBe(before - 1);
    const err = await inventory.Reserve({ Sku: 'pen', Count: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).message).toBe('rpc: invalid args for Inventory.Reserve: Count: Too small: expected number to be >0');
  });

  it('is called from the shell with rpc-call', async () => {
    const r = await rpcCall([address, 'Inventory.Reserve', '{"Sku":"pen","Count":2}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ Left: expect.any(Number) });
    const bad = await rpcCall([address, 'Inventory.Reserve', '{"Sku":"pen","Count":"two"}']);
    expect(bad).toMatchObject({ code: 1, stderr: 'rpc: invalid args for Inventory.Reserve: Count: expected number, received string\n' });
    const list = await rpcCall([address, '--list']);
    expect(list.stdout).toBe('Inventory.Reserve(struct { Sku string; Count int }) struct { Left uint32 }\nInventory.Stock(string) uint32\n');
  });

  it('shows on the debug page with its types and counts', async () => {
    const report = (await (await fetch(`http://${address}/debug/rpc?format=json`)).json()) as {
      services: { name: string; methods: { name: string; args?: string; calls: number; errors: number }[] }[];
    };
    const reserve = report.services.find((s) => s.name === 'Inventory')!.methods.find((m) => m.name === 'Reserve')!;
    expect(reserve.args).toBe('struct { Sku string; Count int }');
    expect(reserve.calls).toBeGreaterThanOrEqual(8);
    expect(reserve.errors).toBeGreaterThanOrEqual(4);
  });
});
