/**
 * Messages whose payload is one large byte array are written as two parts,
 * a small header and the caller's bytes, so the payload goes to the socket
 * without being copied into an encode buffer (and without the encoder
 * growing a buffer several times its size).
 */

/** LARGE_BYTES is the payload size from which the two-part form is used. */
export const LARGE_BYTES = 64 * 1024;

/** isLargeBytes reports whether `v` is a byte array worth sending without a copy. */
export function isLargeBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.length >= LARGE_BYTES;
}

/** isSmallUint reports whether `v` is an integer msgpack can write as a uint of at most 32 bits. */
export function isSmallUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

class HeaderWriter {
  readonly bytes: Buffer;
  pos = 0;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  byte(b: number): this {
    this.bytes[this.pos++] = b;
    return this;
  }

  uint(n: number): this {
    if (n < 0x80) return this.byte(n);
    if (n <= 0xff) return this.byte(0xcc).byte(n);
    if (n <= 0xffff) {
      this.byte(0xcd);
      this.bytes.writeUInt16BE(n, this.pos);
      this.pos += 2;
      return this;
    }
    this.byte(0xce);
    this.bytes.writeUInt32BE(n, this.pos);
    this.pos += 4;
    return this;
  }

  str(s: string): this {
    const len = Buffer.byteLength(s);
    if (len < 32) this.byte(0xa0 | len);
    else if (len <= 0xff) this.byte(0xd9).byte(len);
    else if (len <= 0xffff) {
      this.byte(0xda);
      this.bytes.writeUInt16BE(len, this.pos);
      this.pos += 2;
    } else {
      this.byte(0xdb);
      this.bytes.writeUInt32BE(len, this.pos);
      this.pos += 4;
    }
    this.pos += this.bytes.write(s, this.pos, 'utf8');
    return this;
  }

  binHeader(len: number): this {
    if (len <= 0xff) return this.byte(0xc4).byte(len);
    if (len <= 0xffff) {
      this.byte(0xc5);
      this.bytes.writeUInt16BE(len, this.pos);
      this.pos += 2;
      return this;
    }
    this.byte(0xc6);
    this.bytes.writeUInt32BE(len, this.pos);
    this.pos += 4;
    return this;
  }

  done(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }
}

/** largeResponse returns `[1, id, nil, <bin payload>]` as [header, payload]. */
export function largeResponse(id: number, payload: Uint8Array): Uint8Array[] {
  const header = new HeaderWriter(16).byte(0x94).byte(0x01).uint(id).byte(0xc0).binHeader(payload.length).done();
  return [header, payload];
}

/**
 * largeRequest returns `[0, seq, method, [<bin payload>]]` as [header,
 * payload], or with `context` (an encoded call context, see
 * wire-context.ts) `[0, seq, method, [<bin payload>], context]` as
 * [header, payload, context].
 */
export function largeRequest(seq: number, method: string, payload: Uint8Array, context?: Uint8Array): Uint8Array[] {
  const header = new HeaderWriter(24 + Buffer.byteLength(method) * 1)
    .byte(context === undefined ? 0x94 : 0x95)
    .byte(0x00)
    .uint(seq)
    .str(method)
    .byte(0x91)
    .binHeader(payload.length)
    .done();
  return context === undefined ? [header, payload] : [header, payload, context];
}
