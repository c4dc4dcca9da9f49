const TWO32 = 4294967296;
const MAX_PREFIX = 9;
/** Messages at least this large are handed over by take() instead of copied; byte arrays this large are written by reference. */
const HAND_OVER = 64 * 1024;

/** A byte array written by reference (see writeBytes): it goes out before `buf[at]`. */
interface Part {
  at: number;
  readonly bytes: Uint8Array;
}

/**
 * GobWriter appends gob's primitive encodings to a growable buffer that is
 * reused between messages. `take()` returns what was written: a copy for
 * small messages, the buffer itself for large ones (the writer then starts
 * a new buffer), so a large payload is not copied once more. Byte arrays
 * and strings of HAND_OVER bytes or more are not copied at all: they are
 * kept by reference as parts of their own, and take() returns the message
 * as consecutive parts.
 */
export class GobWriter {
  buf: Uint8Array = new Uint8Array(256);
  pos = 0;
  /** Byte arrays written by reference, in order of `at`. */
  private readonly parts: Part[] = [];
  private readonly scratch = new Uint8Array(8);
  private readonly view = new DataView(this.scratch.buffer);
  private readonly text = new TextEncoder();

  /** reset empties the writer. */
  reset(): void {
    this.pos = 0;
    this.parts.length = 0;
  }

  /** ensure makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** writeUint appends a non-negative integer number (up to 2^64-1). */
  writeUint(n: number): void {
    if (n < 128) {
      this.ensure(1);
      this.buf[this.pos++] = n;
      return;
    }
    if (n > 9007199254740991) {
      this.writeUintBig(BigInt(n));
      return;
    }
    this.ensure(9);
    const buf = this.buf;
    let hi = Math.floor(n / TWO32);
    let lo = n >>> 0;
    let count: number;
    if (hi === 0) count = lo < 0x100 ? 1 : lo < 0x10000 ? 2 : lo < 0x1000000 ? 3 : 4;
    else count = 4 + (hi < 0x100 ? 1 : hi < 0x10000 ? 2 : hi < 0x1000000 ? 3 : 4);
    buf[this.pos] = 256 - count;
    let p = this.pos + count;
    this.pos = p + 1;
    for (let i = 0; i < count; i++) {
      if (i < 4) {
        buf[p--] = lo & 0xff;
        lo >>>= 8;
      } else {
        buf[p--] = hi & 0xff;
        hi >>>= 8;
      }
    }
  }

  /** writeUintBig appends a bigint in [0, 2^64). */
  writeUintBig(n: bigint): void {
    if (n < 9007199254740992n) {
      this.writeUint(Number(n));
      return;
    }
    this.ensure(9);
    const buf = this.buf;
    let count = 0;
    for (let v = n; v > 0n; v >>= 8n) count++;
    buf[this.pos] = 256 - count;
    let p = this.pos + count;
    this.pos = p + 1;
    for (let v = n; v > 0n; v >>= 8n) buf[p--] = Number(v & 0xffn);
  }

  /** writeInt appends a signed integer number (within int64). */
  writeInt(n: number): void {
    if (n >= 0) {
      if (n < 4503599627370496) this.writeUint(n * 2);
      else this.writeIntBig(BigInt(n));
    } else if (n > -4503599627370496) {
      this.writeUint(-n * 2 - 1);
    } else {
      this.writeIntBig(BigInt(n));
    }
  }

  /** writeIntBig appends a bigint in [-2^63, 2^63). */
  writeIntBig(n: bigint): void {
    this.writeUintBig(n < 0n ? ((-n - 1n) << 1n) | 1n : n << 1n);
  }

  /** writeFloat appends a float64 (bits byte-reversed, as a uint). */
  writeFloat(f: number): void {
    const s = this.scratch;
    this.view.setFloat64(0, f, true);
    let i = 0;
    while (i < 8 && s[i] === 0) i++;
    this.ensure(9);
    const buf = this.buf;
    if (i === 8) {
      buf[this.pos++] = 0;
      return;
    }
    if (i === 7 && s[7]! < 128) {
      buf[this.pos++] = s[7]!;
      return;
    }
    buf[this.pos++] = 256 - (8 - i);
    for (; i < 8; i++) buf[this.pos++] = s[i]!;
  }

  /** writeString appends a length-prefixed UTF-8 string. */
  writeString(s: string): void {
    const len = s.length;
    if (len < 128) {
      this.ensure(len + 1);
      const buf = this.buf;
      const start = this.pos;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 128) break;
        buf[start + 1 + i] = c;
      }
      if (i === len) {
        buf[start] = len;
        this.pos = start + 1 + len;
        return;
      }
    }
    this.writeBytes(this.text.encode(s));
  }

  /** writeBytes appends a length-prefixed byte slice (a large one by reference: it must not change until sent). */
  writeBytes(b: Uint8Array): void {
    this.writeUint(b.length);
    if (b.length >= HAND_OVER) this.parts.push({ at: this.pos, bytes: b });
    else this.writeRaw(b);
  }

  /** append adds everything `other` holds (its bytes copied, its parts by reference). */
  append(other: GobWriter): void {
    const base = this.pos;
    this.writeRaw(other.buf.subarray(0, other.pos));
    for (const p of other.parts) this.parts.push({ at: p.at + base, bytes: p.bytes });
  }

  /** writeRaw appends bytes as they are. */
  writeRaw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** beginLength reserves room for a uint length and returns where it starts. */
  beginLength(): number {
    this.ensure(MAX_PREFIX);
    const start = this.pos;
    this.pos += MAX_PREFIX;
    return start;
  }

  /** endLength writes the length of what follows `start`'s reservation and closes the gap. */
  endLength(start: number): void {
    const bodyStart = start + MAX_PREFIX;
    const inBuffer = this.pos - bodyStart;
    let len = inBuffer;
    for (const p of this.parts) if (p.at >= bodyStart) len += p.bytes.length;
    const end = this.pos;
    this.pos = start;
    this.writeUint(len);
    const prefixEnd = this.pos;
    if (prefixEnd !== bodyStart) {
      this.buf.copyWithin(prefixEnd, bodyStart, end);
      for (const p of this.parts) if (p.at >= bodyStart) p.at -= bodyStart - prefixEnd;
    }
    this.pos = prefixEnd + inBuffer;
  }

  /** take returns the bytes written since `start` in one buffer and rewinds to `start` (see takeParts). */
  take(start = 0): Uint8Array {
    const out = this.takeParts(start);
    return Array.isArray(out) ? Buffer.concat(out) : out;
  }

  /**
   * takeParts returns the bytes written since `start` (see the class
   * comment): one buffer, or consecutive parts when byte arrays were written
   * by reference; it rewinds to `start`.
   */
  takeParts(start = 0): Uint8Array | Uint8Array[] {
    const parts = this.parts;
    if (parts.length > 0 && parts[parts.length - 1]!.at >= start) return this.joinParts(start);
    if (start === 0 && this.pos >= HAND_OVER) {
      const out = this.buf.subarray(0, this.pos);
      this.buf = new Uint8Array(this.buf.length);
      this.pos = 0;
      return out;
    }
    const out = this.buf.slice(start, this.pos);
    this.pos = start;
    return out;
  }

  /** joinParts is takeParts for a message holding parts: the buffer's bytes between them are copied. */
  private joinParts(start: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let from = start;
    const first = this.parts.findIndex((p) => p.at >= start);
    for (let i = first; i < this.parts.length; i++) {
      const p = this.parts[i]!;
      if (p.at > from) out.push(this.buf.slice(from, p.at));
      out.push(p.bytes);
      from = p.at;
    }
    if (this.pos > from) out.push(this.buf.slice(from, this.pos));
    this.parts.length = first;
    this.pos = start;
    return out;
  }
}
