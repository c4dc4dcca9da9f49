import { ErrorCode, ProtocolError } from '../../errors.js';
import { protocolError } from './errors.js';

/**
 * measureGob is the gob codec's Measure: a message is a uint byte count
 * followed by that many bytes. It returns the whole frame's length (count
 * included) once it is buffered, and `-total` as soon as the count itself
 * has been read, so the frame reader can refuse an oversized message before
 * buffering any of it. A count that is not a valid gob uint (more than 8
 * bytes), a zero count, or one past 2^53 throws a ProtocolError.
 */
export function measureGob(buf: Uint8Array, start: number, end: number): number {
  const avail = end - start;
  if (avail < 1) return -1;
  const b = buf[start]!;
  let total: number;
  if (b < 128) {
    if (b === 0) throw protocolError('empty message');
    total = 1 + b;
  } else {
    const n = 256 - b;
    if (n > 8) throw protocolError(`invalid message length prefix (${n} bytes)`);
    if (avail < 1 + n) return -(1 + n);
    let len = 0;
    for (let i = 1; i <= n; i++) len = len * 256 + buf[start + i]!;
    if (len > 9007199254740991 - 9) {
      throw new ProtocolError('rpc: gob: message length exceeds 2^53', ErrorCode.MessageTooLarge);
    }
    if (len === 0) throw protocolError('empty message');
    total = 1 + n + len;
  }
  return avail >= total ? total : -total;
}

/**
 * payloadStart checks that `frame` is exactly one length-prefixed message
 * and returns where its payload begins.
 */
export function payloadStart(frame: Uint8Array): number {
  const total = measureGob(frame, 0, frame.length);
  if (total !== frame.length) throw protocolError(`frame of ${frame.length} bytes is not one message (${Math.abs(total)})`);
  const b = frame[0]!;
  return b < 128 ? 1 : 1 + (256 - b);
}
