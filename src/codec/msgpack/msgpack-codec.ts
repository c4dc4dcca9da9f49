import { Packr } from 'msgpackr';
import { ErrorCode, ProtocolError, RpcError } from '../../errors.js';
import { CallIds } from '../call-ids.js';
import type { ClientCodec, ClientOutgoing, ClientResponse, Codec, CodecOptions, Encoded, ServerCodec, ServerMessage, ServerOutgoing } from '../codec.js';
import { isLargeBytes, isSmallUint, largeRequest, largeResponse } from './msgpack-large.js';
import { measureMsgpack } from './msgpack-measure.js';
import { decodedCost } from '../limits.js';
import type { ValueCount } from '../limits.js';
import { CANCEL_METHOD, CANCEL_NOTIFICATION, cancelOf } from '../cancel.js';
import { requestWithContext, WIRE_METADATA, WIRE_TIMEOUT, wireContext } from '../wire-context.js';
import { DEFAULT_METADATA_LIMITS } from '../../call-metadata.js';
import type { MetadataLimits } from '../../call-metadata.js';

const REQUEST = 0;
const RESPONSE = 1;
const NOTIFICATION = 2;

/**
 * packr is shared by every connection: plain msgpack maps (no msgpackr
 * record extension, so any msgpack-rpc peer can read it), `undefined` as
 * nil, and 64-bit integers as numbers when they fit and bigint otherwise.
 * None of msgpackr's own extensions are written (sets, errors and regular
 * expressions go out as arrays, typed arrays as bin, no structured-clone
 * references; a bigint beyond 64 bits cannot be encoded) and the reference
 * extensions are refused when read: Dates travel as the timestamp
 * extension (-1), the only one msgpack-rpc peers share. What the decoder
 * reads has been checked by measureMsgpack, which refuses every other
 * extension type.
 */
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  encodeUndefinedAsNil: true,
  mapsAsObjects: true,
  // 'auto' is implemented by msgpackr's unpacker but missing from its typings.
  int64AsType: 'auto' as 'bigint',
});

/** Reused options object for packr.unpack: it only reads start and end. */
const range = { start: 0, end: 0 };

/**
 * decode reads the value at buf[start, end). Decoding in place (not from a
 * subarray) lets msgpackr reuse the DataView it caches on the chunk.
 */
function decode(buf: Uint8Array, start: number, end: number): unknown {
  range.start = start;
  range.end = end;
  try {
    return packr.unpack(buf as Buffer, range);
  } catch (err) {
    throw new ProtocolError(`rpc: msgpack: cannot decode message: ${(err as Error).message}`);
  }
}

function encode(value: unknown, what: string): Uint8Array {
  try {
    return packr.pack(value);
  } catch (err) {
    throw new RpcError(ErrorCode.Encode, `rpc: msgpack: cannot encode ${what}: ${(err as Error).message}`, { cause: err });
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** errorText turns a msgpack-rpc error object (any type) into a message. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(error);
  }
}

class MsgpackServerCodec implements ServerCodec {
  readonly measure;
  private readonly count: ValueCount = { values: 0 };
  private readonly ids = new CallIds();
  /** Set when the connection carries call context: requests may have a fifth element. */
  private readonly context: MetadataLimits | undefined;

  constructor(options: CodecOptions) {
    this.measure = measureMsgpack(options.maxDepth, options.maxValues, this.count);
    this.context = options.callContext ? (options.metadataLimits ?? DEFAULT_METADATA_LIMITS) : undefined;
  }

  /** decodedValues is the value count the scanner found in the last frame measured whole. */
  get decodedValues(): number {
    return this.count.values;
  }

  decodeCost(_buf: Uint8Array, start: number, end: number): number {
    return decodedCost(end - start, this.count.values);
  }

  decodeFrame(buf: Uint8Array, start = 0, end = buf.length): ServerMessage | undefined {
    const m = decode(buf, start, end);
    if (Array.isArray(m)) {
      if (m.length === 4 && m[0] === REQUEST && typeof m[2] === 'string' && Array.isArray(m[3])) {
        if (m[2] === CANCEL_METHOD) return cancelOf(this.ids, m[3][0]);
        return { type: 'request', id: this.ids.local(m[1]), serviceMethod: m[2], args: m[3][0] };
      }
      if (m.length === 5 && this.context && m[0] === REQUEST && typeof m[2] === 'string' && Array.isArray(m[3])) return this.withContext(m);
      if (m.length === 3 && m[0] === NOTIFICATION && typeof m[1] === 'string') {
        if (m[1] === CANCEL_NOTIFICATION && Array.isArray(m[2])) return cancelOf(this.ids, m[2][0]);
        return { type: 'notification', method: m[1], params: m[2] };
      }
    }
    throw new ProtocolError('rpc: msgpack: message is not a msgpack-rpc request [0, msgid, method, params] or notification [2, method, params]');
  }

  /** withContext reads a request `[0, msgid, method, params, context]` (see wire-context.ts). */
  private withContext(m: unknown[]): ServerMessage | undefined {
    const params = m[3] as unknown[];
    if (m[2] === CANCEL_METHOD) return cancelOf(this.ids, params[0]);
    const context = m[4];
    const id = this.ids.local(m[1]);
    if (!isMap(context)) {
      return { type: 'request', id, serviceMethod: m[2] as string, args: params[0], argsError: new RpcError(ErrorCode.InvalidArgument, 'rpc: msgpack: call context must be a map') };
    }
    return requestWithContext(id, m[2] as string, params[0], context[WIRE_METADATA], context[WIRE_TIMEOUT], this.context);
  }

  encode({ id: local, serviceMethod, error, reply }: ServerOutgoing): Encoded {
    const id = this.ids.wire(local);
    if (error !== null) return encode([RESPONSE, id, error, null], `error reply for ${serviceMethod}`);
    if (isLargeBytes(reply) && isSmallUint(id)) return largeResponse(id, reply);
    return encode([RESPONSE, id, null, reply], `reply for ${serviceMethod}`);
  }
}

class MsgpackClientCodec implements ClientCodec {
  readonly measure;
  private readonly count: ValueCount = { values: 0 };

  constructor(options: CodecOptions) {
    this.measure = measureMsgpack(options.maxDepth, options.maxValues, this.count);
  }

  /** decodedValues: see MsgpackServerCodec. */
  get decodedValues(): number {
    return this.count.values;
  }

  decodeCost(_buf: Uint8Array, start: number, end: number): number {
    return decodedCost(end - start, this.count.values);
  }

  encode(message: ClientOutgoing): Encoded {
    if (message.type === 'cancel') return encode([NOTIFICATION, CANCEL_NOTIFICATION, [message.target]], `notification ${CANCEL_NOTIFICATION}`);
    const { seq, serviceMethod, args } = message;
    const context = message.metadata === undefined && message.timeoutMs === undefined ? undefined : wireContext(message.metadata, message.timeoutMs);
    if (isLargeBytes(args) && isSmallUint(seq)) {
      return largeRequest(seq, serviceMethod, args, context && encode(context, `call context of ${serviceMethod}`));
    }
    if (context !== undefined) return encode([REQUEST, seq, serviceMethod, [args], context], `arguments for ${serviceMethod}`);
    return encode([REQUEST, seq, serviceMethod, [args]], `arguments for ${serviceMethod}`);
  }

  decodeFrame(buf: Uint8Array, start = 0, end = buf.length): ClientResponse {
    const m = decode(buf, start, end);
    if (Array.isArray(m) && m.length === 4 && m[0] === RESPONSE && typeof m[1] === 'number') {
      const error = m[2] === null || m[2] === undefined ? null : errorText(m[2]);
      return { type: 'response', seq: m[1], error, reply: error === null ? m[3] : undefined };
    }
    throw new ProtocolError('rpc: msgpack: message is not a msgpack-rpc response [1, msgid, error, result]');
  }
}

/**
 * msgpackCodec speaks the msgpack-rpc specification: request
 * `[0, msgid, method, [args]]`, response `[1, msgid, error, result]`
 * (error nil on success), notification `[2, method, params]`. Values are
 * plain msgpack (maps, not msgpackr records), readable by any msgpack-rpc
 * implementation. On a connection that negotiated call context a request
 * may carry a fifth element, the map `{"metadata", "timeoutMs"}` (see
 * wire-context.ts); it is never sent otherwise.
 */
export const msgpackCodec: Codec = {
  name: 'msgpack',
  newServerCodec: (options) => new MsgpackServerCodec(options),
  newClientCodec: (options) => new MsgpackClientCodec(options),
};
