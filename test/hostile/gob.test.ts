/**
 * Hostile gob input over a real connection (the codec-level cases are in
 * test/codec/gob-hostile.test.ts): length prefixes and slice/map counts
 * claiming 2^32 and more, 100,000 nested type definitions, and a header
 * followed by junk. Each case runs a canary on the same server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { gobFrame as frame, gobMapDef as mapDef, gobRequestHeader as header, gobSliceDef as sliceDef, splitGob } from './attacks.js';
import { clientCodecOf, MIB, rpcConnect, startHostileServer, startMemoryProbe, waitForReplies, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';
import { encodeRequest } from '../support/codec-messages.js';
import { expectFatalOn } from '../support/expect-fatal.js';

let h: HostileServer;

beforeAll(async () => {
  h = await startHostileServer({ maxMessageBytes: 1 * MIB });
});

afterAll(async () => {
  await h.close();
});

/** expectFatal sends `bytes` on a fresh gob connection and expects a close with `code` within `ms`. */
const expectFatal = (bytes: Uint8Array, code: string, ms = 2000): Promise<void> => expectFatalOn(h, 'gob', bytes, code, ms);

describe('gob length prefixes that lie', () => {
  it.each([
    ['2^32', [0xfc, 0x01, 0x00, 0x00, 0x00, 0x41]],
    ['2^32 - 1', [0xfc, 0xff, 0xff, 0xff, 0xff, 0x41]],
    ['2^56', [0xf8, 0x01, 0, 0, 0, 0, 0, 0, 0]],
    ['2^64 - 1', [0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ])('a message of %s bytes with a tiny body is refused with RPC_MESSAGE_TOO_LARGE at once', async (_name, prefix) => {
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal(Buffer.from(prefix), ErrorCode.MessageTooLarge), 'gob');
    expect(probe.stop().heap).toBeLessThan(64 * MIB);
  });

  it('the same after a valid header (the body claims 2^32 bytes)', async () => {
    await withCanary(h.address, () => expectFatal(Buffer.concat([header('Echo.Echo'), Buffer.from([0xfc, 0x01, 0x00, 0x00, 0x00, 0x04])]), ErrorCode.MessageTooLarge), 'gob');
  });

  it.each([
    ['a 9-byte length field', [0xf7, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['a zero length', [0x00]],
  ])('%s ends the connection with RPC_PROTOCOL', async (_name, prefix) => {
    await withCanary(h.address, () => expectFatal(Buffer.from(prefix), ErrorCode.Protocol), 'gob');
  });
});

describe('gob counts that lie', () => {
  it('a []int body claiming 2^32 elements ends the connection with RPC_PROTOCOL, no allocation', async () => {
    const body = frame((w) => {
      w.writeInt(1000);
      w.writeUint(0);
      w.writeUint(2 ** 32);
      w.writeUint(2);
    });
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal(Buffer.concat([header('Echo.Echo'), sliceDef(1000, 2), body]), ErrorCode.Protocol), 'gob');
    expect(probe.stop().heap).toBeLessThan(64 * MIB);
  });

  it('a map[string]int body claiming 2^32 - 1 entries ends the connection with RPC_PROTOCOL', async () => {
    const body = frame((w) => {
      w.writeInt(1001);
      w.writeUint(0);
      w.writeUint(2 ** 32 - 1);
      w.writeString('k');
      w.writeInt(1);
    });
    await withCanary(h.address, () => expectFatal(Buffer.concat([header('Echo.Echo'), mapDef(1001, 6, 2), body]), ErrorCode.Protocol), 'gob');
  });

  it('a string claiming 2^40 bytes ends the connection with RPC_PROTOCOL', async () => {
    const body = frame((w) => {
      w.writeInt(6);
      w.writeUint(0);
      w.writeUint(2 ** 40);
      w.writeUint(0x61);
    });
    await withCanary(h.address, () => expectFatal(Buffer.concat([header('Echo.Echo'), body]), ErrorCode.Protocol), 'gob');
  });
});

describe('gob type definitions that nest', () => {
  it('100,000 nested slice type definitions end the connection with RPC_PROTOCOL (type table limit) within 2 s', async () => {
    const defs: Buffer[] = [];
    for (let i = 0; i < 100_000; i++) defs.push(sliceDef(2000 + i, i === 99_999 ? 2 : 2001 + i));
    const probe = startMemoryProbe();
    await withCanary(h.address, () => expectFatal(Buffer.concat([header('Echo.Echo'), ...defs]), ErrorCode.Protocol), 'gob');
    expect(probe.stop().heap).toBeLessThan(256 * MIB);
  });

  it('10,000 nested slice types and a value 10,000 deep: an error reply (RPC_NESTING_TOO_DEEP), the connection stays usable', async () => {
    const n = 10_000;
    const defs: Buffer[] = [];
    for (let i = 0; i < n; i++) defs.push(sliceDef(2000 + i, i === n - 1 ? 2 : 2001 + i));
    const value = frame((w) => {
      w.writeInt(2000);
      w.writeUint(0);
      for (let i = 0; i < n; i++) w.writeUint(1);
      w.writeInt(5);
    });
    await withCanary(
      h.address,
      async () => {
        const conn = await rpcConnect(h.port, 'gob');
        // Encode the follow-up call with the same stream state as the header (one client codec).
        const client = clientCodecOf('gob');
        const first = encodeRequest(client, 1, 'Echo.Echo', 0);
        const frames = splitGob(first);
        const second = encodeRequest(client, 2, 'Arith.Add', { A: 20, B: 22 });
        conn.socket.write(Buffer.concat([...frames.slice(0, -1), ...defs, value, second]));
        const replies = await waitForReplies(conn, 'gob', 2);
        expect(replies[0]).toMatchObject({ type: 'response', seq: 1, error: expect.stringMatching(/nests deeper than 100/) as unknown });
        expect(replies[1]).toEqual({ type: 'response', seq: 2, error: null, reply: 42 });
        conn.socket.destroy();
      },
      'gob',
    );
  });
});
