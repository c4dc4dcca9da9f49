/**
 * Decoding attacks over real connections to a server with default limits,
 * each with a canary calling on another connection: gob structs of omitted
 * fields, lists of objects with differing keys echoed back, values split
 * over thousands of messages and floods of large type definitions;
 * msgpack structured-clone references and messages of a million empty
 * maps; JSON with brackets of the wrong kind and arrays of empty objects.
 * Each is answered with an error or refused at once, in memory bounded by
 * what it sent; sizes are drawn from generators.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamDecoder } from '../../src/codec/gob/decoder.js';
import { ErrorCode } from '../../src/errors.js';
import {
  gobKeyedMaps,
  gobRequestHeader,
  gobSplitValue,
  gobTypeFlood,
  gobZeroFill,
  jsonEmpties,
  msgpackEmpties,
  msgpackReferenceDag,
  msgpackRequest,
  splitGob,
} from './attacks.js';
import { clientCodecOf, MIB, rpcConnect, startHostileServer, startMemoryProbe, waitForReplies, withCanary } from './harness.js';
import type { CodecName, HostileServer } from './harness.js';
import { encodeRequest } from '../support/codec-messages.js';
import { expectFatalOn } from '../support/expect-fatal.js';

let h: HostileServer;

beforeAll(async () => {
  h = await startHostileServer();
});

afterAll(async () => {
  await h.close();
});

/** expectFatal sends `bytes` on a fresh connection and expects a close with `code` within 2 s. */
const expectFatal = (codec: CodecName, bytes: Uint8Array, code: string): Promise<void> => expectFatalOn(h, codec, bytes, code);

/** followUp is a second call, encoded on the stream a raw client's first call (`gobRequestHeader`) began. */
function followUp(): Buffer {
  const client = clientCodecOf('gob');
  encodeRequest(client, 1, 'Echo.Echo', 0);
  return Buffer.from(encodeRequest(client, 2, 'Arith.Add', { A: 20, B: 22 }));
}

/** responseHeaders decodes the rpc.Response headers of a gob reply stream, whatever their bodies. */
function responseHeaders(bytes: Uint8Array): { Seq: number; Error: string }[] {
  const dec = new StreamDecoder(100, { maxValues: 1 << 30 });
  const out: { Seq: number; Error: string }[] = [];
  let header = true;
  for (const f of splitGob(bytes)) {
    let res;
    try {
      res = dec.decodeFrame(f);
    } catch {
      header = true;
      continue;
    }
    if (res.kind !== 'value') continue;
    if (header) out.push(res.value as { Seq: number; Error: string });
    header = !header;
  }
  return out;
}

describe('gob attacks on the decoder', () => {
  it.each(fc.sample(fc.tuple(fc.integer({ min: 600, max: 1200 }), fc.integer({ min: 20_000, max: 40_000 })), { numRuns: 2, seed: 10 }))(
    'structs of %i omitted fields × %i (≈ 40 KiB) are answered with RPC_MESSAGE_TOO_LARGE at once; the connection goes on',
    async (fields, count) => {
      await withCanary(
        h.address,
        async () => {
          const conn = await rpcConnect(h.port, 'gob', Buffer.concat([gobRequestHeader('Echo.Echo', 1), gobZeroFill(fields, count).frames, followUp()]));
          const replies = await waitForReplies(conn, 'gob', 2);
          expect(replies[0]).toMatchObject({ type: 'response', seq: 1, error: expect.stringMatching(/value decodes to more than \d+ values/) as unknown });
          expect(replies[1]).toEqual({ type: 'response', seq: 2, error: null, reply: 42 });
          conn.socket.destroy();
        },
        'gob',
      );
    },
  );

  it('a list of 7000 maps with differing keys is echoed, its reply type inferred in linear time', async () => {
    await withCanary(
      h.address,
      async () => {
        const conn = await rpcConnect(h.port, 'gob', Buffer.concat([gobRequestHeader('Echo.Echo', 1), gobKeyedMaps(7000).frames, followUp()]));
        await conn.waitFor(() => responseHeaders(conn.codecBytes()).length >= 2, 5000);
        expect(responseHeaders(conn.codecBytes())).toMatchObject([
          { Seq: 1, Error: '' },
          { Seq: 2, Error: '' },
        ]);
        conn.socket.destroy();
      },
      'gob',
    );
  });

  it('a value split over 4000 messages, as Go splits around new interface types, is decoded once and answered', async () => {
    const split = gobSplitValue(4000, 'slice', 4);
    await withCanary(
      h.address,
      async () => {
        const conn = await rpcConnect(h.port, 'gob', Buffer.concat([gobRequestHeader('Echo.Echo', 1), split.frames, followUp()]));
        await conn.waitFor(() => responseHeaders(conn.codecBytes()).length >= 2, 5000);
        expect(responseHeaders(conn.codecBytes())).toMatchObject([
          { Seq: 1, Error: '' },
          { Seq: 2, Error: '' },
        ]);
        conn.socket.destroy();
      },
      'gob',
    );
  });

  it('a flood of large type definitions ends the connection (RPC_PROTOCOL) once they would hold 4 MiB; memory stays bounded', async () => {
    // 2000 definitions of 600 fields: 3.6 MiB on the wire, which would hold 29 MiB; 4 MiB is reached after 290.
    const flood = Buffer.concat([gobRequestHeader('Echo.Echo'), gobTypeFlood(2000, 600)]);
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal('gob', flood, ErrorCode.Protocol), 'gob');
    expect(probe.stop().heap).toBeLessThan(48 * MIB);
  });
});

describe('msgpack attacks on the decoder', () => {
  it('structured-clone references (a 2^27-leaf DAG in 386 bytes) are refused with RPC_PROTOCOL at once', async () => {
    const bytes = msgpackRequest(msgpackReferenceDag(27));
    expect(bytes.length).toBeLessThan(400);
    await withCanary(h.address, () => expectFatal('msgpack', bytes, ErrorCode.Protocol));
  });

  it.each(fc.sample(fc.integer({ min: 1_100_000, max: 3_000_000 }), { numRuns: 2, seed: 11 }))('%i empty maps, within 16 MiB, are refused with RPC_MESSAGE_TOO_LARGE at once', async (count) => {
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal('msgpack', msgpackRequest(msgpackEmpties(count)), ErrorCode.MessageTooLarge));
    expect(probe.stop().heap).toBeLessThan(48 * MIB);
  });

  it('a message claiming 16 Mi elements is refused by default (16 MiB, 1 Mi values) with RPC_MESSAGE_TOO_LARGE when its header arrives', async () => {
    const header = msgpackRequest(Buffer.from([0xdd, 0x01, 0x00, 0x00, 0x00]));
    await withCanary(h.address, () => expectFatal('msgpack', header, ErrorCode.MessageTooLarge));
  });
});

describe('json attacks on the decoder', () => {
  it.each(['{"method": [[[[[}}}}}', '{"method":{"a":[1,{"b":[}]}', '{"params":[[[[[[[[[[}]]]]]]]]]]'])('%s is refused with RPC_PROTOCOL at once, not at the message timeout', async (text) => {
    await withCanary(h.address, () => expectFatal('json', Buffer.from(text), ErrorCode.Protocol), 'json');
  });

  it('an array of 1.2 million empty objects, within 16 MiB, is refused with RPC_MESSAGE_TOO_LARGE', async () => {
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal('json', jsonEmpties(1_200_000), ErrorCode.MessageTooLarge), 'json');
    expect(probe.stop().heap).toBeLessThan(64 * MIB);
  });
});
