/**
 * Hostile msgpack input over a real connection: headers claiming 2^32
 * elements or bytes in a tiny body, 100,000 nested arrays, messages that
 * are not msgpack-rpc, prototype keys and odd notifications. Each case
 * runs a canary on the same server.
 */
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { MIB, rpcConnect, startHostileServer, startMemoryProbe, waitForReplies, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';
import { expectFatalOn } from '../support/expect-fatal.js';

let h: HostileServer;

beforeAll(async () => {
  h = await startHostileServer({ maxMessageBytes: 1 * MIB });
});

afterAll(async () => {
  await h.close();
});

/** requestPrefix is `[0, 1, "Echo.Echo", [` : a request whose argument follows. */
const requestPrefix = Buffer.from([0x94, 0x00, 0x01, 0xa9, ...Buffer.from('Echo.Echo'), 0x91]);

/** expectFatal sends `bytes` on a fresh msgpack connection and expects a close with `code` within 2 s. */
const expectFatal = (bytes: Uint8Array, code: string): Promise<void> => expectFatalOn(h, 'msgpack', bytes, code);

describe('msgpack headers that claim 2^32 - 1 elements or bytes in a tiny body', () => {
  const u32max = [0xff, 0xff, 0xff, 0xff];
  const cases: [string, number[]][] = [
    ['array32', [0xdd, ...u32max, 0x01]],
    ['map32', [0xdf, ...u32max, 0x01, 0x01]],
    ['str32', [0xdb, ...u32max, 0x61]],
    ['bin32', [0xc6, ...u32max, 0x00]],
    ['ext32', [0xc9, ...u32max, 0x01, 0x00]],
    ['array16 of array32s', [0xdc, 0xff, 0xff, 0xdd, ...u32max]],
  ];
  it.each(cases)('%s as the argument is refused with RPC_MESSAGE_TOO_LARGE at once', async (_name, header) => {
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal(Buffer.concat([requestPrefix, Buffer.from(header)]), ErrorCode.MessageTooLarge));
    expect(probe.stop().heap).toBeLessThan(64 * MIB);
  });

  it.each(cases)('%s as the whole message is refused with RPC_MESSAGE_TOO_LARGE at once', async (_name, header) => {
    await withCanary(h.address, () => expectFatal(Buffer.from(header), ErrorCode.MessageTooLarge));
  });
});

describe('msgpack values that are honest but never finish', () => {
  it('an array32 whose 255-byte elements keep coming is cut at maxMessageBytes within 2 s', async () => {
    const before = h.log.errors.length;
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, 'msgpack');
      const el = Buffer.concat([Buffer.from([0xc4, 0xff]), Buffer.alloc(255, 7)]);
      const chunk = Buffer.concat(Array<Buffer>(256).fill(el));
      const t0 = performance.now();
      conn.socket.write(Buffer.concat([requestPrefix, Buffer.from([0xdd, 0x00, 0x10, 0x00, 0x00])]));
      let closed = false;
      conn.socket.once('close', () => (closed = true));
      while (!closed && performance.now() - t0 < 5000) {
        if (!conn.socket.write(chunk)) await new Promise((r) => conn.socket.once('drain', r).once('close', r));
      }
      await conn.closed(5000);
      expect(performance.now() - t0).toBeLessThan(2000);
    });
    const err = await h.log.waitFor((e) => h.log.errors.indexOf(e) >= before, 1000);
    expect(err.code).toBe(ErrorCode.MessageTooLarge);
  });
});

describe('msgpack nesting', () => {
  it('100,000 nested one-element arrays (0x91…) end the connection with RPC_NESTING_TOO_DEEP', async () => {
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal(Buffer.concat([requestPrefix, Buffer.alloc(100_000, 0x91), Buffer.from([0x01])]), ErrorCode.NestingTooDeep));
    expect(probe.stop().heap).toBeLessThan(64 * MIB);
  });

  it('100,000 nested one-entry maps end the connection with RPC_NESTING_TOO_DEEP', async () => {
    const level = Buffer.from([0x81, 0xa1, 0x6b]); // {"k": …
    await withCanary(h.address, () => expectFatal(Buffer.concat([requestPrefix, ...Array<Buffer>(100_000).fill(level), Buffer.from([0xc0])]), ErrorCode.NestingTooDeep));
  });

  it('nesting just within maxDepth is answered', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, 'msgpack');
      // The envelope takes two levels ([0, id, m, [args]]), leaving 98.
      conn.socket.write(Buffer.concat([requestPrefix, Buffer.alloc(98, 0x91), Buffer.from([0x2a])]));
      const [reply] = await waitForReplies(conn, 'msgpack', 1);
      let v: unknown = reply!.reply;
      let depth = 0;
      while (Array.isArray(v)) {
        v = v[0];
        depth++;
      }
      expect([depth, v]).toEqual([98, 42]);
      conn.socket.destroy();
    });
  });
});

describe('msgpack messages that are not msgpack-rpc', () => {
  it.each([
    ['a map', pack({ method: 'Arith.Add' })],
    ['a response', pack([1, 1, null, 3])],
    ['a request of 5 elements', pack([0, 1, 'Arith.Add', [{ A: 1, B: 1 }], 9])],
    ['a request whose method is a number', pack([0, 1, 42, [1]])],
    ['a request whose params are not an array', pack([0, 1, 'Arith.Add', { A: 1 }])],
    ['the reserved byte 0xc1', Buffer.from([0xc1])],
  ])('%s ends the connection with RPC_PROTOCOL', async (_name, bytes) => {
    await withCanary(h.address, () => expectFatal(bytes, ErrorCode.Protocol));
  });

  it('a "__proto__" key in the arguments does not pollute Object.prototype', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, 'msgpack');
      // {"__proto__": {"polluted": true}} written by hand: msgpackr would drop the key.
      const arg = Buffer.from([0x81, 0xa9, ...Buffer.from('__proto__'), 0x81, 0xa8, ...Buffer.from('polluted'), 0xc3]);
      conn.socket.write(Buffer.concat([requestPrefix, arg]));
      await waitForReplies(conn, 'msgpack', 1);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      conn.socket.destroy();
    });
  });

  it('notifications with unknown methods or odd cancel params are ignored; the connection stays usable', async () => {
    await withCanary(h.address, async () => {
      const conn = await rpcConnect(h.port, 'msgpack');
      const junk: Uint8Array[] = [];
      for (let i = 0; i < 1000; i++) {
        junk.push(pack([2, `No.Such${i}`, [i]]));
        junk.push(pack([2, '$/cancel', i % 2 === 0 ? [{ evil: true }] : 'not-an-array']));
      }
      conn.socket.write(Buffer.concat([...junk, pack([0, 5, 'Arith.Add', [{ A: 2, B: 3 }]])]));
      const replies = await waitForReplies(conn, 'msgpack', 1);
      expect(replies).toEqual([{ type: 'response', seq: 5, error: null, reply: 5 }]);
      conn.socket.destroy();
    });
  });
});
