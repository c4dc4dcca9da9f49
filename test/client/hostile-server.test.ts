/**
 * The client against a hostile server on a real socket: a fake server
 * accepts the CONNECT and answers the first call with a decoding attack
 * (gob structs of omitted fields, a value split over thousands of messages,
 * a flood of type definitions; msgpack references and messages of a
 * million empty maps or over 16 MiB; JSON with brackets of the wrong kind
 * or a million empty objects). The call settles with the right code long
 * before its timeout: the client holds to the same budgets as the server.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { ErrorCode, RpcError } from '../../src/errors.js';
import {
  gobFrame,
  gobResponseHeader,
  gobSplitValue,
  gobTypeFlood,
  gobZeroFill,
  msgpackEmpties,
  msgpackReferenceDag,
  msgpackResponse,
  splitGob,
} from '../hostile/attacks.js';
import type { CodecName } from '../hostile/harness.js';

const servers: net.Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/**
 * fakeServer accepts CONNECT (confirming the codec the client names) and
 * answers the first bytes of the first call with `reply`, then keeps the
 * socket open and silent.
 */
async function fakeServer(reply: Uint8Array): Promise<string> {
  const server = net.createServer((socket) => {
    let head = Buffer.alloc(0);
    let state: 'head' | 'call' | 'answered' = 'head';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (state === 'answered') return;
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (state === 'head') {
        const codec = /rpc-codec: *(\S+)/i.exec(head.toString('latin1', 0, end))?.[1];
        socket.write(`HTTP/1.0 200 Connected to Go RPC\n${codec ? `Rpc-Codec: ${codec}\n` : ''}\n`);
        state = 'call';
      }
      if (head.length === end + 4) return; // wait for the call itself
      state = 'answered';
      socket.write(reply);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** callAgainst dials the fake server with `codec`, makes one call and returns how it settled. */
async function callAgainst(codec: CodecName, reply: Uint8Array): Promise<{ value?: unknown; error?: RpcError }> {
  const address = await fakeServer(reply);
  const client = await dialHTTP(address, { codec, timeout: 5000 });
  try {
    return { value: await client.call('Echo.Echo', 1) };
  } catch (err) {
    return { error: err as RpcError };
  } finally {
    await client.close();
  }
}

/** gobReply is a reply to call 0: the Response header, then `body` frames. */
const gobReply = (body: Buffer): Buffer => Buffer.concat([gobResponseHeader(0), body]);

describe('a hostile gob server', () => {
  it.each(fc.sample(fc.tuple(fc.integer({ min: 500, max: 1500 }), fc.integer({ min: 20_000, max: 40_000 })), { numRuns: 2, seed: 21 }))(
    'a reply of %i omitted fields × %i fails the call at once with the value budget, not a stall',
    async (fields, count) => {
      const { error } = await callAgainst('gob', gobReply(gobZeroFill(fields, count).frames));
      expect(error).toBeInstanceOf(RpcError);
      expect(error!.code).not.toBe(ErrorCode.Timeout);
      expect(error!.message).toMatch(/value decodes to more than \d+ values/);
    },
  );

  it('a reply Go split over 3000 messages is decoded once and resolves', async () => {
    const split = gobSplitValue(3000, 'struct', 2);
    const { value, error } = await callAgainst('gob', gobReply(split.frames));
    expect(error).toBeUndefined();
    expect(value).toEqual(split.expected);
  });

  it('a flood of large type definitions ends the connection with RPC_PROTOCOL', async () => {
    const { error } = await callAgainst('gob', Buffer.concat([gobResponseHeader(0), gobTypeFlood(2000, 600)]));
    expect(error!.code).toBe(ErrorCode.Protocol);
  });

  it('a reply whose continuation is malformed ends the connection with RPC_PROTOCOL', async () => {
    const split = gobSplitValue(3, 'slice');
    const begun = splitGob(split.frames).slice(0, 3); // the type definition and two of the value's messages
    const { error } = await callAgainst('gob', gobReply(Buffer.concat([...begun, gobFrame((w) => w.writeInt(0))])));
    expect(error!.code).toBe(ErrorCode.Protocol);
  });
});

describe('a hostile msgpack server', () => {
  it('structured-clone references in a reply end the connection with RPC_PROTOCOL', async () => {
    const { error } = await callAgainst('msgpack', msgpackResponse(msgpackReferenceDag(27)));
    expect(error!.code).toBe(ErrorCode.Protocol);
  });

  it.each(fc.sample(fc.integer({ min: 1_100_000, max: 3_000_000 }), { numRuns: 2, seed: 22 }))('a reply of %i empty maps ends the connection with RPC_MESSAGE_TOO_LARGE', async (count) => {
    const { error } = await callAgainst('msgpack', msgpackResponse(msgpackEmpties(count)));
    expect(error!.code).toBe(ErrorCode.MessageTooLarge);
  });

  it('a reply over the default 16 MiB ends the connection with RPC_MESSAGE_TOO_LARGE when its header arrives', async () => {
    const { error } = await callAgainst('msgpack', msgpackResponse(Buffer.from([0xc6, 0x01, 0x10, 0x00, 0x00])));
    expect(error!.code).toBe(ErrorCode.MessageTooLarge);
  });
});

describe('a hostile JSON server', () => {
  it.each(['{"id":0,"result":[[[[}}}}', '{"id":0,"result":{"a":[1,{"b":[}]}'])('%s ends the connection with RPC_PROTOCOL at once', async (text) => {
    const { error } = await callAgainst('json', Buffer.from(text));
    expect(error!.code).toBe(ErrorCode.Protocol);
  });

  it('a reply of 1.2 million empty objects ends the connection with RPC_MESSAGE_TOO_LARGE', async () => {
    const text = `{"id":0,"result":[${Array<string>(1_200_000).fill('{}').join(',')}],"error":null}\n`;
    const { error } = await callAgainst('json', Buffer.from(text));
    expect(error!.code).toBe(ErrorCode.MessageTooLarge);
  });
});
