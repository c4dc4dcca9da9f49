import { ErrorCode } from '../../errors.js';
import { NEED_MORE, protocolError, tooDeepError, UnsupportedValueError } from './errors.js';
import { payloadStart } from './framing.js';
import { GobReader } from './reader.js';
import { decodeGoTime, isPlausibleGoTime, zeroGoTime } from './time.js';
import { DecType, K, readWireType, TypeTable } from './type-table.js';

/** Most messages one value may span (Go splits values around new interface types). */
const MAX_CONTINUATIONS = 4096;
/** Most bytes buffered for a value that spans messages. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** Most array elements created to fill in omitted array fields per message. */
const ZERO_BUDGET = 1 << 20;

/**
 * GobInterfaceValue is how a decoded Go interface value is represented:
 * the name the Go side registered the concrete type under (gob.Register)
 * and the decoded concrete value. A nil interface decodes as null.
 * The encoder accepts the same shape for fields whose GoType is 'interface'.
 */
export interface GobInterfaceValue {
  readonly type: string;
  readonly value: unknown;
}

/** DecodeResult is what one frame did to a stream decoder. */
export type DecodeResult =
  | { readonly kind: 'type' }
  | { readonly kind: 'partial' }
  | { readonly kind: 'value'; readonly value: unknown; readonly type: DecType };

const TYPE_RESULT: DecodeResult = { kind: 'type' };
const PARTIAL_RESULT: DecodeResult = { kind: 'partial' };

/**
 * StreamDecoder decodes one direction of a gob stream, frame by frame. It
 * owns the stream's type table. Values decode as: bool → boolean; int/uint
 * → number, or bigint beyond ±(2^53-1); float → number; complex →
 * {real, imag}; string → string; []byte → Uint8Array (a copy); slices and
 * arrays → arrays; maps with string keys → plain objects, other maps →
 * Map; structs → plain objects with every field of the sender's type
 * (omitted fields get their zero value; an omitted struct field, which Go
 * only omits for nil pointers, is null); interfaces → {@link GobInterfaceValue};
 * time.Time → Date (milliseconds); other GobEncoder/BinaryMarshaler/
 * TextMarshaler types → their raw bytes. Nesting is bounded by `maxDepth`.
 */
export class StreamDecoder {
  private readonly r = new GobReader();
  private readonly table = new TypeTable();
  private readonly maxDepth: number;
  /** Type ids defined while decoding the current value (forgotten on retry). */
  private readonly attempt: number[] = [];
  private pending: Uint8Array | null = null;
  private pendingFirstEnd = 0;
  private pendingCount = 0;
  private zeroBudget = ZERO_BUDGET;

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
  }

  /**
   * decodeFrame decodes one length-prefixed message. It throws a
   * ProtocolError when the message is malformed; an
   * UnsupportedValueError (or RPC_NESTING_TOO_DEEP) when the value is
   * well framed but cannot be represented.
   */
  decodeFrame(frame: Uint8Array): DecodeResult {
    const start = payloadStart(frame);
    const r = this.r;
    let buf: Uint8Array;
    let firstEnd: number;
    if (this.pending === null) {
      r.reset(frame, start, frame.length, frame.length);
      const id = r.readSmallInt('type id');
      if (id < 0) {
        const t = readWireType(r, -id);
        if (r.pos !== r.end) throw protocolError('extra data after type definition');
        this.table.define(t);
        return TYPE_RESULT;
      }
      if (id === 0) throw protocolError('invalid type id 0');
      buf = frame;
      firstEnd = frame.length;
      return this.decodeValueMessage(id, buf, start, firstEnd);
    }
    const prev = this.pending;
    if (prev.length + frame.length > MAX_PENDING_BYTES || ++this.pendingCount > MAX_CONTINUATIONS) {
      this.pending = null;
      throw protocolError('value spans too many messages');
    }
    buf = new Uint8Array(prev.length + frame.length);
    buf.set(prev, 0);
    buf.set(frame, prev.length);
    firstEnd = this.pendingFirstEnd;
    r.reset(buf, 0, firstEnd, buf.length);
    const id = r.readSmallInt('type id');
    return this.decodeValueMessage(id, buf, 0, firstEnd);
  }

  private decodeValueMessage(id: number, buf: Uint8Array, start: number, firstEnd: number): DecodeResult {
    const r = this.r;
    this.attempt.length = 0;
    this.zeroBudget = ZERO_BUDGET;
    try {
      const t = this.table.get(id);
      const value = this.topValue(t, 1);
      if (r.pos !== r.limit) throw protocolError('extra data after value');
      this.pending = null;
      return { kind: 'value', value, type: t };
    } catch (err) {
      if (err !== NEED_MORE) {
        this.pending = null;
        throw err;
      }
      for (const defined of this.attempt) this.table.forget(defined);
      if (this.pending === null) {
        this.pending = buf.slice(start, firstEnd);
        this.pendingFirstEnd = firstEnd - start;
        this.pendingCount = 1;
      } else {
        this.pending = buf;
      }
      return PARTIAL_RESULT;
    }
  }

  /** topValue decodes a value as sent at top level or inside an interface. */
  private topValue(t: DecType, depth: number): unknown {
    if (t.kind === K.Struct) return this.struct(t, depth);
    if (this.r.readSmallUint('field delta') !== 0) throw protocolError('non-zero delta for singleton value');
    return this.value(t, depth);
  }

  private value(t: DecType, depth: number): unknown {
    const r = this.r;
    switch (t.kind) {
      case K.Bool: {
        const u = r.readUint();
        if (u !== 0 && u !== 1) throw protocolError('invalid bool');
        return u === 1;
      }
      case K.Int:
        return r.readInt();
      case K.Uint:
        return r.readUint();
      case K.Float:
        return r.readFloat();
      case K.Bytes:
        return r.readBytes();
      case K.String:
        return r.readString();
      case K.Complex: {
        const real = r.readFloat();
        return { real, imag: r.readFloat() };
      }
      case K.Interface:
        return this.iface(depth);
      case K.Struct:
        return this.struct(t, depth);
      case K.Array:
      case K.Slice: {
        if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
        const n = r.readCount('element count', 1);
        if (t.kind === K.Array && n !== t.len) throw protocolError(`array length ${n}, want ${t.len}`);
        const elem = t.elem!;
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value(elem, depth + 1);
        return out;
      }
      case K.Map:
        return this.map(t, depth);
      default:
        return this.external(t);
    }
  }

  private struct(t: DecType, depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
    const r = this.r;
    const names = t.fieldNames;
    const types = t.fields;
    const nf = names.length;
    const obj: Record<string, unknown> = {};
    let field = -1;
    let seen = 0;
    for (;;) {
      const d = r.readSmallUint('field delta');
      if (d === 0) break;
      field += d;
      if (field >= nf) throw protocolError(`field ${field} out of range for type ${t.id}`);
      obj[names[field]!] = this.value(types[field]!, depth + 1);
      seen++;
    }
    if (seen < nf) {
      for (let i = 0; i < nf; i++) {
        const name = names[i]!;
        if (!Object.hasOwn(obj, name)) obj[name] = this.zero(types[i]!, depth + 1);
      }
    }
    return obj;
  }

  private map(t: DecType, depth: number): unknown {
    if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
    const r = this.r;
    const n = r.readCount('map size', 2);
    const key = t.key!;
    const elem = t.elem!;
    if (key.kind === K.String) {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = r.readString();
        const v = this.value(elem, depth + 1);
        if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[k] = v;
      }
      return obj;
    }
    const m = new Map<unknown, unknown>();
    for (let i = 0; i < n; i++) {
      const k = this.value(key, depth + 1);
      m.set(k, this.value(elem, depth + 1));
    }
    return m;
  }

  private iface(depth: number): GobInterfaceValue | null {
    if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
    const r = this.r;
    const name = r.readString();
    if (name === '') return null;
    if (name.length > 1024) throw protocolError('interface type name longer than 1024 bytes');
    const id = this.typeSequence();
    r.readUint(); // byte count of the value; only useful to skip it
    const t = this.table.get(id);
    return { type: name, value: this.topValue(t, depth + 1) };
  }

  /**
   * typeSequence reads the type definitions that may precede an interface's
   * concrete type id, moving on to following messages as Go's decoder does.
   */
  private typeSequence(): number {
    const r = this.r;
    for (;;) {
      if (r.pos >= r.end && !r.nextMessage()) throw NEED_MORE;
      const id = r.readSmallInt('type id');
      if (id > 0) return id;
      if (id === 0) throw protocolError('invalid type id 0');
      const t = readWireType(r, -id);
      this.table.define(t);
      this.attempt.push(t.id);
      if (r.pos < r.end) r.readUint();
    }
  }

  private external(t: DecType): unknown {
    const bytes = this.r.readBytes();
    if (t.maybeTime) return (isPlausibleGoTime(bytes) && decodeGoTime(bytes)) || bytes;
    if (!t.isTime) return bytes;
    const date = decodeGoTime(bytes);
    if (date === null) return bytes;
    if (date === undefined) throw new UnsupportedValueError('rpc: gob: time outside the range of a JavaScript Date');
    return date;
  }

  /** zero is the value Go gives an omitted field of type t. */
  private zero(t: DecType, depth: number): unknown {
    switch (t.kind) {
      case K.Bool:
        return false;
      case K.Int:
      case K.Uint:
      case K.Float:
        return 0;
      case K.Bytes:
        return new Uint8Array(0);
      case K.String:
        return '';
      case K.Complex:
        return { real: 0, imag: 0 };
      case K.Interface:
      case K.Struct:
        return null;
      case K.Slice:
        return [];
      case K.Map:
        return t.key!.kind === K.String ? {} : new Map();
      case K.Array: {
        if (depth > this.maxDepth) throw tooDeepError(this.maxDepth);
        this.zeroBudget -= t.len;
        if (this.zeroBudget < 0) throw protocolError('omitted array fields too large');
        const out = new Array<unknown>(t.len);
        for (let i = 0; i < t.len; i++) out[i] = this.zero(t.elem!, depth + 1);
        return out;
      }
      default:
        return t.isTime ? zeroGoTime() : new Uint8Array(0);
    }
  }
}

/** isRecoverable reports whether a decode error left the stream in sync. */
export function isRecoverable(err: unknown): boolean {
  return err instanceof UnsupportedValueError || (err instanceof Error && (err as { code?: unknown }).code === ErrorCode.NestingTooDeep);
}
