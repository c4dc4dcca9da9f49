/**
 * Interop: call context leaves Go peers untouched. Stock Go clients
 * (rpc.DialHTTP, jsonrpc over CONNECT, rpc.Dial, jsonrpc.Dial) call a
 * netrpc server whose handlers read ctx.metadata and ctx.deadline; a
 * netrpc client that sets metadata and a timeout calls Go servers (gob and
 * jsonrpc behind rpc.HandleHTTP-style fronts, and a plain msgpack-rpc
 * server that refuses any request that is not a 4-element array): the
 * server grants nothing, so the bytes on the wire are exactly those of the
 * same call without metadata, and the call works. Last, the envelopes
 * themselves are fed to Go's gob and jsonrpc servers by hand: Go decodes
 * the wider gob `Request` type and the extra JSON members and answers,
 * so the gob type definition is valid and the fields are ignored.
 */
import { builtinCodecs } from '../../src/codec/builtin.js';
import { joined } from '../support/codec-messages.js';
import { rawConnect } from '../helpers.js';
import { startTcpRelay } from '../support/tcp-relay.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/call-context.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import { implement } from '../../src/contract/contract.js';
import { Arith } from '../../src/demo/arith.js';
import { ArithContract, EchoContract } from '../../src/demo/contracts.js';
import { Echo } from '../../src/demo/echo.js';
import { Server } from '../../src/server/server.js';
import { buildGoProgram, requireGo } from './go-toolchain.js';
import { parseJsonLines, runProgram, startListeningProgram } from './go-process.js';
import type { StartedServer } from './go-process.js';

const haveGo = await requireGo();

/** What Arith.Multiply's handler saw of each call's context. */
const seen: { metadata: Record<string, string>; deadline: number | undefined }[] = [];

/** recordingArith is the demo Arith whose Multiply also records ctx.metadata and ctx.deadline. */
function recordingArith(): Arith {
  const arith = new Arith();
  const multiply = arith.Multiply.bind(arith);
  arith.Multiply = (args: { A: number; B: number }, ctx?: CallContext) => {
    seen.push({ metadata: { ...ctx!.metadata }, deadline: ctx!.deadline });
    return multiply(args);
  };
  return arith;
}

describe.skipIf(!haveGo)('Go clients → netrpc server that carries call context', () => {
  let server: Server;
  let address: string;

  beforeAll(async () => {
    server = new Server();
    server.register(implement(ArithContract, recordingArith()));
    server.register(implement(EchoContract, new Echo()));
    address = `127.0.0.1:${(await server.listen({ port: 0 })).port}`;
  });
  afterAll(() => server.close());

  const clients: [string, string, (address: string) => string[]][] = [
    ['rpc.DialHTTP (gob)', 'gobclient', (a) => [a, 'demo']],
    ['jsonrpc over CONNECT', 'jsonclient', (a) => [a]],
    ['rpc.Dial (gob, plain TCP)', 'plainclient', (a) => ['gob', a]],
    ['jsonrpc.Dial (plain TCP)', 'plainclient', (a) => ['json', a]],
  ];

  it.each(clients)('%s gets its answers; the handler sees no metadata and no deadline', async (_name, program, args) => {
    seen.length = 0;
    const run = await runProgram(await buildGoProgram(program), args(address), 30_000);
    expect(run.code, run.stderr).toBe(0);
    const lines = parseJsonLines<{ name: string; reply: unknown; error?: string }>(run.stdout);
    expect(lines.find((l) => l.name === 'multiply')).toEqual({ name: 'multiply', reply: 56 });
    expect(lines.filter((l) => l.error?.startsWith('NOT A SERVER ERROR'))).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s).toEqual({ metadata: {}, deadline: undefined });
  });
});

/** Recorder relays TCP to a server and keeps every byte each client connection sent. */
interface Recorder {
  readonly address: string;
  /** sent returns what the n-th accepted connection sent so far. */
  sent(n: number): Buffer;
  close(): void;
}

async function startRecorder(target: string): Promise<Recorder> {
  const colon = target.lastIndexOf(':');
  const recorded: Buffer[][] = [];
  const relay = await startTcpRelay(target.slice(0, colon), Number(target.slice(colon + 1)), (chunk, n) => {
    (recorded[n] ??= []).push(chunk);
    return true;
  });
  return { address: relay.address, sent: (n) => Buffer.concat(recorded[n] ?? []), close: relay.close };
}

describe.skipIf(!haveGo).each([
  ['gob', 'gobserver'],
  ['json', 'jsonserver'],
  ['msgpack', 'msgpackserver'],
] as const)('netrpc client (%s) with metadata → Go %s', (codec, program) => {
  let go: StartedServer;
  let recorder: Recorder;

  beforeAll(async () => {
    go = await startListeningProgram(await buildGoProgram(program));
    recorder = await startRecorder(go.address);
  }, 60_000);
  afterAll(async () => {
    recorder?.close();
    await go?.stop();
  });

  it('works, and sends exactly the bytes of the same calls without metadata', async () => {
    const metadata = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-tenant': 'a' };
    const calls = async (withContext: boolean): Promise<void> => {
      await using client = await dialHTTP(recorder.address, { codec });
      const options = withContext ? { metadata, timeout: 5000 } : {};
      if (codec === 'msgpack') expect(await client.call('Kinds.Ints', { I64: 7 }, options)).toEqual({ I64: 7, Seen: '7' });
      else expect(await client.call('Arith.Multiply', { A: 7, B: 8 }, options)).toBe(56);
      if (codec !== 'msgpack') expect(await client.call('Echo.Upper', 'héllo', options)).toBe('HÉLLO');
    };
    await calls(true);
    await calls(false);
    const [withContext, without] = [recorder.sent(0), recorder.sent(1)];
    expect(withContext.length).toBeGreaterThan(0);
    expect(withContext.toString('latin1')).toContain('Rpc-Features: metadata\r\n');
    expect(withContext.equals(without)).toBe(true);
  });
});

describe.skipIf(!haveGo).each([
  ['gob', 'gobserver'],
  ['json', 'jsonserver'],
] as const)('the %s call-context envelope, if it ever reached Go %s', (codec, program) => {
  let go: StartedServer;

  beforeAll(async () => {
    go = await startListeningProgram(await buildGoProgram(program));
  }, 60_000);
  afterAll(() => go?.stop());

  it("is valid for Go's decoder, which ignores the extra fields and answers", async () => {
    // Never sent to a Go server (it grants nothing); this checks the gob type
    // definition is well formed and that Go would drop the fields, as doc.go says.
    const raw = await rawConnect(Number(go.address.split(':')[1]));
    raw.socket.write(`CONNECT /_goRPC_ HTTP/1.0\r\n\r\n`);
    const head = await raw.waitFor((b) => b.includes('\n\n'));
    const start = head.indexOf('\n\n') + 2;
    const c = builtinCodecs.find((x) => x.name === codec)!;
    const client = c.newClientCodec({ maxDepth: 100 });
    const metadata = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    raw.socket.write(joined(client.encode({ type: 'request', seq: 1, serviceMethod: 'Arith.Multiply', args: { A: 6, B: 7 }, metadata, timeoutMs: 900 })));
    raw.socket.write(joined(client.encode({ type: 'request', seq: 2, serviceMethod: 'Echo.Upper', args: 'ok', metadata, timeoutMs: 900 })));
    const replies = new Map<number, unknown>();
    await raw.waitFor((b) => {
      replies.clear();
      const reader = c.newClientCodec({ maxDepth: 100 });
      const bytes = b.subarray(start);
      for (let p = 0; p < bytes.length; ) {
        if (reader.isPadding?.(bytes[p]!)) {
          p++;
          continue;
        }
        const n = reader.measure(bytes, p, bytes.length);
        if (n <= 0) break;
        const r = reader.decodeFrame(bytes, p, p + n);
        if (r?.type === 'response') replies.set(r.seq, r.error ?? r.reply);
        p += n;
      }
      return replies.size === 2;
    });
    expect(replies.get(1)).toBe(42);
    expect(replies.get(2)).toBe('OK');
    raw.socket.destroy();
  });
});
