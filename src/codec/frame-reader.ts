import type { Measure } from './codec.js';
import { ErrorCode, ProtocolError } from '../errors.js';

/**
 * FrameReader cuts a byte stream into frames using a codec's Measure and
 * enforces the message size limit before buffering: a frame that will be
 * larger than `maxMessageBytes` is rejected as soon as its size (or a lower
 * bound on it) is known. Frames that lie within one chunk are handed out as
 * views without copying; only a frame split across chunks is joined.
 *
 * A large frame whose size the format does not announce (a JSON object, a
 * msgpack array of strings) is re-measured only each time the buffered
 * bytes double, or `RESCAN_DELAY_MS` after the last chunk, so a peer that
 * streams an endless message costs linear time up to the limit instead of
 * a join and a rescan per chunk.
 */
/** Partial frames smaller than this are re-measured on every chunk. */
const RESCAN_MIN = 64 * 1024;
/** How long a deferred re-measure waits for more bytes. */
const RESCAN_DELAY_MS = 5;
/**
 * A chunk holding a byte that ends messages (see `endByte`) is measured at
 * once instead of waiting, while the bytes measured for the frame stay
 * within this many times its size: the work stays linear, and the last
 * chunk of a large JSON message is not kept waiting RESCAN_DELAY_MS.
 */
const EARLY_RESCAN_FACTOR = 4;
const LF = 0x0a;

/** HOLD_FRAME, returned by push's onFrame, leaves that frame unconsumed: it is handed out again by the next push. */
export const HOLD_FRAME = 'hold';

export class FrameReader {
  private readonly measure: Measure;
  private readonly wake: (() => void) | undefined;
  /** Buffered size at which an open-ended frame is measured again (0: every chunk). */
  private rescanAt = 0;
  /** The need the last incomplete measure announced, for the same partial frame. */
  private lastNeed = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private readonly maxMessageBytes: number;
  /** Chunks holding the start of an incomplete frame. */
  private chunks: Uint8Array[] = [];
  /** Total bytes in `chunks`. */
  private buffered = 0;
  /** Bytes that must be buffered before measuring again. */
  private needed = 0;
  private readonly isPadding: ((byte: number) => boolean) | undefined;
  /** A byte that follows each message (JSON's newline, when newline is padding), or -1. */
  private readonly endByte: number;
  /** Bytes measured so far for the incomplete frame at the start of `chunks`. */
  private measured = 0;

  /**
   * `wake` is called when the reader wants `push` called again (with an
   * empty chunk) to measure bytes it deferred; without it, deferred bytes
   * are measured on the next push. `isPadding` names bytes a format allows
   * between messages (JSON's whitespace, such as the newline Go's encoder
   * writes after each message): when everything left after the last
   * complete frame is padding, it is dropped instead of being held as the
   * start of a message, so a quiet connection holds no partial message.
   */
  constructor(measure: Measure, maxMessageBytes: number, wake?: () => void, isPadding?: (byte: number) => boolean) {
    this.measure = measure;
    this.maxMessageBytes = maxMessageBytes;
    this.wake = wake;
    this.isPadding = isPadding;
    // Go's json.Encoder, and this package's json codec, end each message with a newline.
    this.endByte = isPadding?.(LF) ? LF : -1;
  }

  /** dispose cancels a pending wake-up; call it when the stream ends. */
  dispose(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
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
   * processed by the next call to push (with an empty chunk, if need be);
   * HOLD_FRAME stops before the frame, which stays buffered too.
   */
  push(chunk: Uint8Array, onFrame: (buf: Uint8Array, start: number, end: number) => boolean | void | typeof HOLD_FRAME): void {
    let buf: Uint8Array;
    if (this.buffered === 0) {
      buf = chunk;
    } else {
      if (chunk.length > 0) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
      }
      if (this.buffered < this.needed) return;
      if (chunk.length > 0 && this.buffered < this.rescanAt && !this.mayEndIn(chunk)) {
        if (this.buffered > this.maxMessageBytes) throw tooLarge(this.buffered + 1, this.maxMessageBytes);
        if (this.wake && this.wakeTimer === undefined) {
          this.wakeTimer = setTimeout(() => {
            this.wakeTimer = undefined;
            this.rescanAt = 0;
            this.wake!();
          }, RESCAN_DELAY_MS);
          this.wakeTimer.unref();
        }
        return;
      }
      this.dispose();
      this.rescanAt = 0;
      buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
    }
    const end = buf.length;
    let start = 0;
    const continued = this.measured;
    this.needed = 0;
    this.measured = 0;
    while (start < end) {
      const n = this.measure(buf, start, end);
      if (n > 0) {
        if (n > this.maxMessageBytes) throw tooLarge(n, this.maxMessageBytes);
        const frameStart = start;
        start += n;
        this.lastNeed = 0;
        const next = onFrame(buf, frameStart, start);
        if (next === false) break;
        if (next === HOLD_FRAME) {
          start = frameStart;
          break;
        }
        continue;
      }
      const needed = -n;
      if (needed > this.maxMessageBytes) throw tooLarge(needed, this.maxMessageBytes);
      const partial = end - start;
      // The bytes reached the need announced last time and the frame is still
      // incomplete: the needs are lower bounds (an open-ended frame), so it is
      // re-measured only when it doubles.
      if (partial >= RESCAN_MIN && start === 0 && partial >= this.lastNeed && this.lastNeed > 0) this.rescanAt = 2 * partial;
      this.measured = (start === 0 ? continued : 0) + partial;
      this.needed = needed;
      this.lastNeed = needed;
      break;
    }
    if (start < end && !this.onlyPadding(buf, start, end)) {
      this.chunks = [buf.subarray(start)];
      this.buffered = end - start;
    }
  }

  /**
   * mayEndIn reports whether a deferred re-measure should happen now: the
   * chunk holds a byte that ends messages and the frame has not been
   * measured more than EARLY_RESCAN_FACTOR times its size in all.
   */
  private mayEndIn(chunk: Uint8Array): boolean {
    if (this.endByte < 0 || this.measured + this.buffered > EARLY_RESCAN_FACTOR * this.buffered) return false;
    return chunk.indexOf(this.endByte) >= 0;
  }

  /** onlyPadding reports whether buf[start, end) holds padding bytes only; it stops at the first other byte. */
  private onlyPadding(buf: Uint8Array, start: number, end: number): boolean {
    const isPadding = this.isPadding;
    if (isPadding === undefined) return false;
    for (let i = start; i < end; i++) if (!isPadding(buf[i]!)) return false;
    this.needed = 0;
    this.measured = 0;
    return true;
  }
}

function tooLarge(size: number, limit: number): ProtocolError {
  return new ProtocolError(
    `rpc: message of at least ${size} bytes exceeds the limit of ${limit} bytes`,
    ErrorCode.MessageTooLarge,
  );
}
