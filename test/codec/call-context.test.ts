/**
 * Call context in each codec's envelope (src/codec/wire-context.ts): a
 * client request with metadata and a timeout decodes to the same fields
 * on a server codec that carries call context; a request without them is
 * byte for byte what the codec sends without the feature; a server codec
 * without the feature reads requests exactly as before.
 */
import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { builtinCodecs } from '../../src/codec/builtin.js';
import type { ClientRequest, CodecOptions, ServerMessage, ServerRequest } from '../../src/codec/codec.js';
import { LARGE_BYTES } from '../../src/codec/msgpack/msgpack-large.js';
import { ErrorCode, ProtocolError } from '../../src/errors.js';
import { joined } from '../support/codec-messages.js';

const OPTIONS: CodecOptions = { maxDepth: 100 };
const CONTEXT: CodecOptions = { maxDepth: 100, callContext: true };

function codecOf(name: string) {
  return builtinCodecs.find((c) => c.name === name)!;
}

/** decodeAll decodes every frame of `bytes` with a server codec and returns the messages. */
function decodeAll(name: string, bytes: Uint8Array, options: CodecOptions): ServerMessage[] {
  const server = codecOf(name).newServerCodec(options);
  const out: ServerMessage[] = [];
  for (let p = 0; p < bytes.length; ) {
    if (server.isPadding?.(bytes[p]!)) {
      p++;
      continue;
    }
    const n = server.measure(bytes, p, bytes.length);
    if (n <= 0) throw new Error(`incomplete frame at ${p}`);
    const m = server.decodeFrame(bytes, p, p + n);
    if (m !== undefined) out.push(m);
    p += n;
  }
  return out;
}

function request(seq: number, fields: Partial<ClientRequest> = {}): ClientRequest {
  return { type: 'request', seq, serviceMethod: 'Echo.Echo', args: { A: 1 }, ...fields };
}

const metadata = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-tenant': 'a' };

describe.each(['msgpack', 'json', 'gob'])('%s call context', (name) => {
  it('carries metadata and the timeout to a server codec that reads call context', () => {
    const client = codecOf(name).newClientCodec(OPTIONS);
    const bytes = Buffer.concat([
      joined(client.encode(request(1, { metadata, timeoutMs: 2500 }))),
      joined(client.encode(request(2))),
      joined(client.encode(request(3, { timeoutMs: 7 }))),
      joined(client.encode(request(4, { metadata: { a: 'b' } }))),
    ]);
    const [first, second, third, fourth] = decodeAll(name, bytes, CONTEXT) as ServerRequest[];
    expect(first).toMatchObject({ id: 1, serviceMethod: 'Echo.Echo', args: { A: 1 }, metadata, timeoutMs: 2500 });
    expect(first!.argsError).toBeUndefined();
    expect(second!.metadata).toBeUndefined();
    expect(second!.timeoutMs).toBeUndefined();
    expect(third).toMatchObject({ id: 3, timeoutMs: 7 });
    expect(third!.metadata).toBeUndefined();
    expect(fourth).toMatchObject({ id: 4, metadata: { a: 'b' } });
    expect(fourth!.timeoutMs).toBeUndefined();
  });

  it('sends a request without context exactly as without the feature', () => {
    const plain = joined(codecOf(name).newClientCodec(OPTIONS).encode(request(5)));
    const explicit = joined(codecOf(name).newClientCodec(OPTIONS).encode(request(5, { metadata: undefined, timeoutMs: undefined })));
    expect(explicit).toEqual(plain);
  });

  it('answers metadata over the server codec limits with an argsError, keeping the stream in sync', () => {
    const client = codecOf(name).newClientCodec(OPTIONS);
    const bytes = Buffer.concat([
      joined(client.encode(request(1, { metadata: { a: 'x'.repeat(20) } }))),
      joined(client.encode(request(2, { metadata: { a: '1', b: '2', c: '3' } }))),
      joined(client.encode(request(3, { metadata: { a: 'ok' } }))),
    ]);
    const limits = { maxMetadataBytes: 16, maxMetadataEntries: 2 };
    const [big, many, fine] = decodeAll(name, bytes, { ...CONTEXT, metadataLimits: limits }) as ServerRequest[];
    expect(big!.argsError?.message).toBe('rpc: metadata is over 16 bytes');
    expect(many!.argsError?.message).toBe('rpc: metadata has more than 2 keys');
    expect(fine!.metadata).toEqual({ a: 'ok' });
    expect(fine!.argsError).toBeUndefined();
  });
});

describe('server codecs without call context', () => {
  it('msgpack: a fifth element is not msgpack-rpc, so it is a protocol error', () => {
    const bytes = pack([0, 1, 'Echo.Echo', [1], { metadata: { a: 'b' } }]);
    let err: unknown;
    try {
      decodeAll('msgpack', bytes, OPTIONS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe(ErrorCode.Protocol);
  });

  it.each(['json', 'gob'])('%s: the extra members or fields are ignored, as Go ignores them', (name) => {
    const client = codecOf(name).newClientCodec(OPTIONS);
    const [req] = decodeAll(name, joined(client.encode(request(1, { metadata, timeoutMs: 50 }))), OPTIONS) as ServerRequest[];
    expect(req).toMatchObject({ id: 1, serviceMethod: 'Echo.Echo', args: { A: 1 } });
    expect(req!.metadata).toBeUndefined();
    expect(req!.timeoutMs).toBeUndefined();
  });
});

describe('envelopes', () => {
  it('msgpack: the context is the fifth element, a map of metadata and timeoutMs', () => {
    const client = codecOf('msgpack').newClientCodec(OPTIONS);
    expect(unpack(joined(client.encode(request(9, { metadata, timeoutMs: 100 }))))).toEqual([0, 9, 'Echo.Echo', [{ A: 1 }], { metadata, timeoutMs: 100 }]);
    expect(unpack(joined(client.encode(request(9))))).toEqual([0, 9, 'Echo.Echo', [{ A: 1 }]]);
  });

  it('msgpack: a large byte argument keeps its copy-free form and gains the context as a third part', () => {
    const client = codecOf('msgpack').newClientCodec(OPTIONS);
    const payload = new Uint8Array(LARGE_BYTES).fill(7);
    const encoded = client.encode(request(3, { args: payload, metadata: { a: 'b' }, timeoutMs: 9 }));
    expect(Array.isArray(encoded) && encoded.length).toBe(3);
    expect((encoded as Uint8Array[])[1]).toBe(payload);
    const [req] = decodeAll('msgpack', joined(encoded), CONTEXT) as ServerRequest[];
    expect(req!.metadata).toEqual({ a: 'b' });
    expect(req!.timeoutMs).toBe(9);
    expect((req!.args as Uint8Array).length).toBe(LARGE_BYTES);
  });

  it('json: the context is two more members of the request object', () => {
    const client = codecOf('json').newClientCodec(OPTIONS);
    expect(JSON.parse(Buffer.from(joined(client.encode(request(2, { metadata: { a: 'b' }, timeoutMs: 30 })))).toString())).toEqual({
      method: 'Echo.Echo',
      params: [{ A: 1 }],
      id: 2,
      metadata: { a: 'b' },
      timeoutMs: 30,
    });
  });

  it('gob: a header with context is held against the read budget with its call', () => {
    const client = codecOf('gob').newClientCodec(OPTIONS);
    const big = { k: 'v'.repeat(4000) };
    const [withContext] = decodeAll('gob', joined(client.encode(request(1, { metadata: big }))), CONTEXT) as ServerRequest[];
    expect(withContext!.heldCost).toBeGreaterThan(4000);
    const [without] = decodeAll('gob', joined(codecOf('gob').newClientCodec(OPTIONS).encode(request(1))), CONTEXT) as ServerRequest[];
    expect(without!.heldCost).toBeUndefined();
  });
});
