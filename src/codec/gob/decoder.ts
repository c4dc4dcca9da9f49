import { ErrorCode } from '../../errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_VALUES, VALUE_COST_BYTES } from '../limits.js';
import { frameCostBound } from './cost-bound.js';
import { protocolError, UnsupportedValueError } from './errors.js';
import { payloadStart } from './framing.js';
import { SUSPENDED } from './suspension.js';
import { DecType, readWireType } from './type-table.js';
import { ValueReader } from './value-reader.js';

export type { GobInterfaceValue } from './value-reader.js';

/** Most messages one value may span (Go splits values around new interface types). */
const MAX_CONTINUATIONS = 4096;

/** DecodeResult is what one frame did to a stream decoder. */
export type DecodeResult =
  | { readonly kind: 'type' }
  | { readonly kind: 'partial' }
  | { readonly kind: 'value'; readonly value: unknown; readonly type: DecType };

const TYPE_RESULT: DecodeResult = { kind: 'type' };
const PARTIAL_RESULT: DecodeResult = { kind: 'partial' };

/** DecoderLimits bound what one value may cost (see src/codec/limits.ts). */
export interface DecoderLimits {
  /** Most values one message may decode to. Default DEFAULT_MAX_MESSAGE_VALUES. */
  readonly maxValues?: number;
  /** Most bytes a value split across messages may take in all. Default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
}

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
 *
 * Costs are linear in the bytes received: a message decodes to at most
 * 4096 + 64 values per byte (and maxValues), or the value is refused with
 * an UnsupportedValueError (RPC_MESSAGE_TOO_LARGE) and the stream stays in
 * sync; a value Go split across messages is continued where it stopped when
 * the next message arrives (see suspension.ts), never decoded again.
 */
export class StreamDecoder extends ValueReader {
  private readonly maxMessageBytes: number;
  /** The type of the top-level value being continued, or null. */
  private pendingType: DecType | null = null;
  private pendingCount = 0;

  constructor(maxDepth: number, limits: DecoderLimits = {}) {
    super(maxDepth, limits.maxValues ?? DEFAULT_MAX_MESSAGE_VALUES);
    this.maxMessageBytes = limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** valuesDecoded is the number of values the last complete value produced (zeros included). */
  get valuesDecoded(): number {
    return this.budget.used;
  }

  /** heldBytes estimates the memory kept between frames: the type table and a value still being continued. */
  get heldBytes(): number {
    const pending = this.pendingType === null ? 0 : this.budget.byteCount + this.budget.used * VALUE_COST_BYTES;
    return this.table.bytes + pending;
  }

  /** costBound bounds the memory decoding `frame` (a whole message) may take, without decoding it (see frameCostBound). */
  costBound(frame: Uint8Array): number {
    return frameCostBound(frame, this.table, this.pendingType !== null, this.maxValues);
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
    r.reset(frame, start, frame.length);
    if (this.pendingType !== null) return this.continueValue(frame.length);
    const id = r.readSmallInt('type id');
    if (id < 0) {
      const t = readWireType(r, -id);
      if (r.pos !== r.end) throw protocolError('extra data after type definition');
      this.table.define(t);
      return TYPE_RESULT;
    }
    if (id === 0) throw protocolError('invalid type id 0');
    this.budget.start(frame.length);
    const t = this.table.get(id);
    let value: unknown;
    try {
      value = this.topValue(t, 1);
    } catch (err) {
      this.saved.length = 0;
      throw err;
    }
    if (value === SUSPENDED) {
      this.pendingType = t;
      this.pendingCount = 1;
      return PARTIAL_RESULT;
    }
    return this.finish(value, t);
  }

  /** continueValue feeds the next message of a value Go split to the levels it stopped in. */
  private continueValue(bytes: number): DecodeResult {
    const t = this.pendingType!;
    const budget = this.budget;
    budget.extend(bytes);
    if (budget.byteCount > this.maxMessageBytes || ++this.pendingCount > MAX_CONTINUATIONS) {
      this.abandon();
      throw protocolError(`value spans more than ${budget.byteCount > this.maxMessageBytes ? `${this.maxMessageBytes} bytes` : `${MAX_CONTINUATIONS} messages`}`);
    }
    let value: unknown;
    try {
      value = this.resume();
    } catch (err) {
      this.abandon();
      // The rest of the value may still be coming in further messages: the stream cannot be resynchronised.
      throw isRecoverable(err) ? protocolError(`${(err as Error).message.replace(/^rpc: gob: /, '')} (in a value split across messages)`) : err;
    }
    if (value === SUSPENDED) return PARTIAL_RESULT;
    this.pendingType = null;
    return this.finish(value, t);
  }

  private finish(value: unknown, t: DecType): DecodeResult {
    if (this.r.pos !== this.r.end) throw protocolError('extra data after value');
    return { kind: 'value', value, type: t };
  }

  private abandon(): void {
    this.pendingType = null;
    this.saved.length = 0;
  }
}

/** isRecoverable reports whether a decode error left the stream in sync. */
export function isRecoverable(err: unknown): boolean {
  return err instanceof UnsupportedValueError || (err instanceof Error && (err as { code?: unknown }).code === ErrorCode.NestingTooDeep);
}
