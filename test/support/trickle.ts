/**
 * A slow writer: a peer that sends its bytes one at a time, to exercise
 * read deadlines and incremental parsing.
 */
import type net from 'node:net';

/**
 * trickle writes `bytes` (a latin1 string or raw bytes) to `socket` one
 * byte every `everyMs`, and stops at the end or once the socket is destroyed.
 */
export function trickle(socket: net.Socket, bytes: Uint8Array | string, everyMs: number): void {
  const all = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  let i = 0;
  const t = setInterval(() => {
    if (socket.destroyed || i >= all.length) return clearInterval(t);
    socket.write(all.subarray(i, ++i));
  }, everyMs);
}
