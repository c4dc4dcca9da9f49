import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/call-context.js';
import type { Server } from '../../src/server/server.js';
import { startDemoServer } from '../helpers.js';
import { buildGoProgram, requireGo } from '../interop/go-toolchain.js';
import { startListeningProgram } from '../interop/go-process.js';
import type { StartedServer } from '../interop/go-process.js';
import { rpcCall } from '../support/rpc-call-cli.js';

let server: Server;
let address: string;
beforeAll(async () => {
  ({ server, address } = await startDemoServer());
  server.register('Probe', { Header: (_a: unknown, ctx: CallContext) => ctx.headers['x-token'] ?? null, Big: () => 2n ** 64n - 1n });
});
afterAll(() => server.close());

describe('rpc-call', () => {
  it.each(['auto', 'msgpack', 'json', 'gob'])('prints the reply as JSON and exits 0 (--codec %s)', async (codec) => {
    const r = await rpcCall(['--codec', codec, address, 'Arith.Divide', '{"A":-7,"B":2}']);
    expect(r).toEqual({ code: 0, stdout: '{\n  "Quo": -3,\n  "Rem": -1\n}\n', stderr: '' });
  });

  it.each(['auto', 'gob', 'json'])('calls the built-in Health.Check (--codec %s)', async (codec) => {
    expect(await rpcCall(['--codec', codec, address, 'Health.Check', '{"Service":""}'])).toEqual({ code: 0, stdout: '{\n  "Status": "SERVING"\n}\n', stderr: '' });
    expect((await rpcCall(['--codec', codec, address, 'Health.Check', '{"Service":"Nope"}'])).stdout).toContain('"SERVICE_UNKNOWN"');
  });

  it('reads the argument from standard input with -', async () => {
    const r = await rpcCall([address, 'Echo.Upper', '-'], { stdin: '"shell"\n' });
    expect(r).toMatchObject({ code: 0, stdout: '"SHELL"\n' });
  });

  it('prints a big integer with every digit', async () => {
    expect((await rpcCall([address, 'Probe.Big'])).stdout).toBe('18446744073709551615\n');
  });

  it('sends --header on the CONNECT request', async () => {
    expect((await rpcCall(['--header', 'X-Token: abc', address, 'Probe.Header'])).stdout).toBe('"abc"\n');
  });

  it('prints a server error to stderr and exits 1', async () => {
    const r = await rpcCall([address, 'Arith.Divide', '{"A":1,"B":0}']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'divide by zero\n' });
    const unknown = await rpcCall([address, 'Nope.Method']);
    expect(unknown).toMatchObject({ code: 1, stderr: "rpc: can't find service Nope.Method\n" });
  });

  it.each([
    [['--help'], 0, /Usage: rpc-call/],
    [[], 2, /missing HOST:PORT/],
    [['127.0.0.1:1'], 2, /missing Service\.Method/],
    [['127.0.0.1:1', 'A.B', '{not json'], 2, /not valid JSON/],
    [['--codec', 'xml', '127.0.0.1:1', 'A.B'], 2, /unknown --codec xml/],
    [['--header', 'no colon', '127.0.0.1:1', 'A.B'], 2, /invalid --header/],
    [['--timeout', 'soon', '127.0.0.1:1', 'A.B'], 2, /invalid duration/],
    [['not-an-address', 'A.B'], 2, /invalid address/],
    [['--bogus'], 2, /^rpc-call: unknown option --bogus\n/],
  ])('%j exits %i', async (args, code, pattern) => {
    const r = await rpcCall(args as string[]);
    expect(r.code).toBe(code);
    expect(code === 0 ? r.stdout : r.stderr).toMatch(pattern);
  });

  it('exits 3 when it cannot connect', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const r = await rpcCall([`127.0.0.1:${port}`, 'Arith.Add', '{"A":1,"B":1}']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^rpc-call: rpc: cannot connect/);
  });

  it('exits 3 when the call times out', async () => {
    const r = await rpcCall(['--timeout', '200ms', address, 'Echo.Sleep', '5000']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/timed out after 200 ms/);
  });

  it('lists services, methods and their types', async () => {
    const r = await rpcCall([address, '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Arith.Multiply(struct { A int; B int }) int\n');
    expect(r.stdout).toContain('Arith.Divide(struct { A int; B int }) struct { Quo int; Rem int }\n');
    expect(r.stdout).toContain('Echo.Upper(string) string\n');
    expect(r.stdout).toContain('Probe.Header(any) any\n');
  });
});

const haveGo = await requireGo();

describe.skipIf(!haveGo)('rpc-call against a stock Go rpc.HandleHTTP server', () => {
  let go: StartedServer;
  beforeAll(async () => {
    go = await startListeningProgram(await buildGoProgram('gobserver'));
  });
  afterAll(() => go?.stop());

  it('calls it with gob (auto-detected) and gets ServerErrors', async () => {
    expect(await rpcCall([go.address, 'Arith.Multiply', '{"A":7,"B":8}'])).toEqual({ code: 0, stdout: '56\n', stderr: '' });
    expect(await rpcCall([go.address, 'Arith.Divide', '{"A":1,"B":0}'])).toMatchObject({ code: 1, stderr: 'divide by zero\n' });
  });

  it("lists its methods from Go's HTML debug page", async () => {
    const r = await rpcCall([go.address, '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Arith.Multiply(*main.Args) *int\n');
    expect(r.stdout).toContain('Echo.Upper(string) *string\n');
  });
});
