/**
 * The assertion that input is fatal to a connection: the server closes it
 * promptly and reports the error through 'connectionError' with a code.
 */
import { expect } from 'vitest';
import { elapsed, rpcConnect } from '../hostile/harness.js';
import type { CodecName, HostileServer } from '../hostile/harness.js';

/**
 * expectFatalOn sends `bytes` on a fresh `codec` connection to `h` (past the
 * CONNECT handshake) and expects the server to close it within `ms` and to
 * log a connection error with `code` within a second more.
 */
export async function expectFatalOn(h: HostileServer, codec: CodecName, bytes: Uint8Array | string, code: string, ms = 2000): Promise<void> {
  const conn = await rpcConnect(h.port, codec);
  const before = h.log.errors.length;
  conn.socket.write(bytes);
  expect(await elapsed(() => conn.closed(ms))).toBeLessThan(ms);
  const err = await h.log.waitFor((e) => h.log.errors.indexOf(e) >= before, 1000);
  expect(err.code).toBe(code);
}
