/**
 * Hostile call context over real connections that negotiated it
 * (`Rpc-Features: metadata`): malformed and oversized metadata and absurd
 * deadlines in every codec's envelope. A well-formed frame with a bad
 * context is answered with an error and the connection goes on; metadata
 * that breaks the message limits ends the connection like any oversized
 * message; an absurd but valid deadline is clamped to what a timer holds.
 * Each case runs a canary on the same server.
 */
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/call-context.js';
import { StreamEncoder } from '../../src/codec/gob/encoder.js';
import { mapOf, structOf, ScalarType } from '../../src/codec/gob/enc-type.js';
import type { EncType } from '../../src/codec/gob/enc-type.js';
import { ErrorCode } from '../../src/errors.js';
import { MAX_TIMER_MS } from '../../src/timer-delay.js';
import { rawConnect } from '../helpers.js';
import type { RawConnection } from '../helpers.js';
import { decodeReplies, startHostileServer, withCanary } from './harness.js';
import type { CodecName, HostileServer } from './harness.js';

let h: HostileServer;

/** The Ctx service answers what its handler saw. */
const ctxService = {
  Metadata: (_a: unknown, ctx: CallContext) => ({ ...ctx.metadata }),
  /** Remaining is ctx.deadline minus now, or -1 without a deadline. */
  Remaining: (_a: unknown, ctx: CallContext) => (ctx.deadline === undefined ? -1 : ctx.deadline - Date.now()),
};

beforeAll(async () => {
  h = await startHostileServer({ maxMessageValues: 2000 }, { Ctx: ctxService });
});

afterAll(async () => {
  await h.close();
});

/** ContextConnection is a raw connection whose CONNECT was granted call context. */
interface ContextConnection extends RawConnection {
  codecBytes(): Buffer;
}

/** contextConnect opens a raw connection and runs a CONNECT that asks for (and must be granted) call context. */
async function contextConnect(codec: CodecName, features = 'metadata'): Promise<ContextConnection> {
  const raw = await rawConnect(h.port);
  raw.socket.write(`CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: ${codec}\r\nRpc-Features: ${features}\r\n\r\n`);
  const got = await raw.waitFor((b) => b.includes('\n\n'), 3000);
  const end = got.indexOf('\n\n') + 2;
  const head = got.toString('latin1', 0, end);
  if (!head.startsWith('HTTP/1.0 200 ')) throw new Error(`handshake refused: ${JSON.stringify(head)}`);
  expect(head.includes('\nRpc-Features: metadata\n')).toBe(features.includes('metadata'));
  return { ...raw, codecBytes: () => raw.received().subarray(end) };
}

/** answers sends `bytes` and waits for `count` replies, returning them by seq (error text or reply). */
async function answers(conn: ContextConnection, codec: CodecName, bytes: Uint8Array, count: number): Promise<Map<number, { error: string | null; reply: unknown }>> {
  conn.socket.write(bytes);
  let replies = decodeReplies(codec, conn.codecBytes());
  await conn.waitFor(() => (replies = decodeReplies(codec, conn.codecBytes())).length >= count, 3000);
  return new Map(replies.map((r) => [r.seq, { error: r.error, reply: r.reply }]));
}

const INVALID_TIMEOUT = /^rpc: call timeout must be a positive whole number of milliseconds, not /;

describe('msgpack call context', () => {
  const req = (seq: number, method: string, context: unknown): Buffer => Buffer.from(pack([0, seq, method, [null], context]));

  it('answers malformed contexts and metadata with an error, then serves the next call', async () => {
    await withCanary(h.address, async () => {
      const conn = await contextConnect('msgpack');
      const cases: [unknown, RegExp | string][] = [
        ['not a map', 'rpc: msgpack: call context must be a map'],
        [[1, 2], 'rpc: msgpack: call context must be a map'],
        [{ metadata: [1, 2] }, 'rpc: metadata must be an object of string values, not an array'],
        [{ metadata: 'x' }, 'rpc: metadata must be an object of string values, not string'],
        [{ metadata: { a: 1 } }, 'rpc: metadata value of "a" must be a string, not number 1'],
        [{ metadata: { a: { b: 'c' } } }, 'rpc: metadata value of "a" must be a string, not an object'],
        [{ metadata: { 'X-Upper': 'v' } }, 'rpc: metadata key "X-Upper" is not 1 to 256 lower-case letters, digits, \'-\', \'_\' or \'.\' starting with a letter or digit'],
        [{ metadata: { '': 'v' } }, /^rpc: metadata key "" is not/],
        // msgpackr reads a `__proto__` key as `__proto_`; either way it is refused.
        [{ metadata: JSON.parse('{"__proto__":"v"}') as unknown }, /^rpc: metadata key "__proto__?" is not/],
        [{ metadata: { ['k'.repeat(300)]: 'v' } }, /^rpc: metadata key "k{64}" is not/],
        [{ metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, ''])) }, 'rpc: metadata has more than 64 keys'],
        [{ metadata: { big: 'x'.repeat(9000) } }, 'rpc: metadata is over 8192 bytes'],
      ];
      const bytes = Buffer.concat([...cases.map(([context], i) => req(i + 1, 'Ctx.Metadata', context)), req(99, 'Ctx.Metadata', { metadata: { ok: 'yes' } })]);
      const got = await answers(conn, 'msgpack', bytes, cases.length + 1);
      cases.forEach(([, expected], i) => {
        const answer = got.get(i + 1)!;
        expect(answer.reply).toBeUndefined();
        if (typeof expected === 'string') expect(answer.error).toBe(expected);
        else expect(answer.error).toMatch(expected);
      });
      expect(got.get(99)).toEqual({ error: null, reply: { ok: 'yes' } });
      conn.socket.destroy();
    });
  });

  it('answers absurd timeouts with an error, and clamps huge ones to what a timer holds', async () => {
    await withCanary(h.address, async () => {
      const conn = await contextConnect('msgpack');
      const bad: unknown[] = [-1, 0, 1.5, NaN, -Infinity, Infinity, '100', true, {}];
      const huge: unknown[] = [2 ** 53 - 1, 18446744073709551615n, MAX_TIMER_MS + 1];
      const bytes = Buffer.concat([
        ...bad.map((t, i) => req(i + 1, 'Ctx.Remaining', { timeoutMs: t })),
        ...huge.map((t, i) => req(50 + i, 'Ctx.Remaining', { timeoutMs: t })),
      ]);
      const got = await answers(conn, 'msgpack', bytes, bad.length + huge.length);
      bad.forEach((_t, i) => expect(got.get(i + 1)!.error).toMatch(INVALID_TIMEOUT));
      huge.forEach((_t, i) => {
        const answer = got.get(50 + i)!;
        expect(answer.error).toBeNull();
        expect(answer.reply as number).toBeGreaterThan(MAX_TIMER_MS - 60_000);
        expect(answer.reply as number).toBeLessThanOrEqual(MAX_TIMER_MS);
      });
      conn.socket.destroy();
    });
  });

  it('counts metadata in the message value limit: past it the connection ends with RPC_MESSAGE_TOO_LARGE', async () => {
    const conn = await contextConnect('msgpack');
    const before = h.log.errors.length;
    const metadata = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, 'v']));
    conn.socket.write(req(1, 'Ctx.Metadata', { metadata }));
    await conn.closed(2000);
    const err = await h.log.waitFor((e) => h.log.errors.indexOf(e) >= before, 1000);
    expect(err.code).toBe(ErrorCode.MessageTooLarge);
  });

  it('keeps refusing a fifth element where the CONNECT did not negotiate it', async () => {
    const conn = await contextConnect('msgpack', 'something-else');
    const before = h.log.errors.length;
    conn.socket.write(req(1, 'Ctx.Metadata', { metadata: { a: 'b' } }));
    await conn.closed(2000);
    const err = await h.log.waitFor((e) => h.log.errors.indexOf(e) >= before, 1000);
    expect(err.code).toBe(ErrorCode.Protocol);
  });
});

describe('json call context', () => {
  const req = (id: number, method: string, extra: string): string => `{"method":"${method}","params":[null],"id":${id}${extra}}\n`;

  it('answers malformed metadata and absurd timeouts with an error, clamps huge ones', async () => {
    await withCanary(h.address, async () => {
      const conn = await contextConnect('json');
      const bad: [string, RegExp | string][] = [
        [',"metadata":[1]', 'rpc: metadata must be an object of string values, not an array'],
        [',"metadata":{"a":null}', 'rpc: metadata value of "a" must be a string, not null'],
        [',"metadata":{"a":true}', 'rpc: metadata value of "a" must be a string, not boolean true'],
        [',"timeoutMs":-5', INVALID_TIMEOUT],
        [',"timeoutMs":2.5', INVALID_TIMEOUT],
        [',"timeoutMs":"10"', INVALID_TIMEOUT],
        [',"timeoutMs":1e400', INVALID_TIMEOUT],
      ];
      const text = [
        ...bad.map(([extra], i) => req(i + 1, 'Ctx.Metadata', extra)),
        req(50, 'Ctx.Remaining', ',"timeoutMs":123456789012345678901234567890'),
        req(51, 'Ctx.Metadata', ',"metadata":{"traceparent":"00-x"},"timeoutMs":null'),
      ].join('');
      const got = await answers(conn, 'json', Buffer.from(text), bad.length + 2);
      bad.forEach(([, expected], i) => {
        const answer = got.get(i + 1)!;
        if (typeof expected === 'string') expect(answer.error).toBe(expected);
        else expect(answer.error).toMatch(expected);
      });
      expect(got.get(50)!.error).toBeNull();
      expect(got.get(50)!.reply as number).toBeGreaterThan(MAX_TIMER_MS - 60_000);
      expect(got.get(51)).toEqual({ error: null, reply: { traceparent: '00-x' } });
      conn.socket.destroy();
    });
  });

  it('ignores the members where the CONNECT did not negotiate them, as Go does', async () => {
    const conn = await contextConnect('json', '');
    const got = await answers(conn, 'json', Buffer.from(req(1, 'Ctx.Metadata', ',"metadata":{"a":"b"},"timeoutMs":-1')), 1);
    expect(got.get(1)).toEqual({ error: null, reply: {} });
    conn.socket.destroy();
  });
});

describe('gob call context', () => {
  /** gobCalls encodes calls whose header is a `Request` of the given shape: [seq, method, header extras] each. */
  function gobCalls(headerType: EncType, calls: readonly (readonly [number, string, Record<string, unknown>])[]): Buffer {
    const enc = new StreamEncoder(100);
    enc.begin();
    for (const [seq, method, extras] of calls) {
      enc.encode({ ServiceMethod: method, Seq: seq, ...extras }, headerType);
      enc.encode({}, structOf('', [], []));
    }
    return Buffer.from(enc.finish());
  }

  it('answers metadata of the wrong type and absurd timeouts with an error, clamps huge ones', async () => {
    await withCanary(h.address, async () => {
      // Metadata declared map[string]int and TimeoutMs declared int: a peer may define any type.
      const odd = structOf('Request', ['ServiceMethod', 'Seq', 'Metadata', 'TimeoutMs'], [ScalarType.string, ScalarType.uint, mapOf(ScalarType.string, ScalarType.int), ScalarType.int]);
      const conn = await contextConnect('gob');
      const bytes = gobCalls(odd, [
        [1, 'Ctx.Metadata', { Metadata: { a: 1 } }],
        [2, 'Ctx.Remaining', { TimeoutMs: -7 }],
        [3, 'Ctx.Remaining', { TimeoutMs: 2 ** 62 }],
        [4, 'Ctx.Remaining', {}],
      ]);
      const got = await answers(conn, 'gob', bytes, 4);
      expect(got.get(1)!.error).toBe('rpc: metadata value of "a" must be a string, not number 1');
      expect(got.get(2)!.error).toMatch(INVALID_TIMEOUT);
      expect(got.get(3)!.error).toBeNull();
      expect(got.get(3)!.reply as number).toBeGreaterThan(MAX_TIMER_MS - 60_000);
      expect(got.get(4)).toEqual({ error: null, reply: -1 });
      conn.socket.destroy();
    });
  });

  it('answers too much metadata with an error and serves the next call', async () => {
    const wide = structOf('Request', ['ServiceMethod', 'Seq', 'Metadata'], [ScalarType.string, ScalarType.uint, mapOf(ScalarType.string, ScalarType.string)]);
    const conn = await contextConnect('gob');
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    const got = await answers(conn, 'gob', gobCalls(wide, [[1, 'Ctx.Metadata', { Metadata: many }], [2, 'Ctx.Metadata', { Metadata: { fine: 'yes' } }]]), 2);
    expect(got.get(1)!.error).toBe('rpc: metadata has more than 64 keys');
    expect(got.get(2)).toEqual({ error: null, reply: { fine: 'yes' } });
    conn.socket.destroy();
  });
});
