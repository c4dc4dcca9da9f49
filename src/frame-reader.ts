import type { Measure } from './codec/codec.js';
import { ErrorCode, ProtocolError } from './errors.js';

/**
 * FrameReader cuts a byte stream into frames using a codec's Measure and
 * enforces the message size limit before buffering: a frame that will be
 * larger than `maxMessageBytes` is rejected as soon as its size (or a lower
 * bound on it) is known. Frames that lie within one chunk are handed out as
 * views without copying; only a frame split across chunks is joined.
 */
export class FrameReader {
  private readonly measure: Measure;
  private readonly maxMessageBytes: number;
  /** Chunks holding the start of an incomplete frame. */
  private chunks: Uint8Array[] = [];
  /** Total bytes in `chunks`. */
  private buffered = 0;
  /** Bytes that must be buffered before measuring again. */
  private needed = 0;

  constructor(measure: Measure, maxMessageBytes: number) {
    this.measure = measure;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** bufferedBytes is the number of bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * push adds a chunk and calls `onFrame(buf, start, end)` for every
   * complete frame `buf[start, end)`, in order. It throws a ProtocolError when the stream is malformed or a frame
   * exceeds the limit; the reader must not be used after that.
   * `onFrame` may return false to stop early: the rest stays buffered and is
   * processed by the next call to push (with an empty chunk, if need be).
   */
  push(chunk: Uint8Array, onFrame: (buf: Uint8Array, start: number, end: number) => boolean | void): void {
    let buf: Uint8Array;
    if (this.buffered === 0) {
      buf = chunk;
    } else {
      if (chunk.length > 0) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
      }
      if (this.buffered < this.needed) return;
      buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
    }
    const end = buf.length;
    let start = 0;
    this.needed = 0;
    while (start < end) {
      const n = this.measure(buf, start, end);
      if (n > 0) {
        if (n > this.maxMessageBytes) throw tooLarge(n, this.maxMessageBytes);
        const frameStart = start;
        start += n;
        if (onFrame(buf, frameStart, start) === false) break;
        continue;
      }
      const needed = -n;
      if (needed > this.maxMessageBytes) throw tooLarge(needed, this.maxMessageBytes);
      this.needed = needed;
      break;
    }
    if (start < end) {
      this.chunks = [buf.subarray(start)];
      this.buffered = end - start;
    }
  }
}

function tooLarge(size: number, limit: number): ProtocolError {
  return new ProtocolError(
    `rpc: message of at least ${size} bytes exceeds the limit of ${limit} bytes`,
    ErrorCode.MessageTooLarge,
  );
}
