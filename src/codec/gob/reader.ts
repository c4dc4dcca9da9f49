import { protocolError } from './errors.js';

const TWO32 = 4294967296;
const MAX_SAFE_HI = 2097152; // 2^53 / 2^32

/**
 * GobReader reads gob's primitive encodings from a byte array by offset,
 * without copying; `end` is the end of the current message.
 * Every read checks the bytes left before using them and throws a
 * ProtocolError when they run out.
 */
export class GobReader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  private readonly scratch = new Uint8Array(8);
  private readonly view = new DataView(this.scratch.buffer);
  private readonly text = new TextDecoder('utf-8', { ignoreBOM: true });

  /** reset points the reader at the message `buf[pos, end)`. */
  reset(buf: Uint8Array, pos: number, end: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** remaining is the number of bytes left in the current message. */
  remaining(): number {
    return this.end - this.pos;
  }

  /** readUint reads an unsigned integer: a number when it fits 2^53-1, a bigint otherwise. */
  readUint(): number | bigint {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) throw protocolError('unexpected end of message');
    const b = buf[pos++]!;
    if (b < 128) {
      this.pos = pos;
      return b;
    }
    const n = 256 - b;
    if (n > 8) throw protocolError(`invalid uint: ${n} bytes`);
    if (this.end - pos < n) throw protocolError('unexpected end of message in uint');
    let v: number;
    if (n <= 4) {
      v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + buf[pos++]!;
      this.pos = pos;
      return v;
    }
    let hi = 0;
    for (let i = 0; i < n - 4; i++) hi = hi * 256 + buf[pos++]!;
    const lo = ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
    this.pos = pos + 4;
    if (hi < MAX_SAFE_HI) return hi * TWO32 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** readInt reads a signed integer: a number when it is safe, a bigint otherwise. */
  readInt(): number | bigint {
    const u = this.readUint();
    if (typeof u === 'number') return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
    const v = (u & 1n) === 1n ? -(u >> 1n) - 1n : u >> 1n;
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }

  /** readSmallUint reads a uint that must be a safe integer (deltas, ids, lengths). */
  readSmallUint(what: string): number {
    const u = this.readUint();
    if (typeof u !== 'number') throw protocolError(`${what} out of range`);
    return u;
  }

  /** readSmallInt reads an int that must be a safe integer (type ids). */
  readSmallInt(what: string): number {
    const v = this.readInt();
    if (typeof v !== 'number') throw protocolError(`${what} out of range`);
    return v;
  }

  /**
   * readCount reads an element count and checks that `count * minBytes`
   * bytes are left in the message, so no allocation follows a lie.
   */
  readCount(what: string, minBytes: number): number {
    const n = this.readSmallUint(what);
    if (n * minBytes > this.end - this.pos) throw protocolError(`${what} ${n} exceeds the ${this.end - this.pos} bytes left`);
    return n;
  }

  /** readFloat reads a float64 (its bits byte-reversed and sent as a uint). */
  readFloat(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) throw protocolError('unexpected end of message');
    const s = this.scratch;
    const b = buf[pos++]!;
    if (b < 128) {
      s.fill(0, 0, 7);
      s[7] = b;
    } else {
      const n = 256 - b;
      if (n > 8) throw protocolError(`invalid float: ${n} bytes`);
      if (this.end - pos < n) throw protocolError('unexpected end of message in float');
      s.fill(0, 0, 8 - n);
      for (let i = 8 - n; i < 8; i++) s[i] = buf[pos++]!;
    }
    this.pos = pos;
    return this.view.getFloat64(0, true);
  }

  /** readString reads a length-prefixed UTF-8 string (invalid sequences become U+FFFD). */
  readString(): string {
    const n = this.readCount('string length', 1);
    const buf = this.buf;
    const start = this.pos;
    const stop = start + n;
    this.pos = stop;
    if (n < 32) {
      let s = '';
      for (let i = start; i < stop; i++) {
        const c = buf[i]!;
        if (c >= 128) return this.text.decode(buf.subarray(start, stop));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return this.text.decode(buf.subarray(start, stop));
  }

  /**
   * readBytes reads a length-prefixed byte slice, always as a plain
   * Uint8Array (never a Buffer, whatever the size): a copy when small, a
   * view into the frame when 64 KiB or more (a frame that large has a
   * buffer of its own, never reused, so the view keeps nothing else alive
   * and saves copying the payload).
   */
  readBytes(): Uint8Array {
    const n = this.readCount('byte slice length', 1);
    const start = this.pos;
    this.pos = start + n;
    const bytes = this.buf.subarray(start, start + n);
    return n >= 64 * 1024 ? new Uint8Array(bytes.buffer, bytes.byteOffset, n) : new Uint8Array(bytes);
  }
}
