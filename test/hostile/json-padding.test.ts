/**
 * JSON allows whitespace between messages, and Go's json.Encoder (like
 * netrpc's own JSON codec) writes a newline after each one. That newline
 * is not the start of a message: a JSON connection that goes quiet after
 * a call must not be closed by the message deadline, wherever the
 * newline's bytes fall in the stream.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/index.js';
import { encodeCalls, rpcConnect, startHostileServer, waitForReplies } from './harness.js';
import type { HostileServer } from './harness.js';

const MESSAGE_MS = 150;
let h: HostileServer | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('json: whitespace between messages is not a message', () => {
  it.each([
    ['with the call', (call: Uint8Array) => [call]],
    ['in a packet of its own', (call: Uint8Array) => [call.subarray(0, call.length - 1), call.subarray(call.length - 1)]],
    ['as several packets of spaces, tabs and line ends', (call: Uint8Array) => [call, Buffer.from(' \t'), Buffer.from('\r\n\n')]],
  ])('a connection quiet for 3 message deadlines after a newline-terminated call (newline %s) stays open and serves the next call', async (_name, packets) => {
    h = await startHostileServer({ messageTimeoutMs: MESSAGE_MS });
    const conn = await rpcConnect(h.port, 'json');
    const first = encodeCalls('json', [[1, 'Arith.Add', { A: 1, B: 2 }]]);
    expect(first.at(-1)).toBe(0x0a);
    for (const packet of packets(first)) {
      conn.socket.write(packet);
      await sleep(20);
    }
    expect(await waitForReplies(conn, 'json', 1)).toEqual([{ type: 'response', seq: 1, error: null, reply: 3 }]);
    await sleep(MESSAGE_MS * 3);
    expect(conn.socket.destroyed).toBe(false);
    expect(h.log.errors).toEqual([]);
    conn.socket.write(encodeCalls('json', [[2, 'Arith.Add', { A: 2, B: 3 }]]));
    const replies = await waitForReplies(conn, 'json', 2);
    expect(replies[1]).toEqual({ type: 'response', seq: 2, error: null, reply: 5 });
    conn.socket.destroy();
  });

  it('a netrpc JSON client that goes quiet between calls keeps its connection', async () => {
    h = await startHostileServer({ messageTimeoutMs: MESSAGE_MS });
    const client = await dialHTTP(h.address, { codec: 'json' });
    expect(await client.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
    await sleep(MESSAGE_MS * 3);
    expect(await client.call('Arith.Add', { A: 3, B: 4 })).toBe(7);
    expect(h.log.errors).toEqual([]);
    await client.close();
  });

  it('a message that follows whitespace still has the message deadline: half of one after a newline is closed', async () => {
    h = await startHostileServer({ messageTimeoutMs: MESSAGE_MS });
    const conn = await rpcConnect(h.port, 'json');
    const call = encodeCalls('json', [[1, 'Arith.Add', { A: 1, B: 2 }]]);
    conn.socket.write(Buffer.concat([Buffer.from('\n  '), call.subarray(0, call.length >> 1)]));
    await conn.closed(MESSAGE_MS * 2 + 3000);
    await h.log.waitFor((e) => /not completed within/.test(e.message));
  });
});
