import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ClientResponse, Measure, ServerMessage, ServerRequest } from '../../../src/codec/codec.js';
import type { GoType } from '../../../src/codec/go-type.js';
import { gobCodec, measureGob } from '../../../src/codec/gob/gob-codec.js';
import { StreamDecoder } from '../../../src/codec/gob/decoder.js';
import { ErrorCode, ProtocolError } from '../../../src/errors.js';
import { encodeRequest, encodeResponse } from '../../support/codec-messages.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/gob-golden.json', import.meta.url), 'utf8')) as Record<string, string>;
const opts = { maxDepth: 64 };

/** FrameReader is a minimal stand-in for the generic frame reader: it buffers chunks and cuts frames with measure. */
class FrameReader<T> {
  private buf = new Uint8Array(0);
  constructor(
    private readonly measure: Measure,
    private readonly decode: (frame: Uint8Array) => T | undefined,
  ) {}
  push(chunk: Uint8Array): T[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    const out: T[] = [];
    let p = 0;
    for (;;) {
      const n = this.measure(merged, p, merged.length);
      if (n < 0) break;
      const m = this.decode(merged.subarray(p, p + n));
      if (m !== undefined) out.push(m);
      p += n;
    }
    this.buf = merged.slice(p);
    return out;
  }
  get buffered(): number {
    return this.buf.length;
  }
}

function serverReader() {
  const codec = gobCodec.newServerCodec(opts);
  return { codec, reader: new FrameReader<ServerMessage>(codec.measure, (f) => codec.decodeFrame(f)) };
}

function clientReader() {
  const codec = gobCodec.newClientCodec(opts);
  return { codec, reader: new FrameReader<ClientResponse>(codec.measure, (f) => codec.decodeFrame(f) as ClientResponse | undefined) };
}

const args: GoType = { kind: 'struct', name: 'Args', fields: [{ name: 'A', type: { kind: 'int' } }, { name: 'B', type: { kind: 'int' } }] };

describe('gob framing (measureGob)', () => {
  it('reports the whole frame length, or what it needs', () => {
    const b = new Uint8Array([3, 1, 2, 3, 9]);
    expect(measureGob(b, 0, 0)).toBe(-1);
    expect(measureGob(b, 0, 2)).toBe(-4);
    expect(measureGob(b, 0, 5)).toBe(4);
  });
  it('reports a 2^32-byte claim as soon as the prefix is read', () => {
    const b = new Uint8Array([0xfb, 1, 0, 0, 0, 0, 7]);
    expect(measureGob(b, 0, 1)).toBe(-6);
    expect(measureGob(b, 0, 7)).toBe(-(6 + 2 ** 32));
  });
  it('rejects prefixes that are not gob uints, and empty messages', () => {
    for (const bad of [[0xf7, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0x80], [0], [0xff, 0]]) {
      try {
        measureGob(new Uint8Array(bad), 0, bad.length);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        expect((err as ProtocolError).code).toBe(ErrorCode.Protocol);
      }
    }
  });
  it('rejects a length beyond 2^53 as too large', () => {
    const b = new Uint8Array([0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(() => measureGob(b, 0, b.length)).toThrow(expect.objectContaining({ code: ErrorCode.MessageTooLarge }) as Error);
  });
});

describe('net/rpc layout over gob', () => {
  it('decodes the requests Go wrote, fed split at every byte position', () => {
    const bytes = Buffer.from(fixture.rpcRequest!, 'hex');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { reader } = serverReader();
      const got = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(got).toEqual([
        { type: 'request', id: 7, serviceMethod: 'Arith.Multiply', args: { A: 7, B: 8 } },
        { type: 'request', id: 8, serviceMethod: 'Arith.Divide', args: { A: 1, B: 0 } },
      ]);
      expect(reader.buffered).toBe(0);
    }
  });

  it('decodes values that Go split around interface types, fed byte by byte', () => {
    const bytes = Buffer.from(fixture.ifaceTwice!, 'hex');
    const dec = new StreamDecoder(64);
    const reader = new FrameReader<unknown>(measureGob, (f) => {
      const res = dec.decodeFrame(f);
      return res.kind === 'value' ? res.value : undefined;
    });
    const got: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) got.push(...reader.push(bytes.subarray(i, i + 1)));
    expect(got).toEqual(decodeAll(bytes));
    expect(got).toHaveLength(2);
    expect(got[1]).toMatchObject({ Label: 'b', V: { type: 'main.Inner', value: { X: 9, Y: '' } } });
  });

  it('round-trips thousands of calls in one chunk, client ↔ server', () => {
    const client = gobCodec.newClientCodec(opts);
    const { codec: server, reader } = serverReader();
    const n = 5000;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < n; i++) parts.push(encodeRequest(client, i, i % 2 ? 'Arith.Multiply' : 'Arith.Add', { A: i, B: -i }, args));
    const reqs = reader.push(Buffer.concat(parts)) as ServerRequest[];
    expect(reqs).toHaveLength(n);
    expect(reqs[4321]).toEqual({ type: 'request', id: 4321, serviceMethod: 'Arith.Multiply', args: { A: 4321, B: -4321 } });
    expect(reqs[0]!.args).toEqual({ A: 0, B: 0 });

    const { codec: client2, reader: creader } = clientReader();
    void client2;
    const replies: Uint8Array[] = [];
    for (const r of reqs) {
      const a = r.args as { A: number; B: number };
      replies.push(
        a.A % 7 === 3
          ? encodeResponse(server, r.id, r.serviceMethod, `bad ${a.A}`, undefined)
          : encodeResponse(server, r.id, r.serviceMethod, null, { Sum: a.A + a.B, Prod: a.A * a.B }),
      );
    }
    const resps = creader.push(Buffer.concat(replies));
    expect(resps).toHaveLength(n);
    expect(resps[10]).toEqual({ type: 'response', seq: 10, error: 'bad 10', reply: undefined });
    expect(resps[11]).toEqual({ type: 'response', seq: 11, error: null, reply: { Sum: 0, Prod: -121 } });
  });

  it('carries sequence numbers beyond 2^53 as bigint ids', () => {
    const { codec: server, reader: sreader } = serverReader();
    const { reader } = clientReader();
    const big = 2n ** 64n - 1n;
    // A Go client's seq past 2^53, which this side reads as a bigint.
    const goClient = gobCodec.newClientCodec({ maxDepth: 64 });
    const [req] = sreader.push(encodeRequest(goClient, big as unknown as number, 'S.M', 'hi')) as ServerRequest[];
    const bytes = encodeResponse(server, req!.id, 'S.M', null, 'ok');
    // The client's seq is a number; the server's id survives exactly.
    expect(decodeAll(bytes)).toEqual([{ ServiceMethod: 'S.M', Seq: big, Error: '' }, 'ok']);
    expect(reader.push(bytes)[0]!.reply).toBe('ok');
  });

  it('answers a body it cannot represent with argsError and stays in sync', () => {
    const client = gobCodec.newClientCodec({ maxDepth: 200 });
    const { reader } = serverReader(); // maxDepth 64
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    const bytes = Buffer.concat([encodeRequest(client, 1, 'S.Deep', deep), encodeRequest(client, 2, 'S.Ok', 'fine')]);
    const got = reader.push(bytes) as ServerRequest[];
    expect(got).toHaveLength(2);
    expect(got[0]!.argsError).toBeInstanceOf(ProtocolError);
    expect((got[0]!.argsError as ProtocolError).code).toBe(ErrorCode.NestingTooDeep);
    expect(got[1]).toEqual({ type: 'request', id: 2, serviceMethod: 'S.Ok', args: 'fine' });
  });

  it('sends an empty struct body with error replies and discards any body on the client', () => {
    const { codec: server } = serverReader();
    const { reader } = clientReader();
    const bytes = Buffer.concat([
      encodeResponse(server, 1, 'S.M', 'boom', { ignored: true }),
      encodeResponse(server, 2, 'S.M', null, [1, 2, 3]),
    ]);
    expect(reader.push(bytes)).toEqual([
      { type: 'response', seq: 1, error: 'boom', reply: undefined },
      { type: 'response', seq: 2, error: null, reply: [1, 2, 3] },
    ]);
  });

  it('decodes Go’s own responses, including the error reply', () => {
    const { reader } = clientReader();
    expect(reader.push(Buffer.from(fixture.rpcResponse!, 'hex'))).toEqual([
      { type: 'response', seq: 7, error: null, reply: 56 },
      { type: 'response', seq: 8, error: 'divide by zero', reply: undefined },
    ]);
  });
});

/** decodeAll decodes every value of a stream with a fresh StreamDecoder. */
function decodeAll(bytes: Uint8Array): unknown[] {
  const dec = new StreamDecoder(64);
  const r = new FrameReader<unknown>(measureGob, (f) => {
    const res = dec.decodeFrame(f);
    return res.kind === 'value' ? res.value : undefined;
  });
  return r.push(bytes);
}
