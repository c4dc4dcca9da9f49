import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/codec/codec.js';
import { gobCodec, measureGob } from '../../../src/codec/gob/gob-codec.js';
import { encodeRequest, joined } from '../../support/codec-messages.js';

/** decodeAll cuts a gob stream into its frames and decodes each with `decode`, keeping the messages. */
function decodeAll(bytes: Buffer, decode: (buf: Uint8Array, start: number, end: number) => ServerMessage | undefined): ServerMessage[] {
  const out: ServerMessage[] = [];
  for (let p = 0; p < bytes.length; ) {
    const n = measureGob(bytes, p, bytes.length);
    expect(n).toBeGreaterThan(0);
    const m = decode(bytes, p, p + n);
    if (m) out.push(m);
    p += n;
  }
  return out;
}

describe('gob server codec: cancelled calls', () => {
  it('keeps nothing for a call with a scalar argument once it is cancelled, since no reply will come to take it', () => {
    const client = gobCodec.newClientCodec({ maxDepth: 64 });
    const server = gobCodec.newServerCodec({ maxDepth: 64 });
    const held = (): number => (server as unknown as { scalarArgs: Map<number, unknown> }).scalarArgs.size;
    const calls = 1000;
    let seq = 0;
    for (let i = 0; i < calls; i++) {
      const target = seq++;
      const bytes = Buffer.concat([encodeRequest(client, target, 'Echo.Int', i), joined(client.encode({ type: 'cancel', seq: seq++, target }))]);
      const messages = decodeAll(bytes, (b, s, e) => server.decodeFrame(b, s, e));
      expect(messages.map((m) => m.type)).toEqual(['request', 'cancel']);
    }
    expect(held()).toBe(0);
  });
});
