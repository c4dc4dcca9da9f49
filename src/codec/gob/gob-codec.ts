import { CANCEL_METHOD, cancelOf } from '../cancel.js';
import { ErrorCode, RpcError } from '../../errors.js';
import { CallIds } from '../call-ids.js';
import type { ClientCodec, ClientOutgoing, ClientResponse, Codec, CodecOptions, Encoded, ServerCodec, ServerMessage, ServerOutgoing } from '../codec.js';
import type { GoType } from '../go-type.js';
import { isRecoverable, StreamDecoder } from './decoder.js';
import { EMPTY_STRUCT, mapOf, structOf, ScalarType, topType } from './enc-type.js';
import type { EncType } from './enc-type.js';
import { StreamEncoder } from './encoder.js';
import { encodeError, protocolError } from './errors.js';
import { measureGob } from './framing.js';
import type { DecType } from './type-table.js';
import { encTypeOfWire } from './wire-memory.js';
import { decodedCost } from '../limits.js';
import { requestWithContext } from '../wire-context.js';
import { DEFAULT_METADATA_LIMITS } from '../../call-metadata.js';
import type { MetadataLimits } from '../../call-metadata.js';

export type { GobInterfaceValue } from './decoder.js';

/** A cancel call's argument: the abandoned call's sequence number, a Go uint64. */
const SEQ_TYPE: GoType = { kind: 'uint', bits: 64 };
export { measureGob } from './framing.js';

/** net/rpc's request header, `rpc.Request{ServiceMethod string; Seq uint64}`. */
const REQUEST = structOf('Request', ['ServiceMethod', 'Seq'], [ScalarType.string, ScalarType.uint]);
/**
 * The request header of a call that carries call context (see
 * wire-context.ts): net/rpc's two fields, then the metadata and the
 * client's timeout in ms. A gob type of its own, sent only on connections
 * that negotiated call context; calls without context still use REQUEST.
 */
const REQUEST_WITH_CONTEXT = structOf('Request', ['ServiceMethod', 'Seq', 'Metadata', 'TimeoutMs'], [ScalarType.string, ScalarType.uint, mapOf(ScalarType.string, ScalarType.string), ScalarType.uint]);
/** net/rpc's response header, `rpc.Response{ServiceMethod string; Seq uint64; Error string}`. */
const RESPONSE = structOf('Response', ['ServiceMethod', 'Seq', 'Error'], [ScalarType.string, ScalarType.uint, ScalarType.string]);

interface Header {
  readonly serviceMethod: string;
  readonly seq: number | bigint;
  readonly error: string;
  /** A request header's Metadata and TimeoutMs fields, as decoded (absent, or zero values, from peers that send none). */
  readonly metadata?: unknown;
  readonly timeoutMs?: unknown;
}

function readHeader(v: unknown): Header {
  if (typeof v !== 'object' || v === null) throw protocolError('header is not a struct');
  const h = v as { ServiceMethod?: unknown; Seq?: unknown; Error?: unknown; Metadata?: unknown; TimeoutMs?: unknown };
  const serviceMethod = h.ServiceMethod;
  const seq = h.Seq;
  const error = h.Error ?? '';
  if (typeof serviceMethod !== 'string' || (typeof seq !== 'number' && typeof seq !== 'bigint') || typeof error !== 'string') {
    throw protocolError('header is not an rpc.Request or rpc.Response');
  }
  if (seq < 0) throw protocolError('negative sequence number');
  if (h.Metadata === undefined && h.TimeoutMs === undefined) return { serviceMethod, seq, error };
  return { serviceMethod, seq, error, metadata: h.Metadata, timeoutMs: h.TimeoutMs };
}

function asEncodeError(err: unknown): RpcError {
  if (err instanceof RpcError && err.code === ErrorCode.Encode) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RpcError(ErrorCode.Encode, `rpc: gob: ${message}`, { cause: err });
}

/**
 * bodyType is the type a call's body travels as: its GoType when given,
 * otherwise inferred from the value; undefined (no argument or reply) is
 * sent as an empty struct, which Go decodes into any struct type.
 */
function bodyType(v: unknown, goType: GoType | undefined, maxDepth: number) {
  if (goType === undefined && v === undefined) return EMPTY_STRUCT;
  return topType(v, goType, maxDepth);
}

/** A header value and the body value that followed it, or why the body could not be represented. */
type Pair = { readonly header: Header; readonly body: unknown; readonly bodyType?: DecType; readonly bodyError?: undefined } | { readonly header: Header; readonly bodyError: Error };

/**
 * GobRpcStream is what both ends of net/rpc's gob layout share: one gob
 * stream each way, every message a header value followed by a body value.
 */
abstract class GobRpcStream {
  readonly measure = measureGob;
  protected readonly maxDepth: number;
  private readonly dec: StreamDecoder;
  private readonly enc: StreamEncoder;
  private header: Header | null = null;
  /** decodedCost of the frame the current header came in. */
  protected headerCost = 0;

  constructor(options: CodecOptions) {
    this.maxDepth = options.maxDepth;
    this.dec = new StreamDecoder(options.maxDepth, options);
    this.enc = new StreamEncoder(options.maxDepth);
  }

  /** decodeCost bounds the memory the frame will take once decoded (see StreamDecoder.costBound). */
  decodeCost(buf: Uint8Array, start: number, end: number): number {
    return this.dec.costBound(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
  }

  /** decodedValues is the number of values the last decoded value produced, omitted zero fields included. */
  get decodedValues(): number {
    return this.dec.valuesDecoded;
  }

  /** heldBytes estimates the decoder's type table and any value still waiting for its next message. */
  get heldBytes(): number {
    return this.dec.heldBytes;
  }

  /**
   * readPair decodes one frame: a type definition or a header returns
   * undefined; a body returns it with the header before it. A body that is
   * well framed but cannot be represented comes back as `bodyError`, the
   * stream staying in sync.
   */
  protected readPair(buf: Uint8Array, start: number, end: number): Pair | undefined {
    const frame = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    const header = this.header;
    if (header === null) {
      const dec = this.dec;
      dec.remember = false;
      try {
        const res = dec.decodeFrame(frame);
        if (res.kind === 'value') {
          this.header = readHeader(res.value);
          this.headerCost = decodedCost(frame.length, dec.valuesDecoded);
        }
      } finally {
        dec.remember = true;
      }
      return undefined;
    }
    let body: unknown;
    let bodyType: DecType;
    try {
      const res = this.dec.decodeFrame(frame);
      if (res.kind !== 'value') return undefined;
      body = res.value;
      bodyType = res.type;
    } catch (err) {
      if (!isRecoverable(err)) throw err;
      this.header = null;
      return { header, bodyError: err as Error };
    }
    this.header = null;
    return { header, body, bodyType };
  }

  /** writePair encodes a header and a body as one group; on failure the stream is left as it was. */
  protected writePair(header: object, headerType: EncType, body: unknown, bodyEncType: () => EncType): Encoded {
    const enc = this.enc;
    enc.begin();
    try {
      enc.encode(header, headerType);
      enc.encode(body, bodyEncType());
      return enc.finishParts();
    } catch (err) {
      enc.rollback();
      throw asEncodeError(err);
    }
  }
}

class GobServerCodec extends GobRpcStream implements ServerCodec {
  private readonly ids = new CallIds();
  /** Set when the connection carries call context: request headers may have Metadata and TimeoutMs. */
  private readonly context: MetadataLimits | undefined;

  constructor(options: CodecOptions) {
    super(options);
    this.context = options.callContext ? (options.metadataLimits ?? DEFAULT_METADATA_LIMITS) : undefined;
  }

  /**
   * The scalar arguments of calls not yet answered or cancelled, with their wire types:
   * a reply that is the argument itself goes back with the argument's kind
   * (a float64 2.0 echoed stays a float64). Objects carry theirs (see
   * rememberWireType).
   */
  private readonly scalarArgs = new Map<number, { readonly value: unknown; readonly type: DecType }>();

  decodeFrame(buf: Uint8Array, start = 0, end = buf.length): ServerMessage | undefined {
    const pair = this.readPair(buf, start, end);
    if (pair === undefined) return undefined;
    const { header } = pair;
    if (header.serviceMethod === CANCEL_METHOD) {
      const cancel = cancelOf(this.ids, pair.bodyError ? undefined : pair.body);
      if (cancel) this.scalarArgs.delete(cancel.id); // a cancelled call gets no reply to take it
      return cancel;
    }
    const id = this.ids.local(header.seq);
    if (pair.bodyError) return { type: 'request', id, serviceMethod: header.serviceMethod, args: undefined, argsError: pair.bodyError };
    const body = pair.body;
    if (pair.bodyType !== undefined && (typeof body !== 'object' || body === null)) this.scalarArgs.set(id, { value: body, type: pair.bodyType });
    if (this.context && (header.metadata != null || header.timeoutMs)) {
      // Gob omits zero fields: no metadata decodes as null, no timeout as 0.
      return requestWithContext(id, header.serviceMethod, body, header.metadata, header.timeoutMs || undefined, this.context, this.headerCost);
    }
    return { type: 'request', id, serviceMethod: header.serviceMethod, args: body };
  }

  encode({ id: local, serviceMethod, error, reply, replyType }: ServerOutgoing): Encoded {
    const id = this.ids.wire(local);
    if (typeof id !== 'number' && typeof id !== 'bigint') throw encodeError(`invalid call id ${String(id)}`);
    const arg = this.scalarArgs.get(local);
    if (arg !== undefined) this.scalarArgs.delete(local);
    const header = { ServiceMethod: serviceMethod, Seq: id, Error: error ?? '' };
    if (error !== null) return this.writePair(header, RESPONSE, {}, () => EMPTY_STRUCT);
    const echoed = replyType === undefined && arg !== undefined && Object.is(arg.value, reply) ? encTypeOfWire(arg.type) : null;
    return this.writePair(header, RESPONSE, reply, () => echoed ?? bodyType(reply, replyType, this.maxDepth));
  }
}

class GobClientCodec extends GobRpcStream implements ClientCodec {
  encode(message: ClientOutgoing): Encoded {
    if (message.type === 'cancel') return this.writeRequest(message.seq, CANCEL_METHOD, message.target, SEQ_TYPE);
    const { seq, serviceMethod, args, argsType, metadata, timeoutMs } = message;
    if (metadata === undefined && timeoutMs === undefined) return this.writeRequest(seq, serviceMethod, args, argsType);
    const header = { ServiceMethod: serviceMethod, Seq: seq, Metadata: metadata, TimeoutMs: timeoutMs };
    return this.writePair(header, REQUEST_WITH_CONTEXT, args, () => bodyType(args, argsType, this.maxDepth));
  }

  private writeRequest(seq: number, serviceMethod: string, args: unknown, argsType: GoType | undefined): Encoded {
    return this.writePair({ ServiceMethod: serviceMethod, Seq: seq }, REQUEST, args, () => bodyType(args, argsType, this.maxDepth));
  }

  decodeFrame(buf: Uint8Array, start = 0, end = buf.length): ClientResponse | undefined {
    const pair = this.readPair(buf, start, end);
    if (pair === undefined) return undefined;
    const { header } = pair;
    const seq = Number(header.seq);
    if (header.error !== '') return { type: 'response', seq, error: header.error, reply: undefined };
    if (pair.bodyError) return { type: 'response', seq, error: pair.bodyError.message, reply: undefined };
    return { type: 'response', seq, error: null, reply: pair.body };
  }
}

/**
 * gobCodec speaks Go's encoding/gob as net/rpc uses it: one gob stream per
 * direction for the life of the connection, each call a `Request` header
 * value then the argument value, each reply a `Response` header value then
 * the reply value (an empty struct when Error is set).
 *
 * Decoded values follow {@link StreamDecoder}'s mapping (ints beyond
 * ±(2^53-1) as bigint, string-keyed maps as objects, other maps as Map,
 * interfaces as `{type, value}`, time.Time as Date). Encoded values take
 * their Go kinds from the GoType when one is given and are inferred from the
 * JavaScript value otherwise (see `inferType`). A body that is well framed
 * but cannot be represented becomes `argsError` on the server and an error
 * response on the client; malformed bytes throw ProtocolError. On a
 * connection that negotiated call context, a call with metadata or a
 * timeout sends its header as a wider `Request` struct (see
 * REQUEST_WITH_CONTEXT); it is never sent otherwise.
 */
export const gobCodec: Codec = {
  name: 'gob',
  newServerCodec(options: CodecOptions): ServerCodec {
    return new GobServerCodec(options);
  },
  newClientCodec(options: CodecOptions): ClientCodec {
    return new GobClientCodec(options);
  },
};
