import { isAscii, isUtf8 } from 'node:buffer';
import { ErrorCode, ProtocolError, RpcError } from '../../errors.js';
import { CallIds } from '../call-ids.js';
import type { ClientCodec, ClientOutgoing, ClientResponse, Codec, CodecOptions, Encoded, ServerCodec, ServerMessage, ServerOutgoing } from '../codec.js';
import { isJsonWhitespace, measureJson } from './json-measure.js';
import { CANCEL_METHOD, cancelOf } from '../cancel.js';
import { encodeJsonLine } from './json-large.js';
import { parseJsonLossless } from './json-lossless.js';
import type { JsonScan } from './json-measure.js';
import { decodedCost } from '../limits.js';
import { requestWithContext, WIRE_METADATA, WIRE_TIMEOUT } from '../wire-context.js';
import { DEFAULT_METADATA_LIMITS } from '../../call-metadata.js';
import type { MetadataLimits } from '../../call-metadata.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
/** From this size a message's UTF-8 is checked and decoded by buffer.isUtf8 and toString (simdutf); below, one TextDecoder call costs less. */
const NATIVE_DECODE_BYTES = 16 * 1024;

/** text decodes a message's bytes, refusing invalid UTF-8 with a ProtocolError. */
function text(buf: Uint8Array, start: number, end: number): string {
  if (end - start < NATIVE_DECODE_BYTES) {
    try {
      return decoder.decode(buf.subarray(start, end));
    } catch (err) {
      throw new ProtocolError(`rpc: json: cannot decode message: ${(err as Error).message}`);
    }
  }
  const bytes = Buffer.from(buf.buffer, buf.byteOffset + start, end - start);
  if (!isUtf8(bytes)) throw new ProtocolError('rpc: json: cannot decode message: the encoded data was not valid UTF-8');
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** parse decodes one measured message; `lossless` (a long digit run seen by the measure) keeps big integers as bigint. */
function parse(buf: Uint8Array, start: number, end: number, lossless: boolean | undefined): unknown {
  const source = text(buf, start, end);
  try {
    return lossless ? parseJsonLossless(source) : JSON.parse(source);
  } catch (err) {
    throw new ProtocolError(`rpc: json: cannot decode message: ${(err as Error).message}`);
  }
}

function encodeLine(message: unknown, what: string): Encoded {
  try {
    return encodeJsonLine(message);
  } catch (err) {
    throw new RpcError(ErrorCode.Encode, `rpc: json: cannot encode ${what}: ${(err as Error).message}`, { cause: err });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * EMPTY_RESULT is sent as the result of a handler that returned nothing:
 * Go's jsonrpc client reads `"result": null` with `"error": null` as a
 * failed call, so an empty object is sent instead.
 */
const EMPTY_RESULT = {};

class JsonServerCodec implements ServerCodec {
  readonly measure;
  readonly isPadding = isJsonWhitespace;
  private readonly count: JsonScan = { values: 0 };
  private readonly ids = new CallIds();
  /** Set when the connection carries call context: requests may have `metadata` and `timeoutMs` members. */
  private readonly context: MetadataLimits | undefined;

  constructor(options: CodecOptions) {
    this.measure = measureJson(options.maxDepth, options.maxValues, this.count);
    this.context = options.callContext ? (options.metadataLimits ?? DEFAULT_METADATA_LIMITS) : undefined;
  }

  /** decodedValues bounds the values in the last frame measured whole (see measureJson). */
  get decodedValues(): number {
    return this.count.values;
  }

  decodeCost(_buf: Uint8Array, start: number, end: number): number {
    return decodedCost(end - start, this.count.values);
  }

  decodeFrame(buf: Uint8Array, start = 0, end = buf.length): ServerMessage | undefined {
    const m = parse(buf, start, end, this.count.longDigits);
    if (!isObject(m) || typeof m.method !== 'string') {
      throw new ProtocolError('rpc: json: message is not a JSON-RPC request {"method", "params", "id"}');
    }
    if (m.method === CANCEL_METHOD) return cancelOf(this.ids, Array.isArray(m.params) ? m.params[0] : undefined);
    const id = this.ids.local(m.id === undefined ? null : m.id);
    if (!Array.isArray(m.params)) {
      return { type: 'request', id, serviceMethod: m.method, args: undefined, argsError: new Error('jsonrpc: request body missing params') };
    }
    if (this.context && (m[WIRE_METADATA] !== undefined || m[WIRE_TIMEOUT] !== undefined)) {
      return requestWithContext(id, m.method, m.params[0], m[WIRE_METADATA], m[WIRE_TIMEOUT], this.context);
    }
    return { type: 'request', id, serviceMethod: m.method, args: m.params[0] };
  }

  encode({ id: local, serviceMethod, error, reply }: ServerOutgoing): Encoded {
    const id = this.ids.wire(local);
    if (error !== null) return encodeLine({ id, result: null, error }, `error reply for ${serviceMethod}`);
    const result = reply === undefined || reply === null ? EMPTY_RESULT : reply;
    return encodeLine({ id, result, error: null }, `reply for ${serviceMethod}`);
  }
}

class JsonClientCodec implements ClientCodec {
  readonly measure;
  readonly isPadding = isJsonWhitespace;
  private readonly count: JsonScan = { values: 0 };

  constructor(options: CodecOptions) {
    this.measure = measureJson(options.maxDepth, options.maxValues, this.count);
  }

  /** decodedValues bounds the values in the last frame measured whole (see measureJson). */
  get decodedValues(): number {
    return this.count.values;
  }

  decodeCost(_buf: Uint8Array, start: number, end: number): number {
    return decodedCost(end - start, this.count.values);
  }

  encode(message: ClientOutgoing): Encoded {
    if (message.type === 'cancel') return encodeLine({ method: CANCEL_METHOD, params: [message.target], id: message.seq }, `arguments for ${CANCEL_METHOD}`);
    const { seq, serviceMethod, args, metadata, timeoutMs } = message;
    const params = [args === undefined ? null : args];
    if (metadata === undefined && timeoutMs === undefined) return encodeLine({ method: serviceMethod, params, id: seq }, `arguments for ${serviceMethod}`);
    return encodeLine({ method: serviceMethod, params, id: seq, [WIRE_METADATA]: metadata, [WIRE_TIMEOUT]: timeoutMs }, `arguments for ${serviceMethod}`);
  }

  decodeFrame(buf: Uint8Array, start = 0, end = buf.length): ClientResponse {
    const m = parse(buf, start, end, this.count.longDigits);
    if (!isObject(m) || typeof m.id !== 'number') {
      throw new ProtocolError('rpc: json: message is not a JSON-RPC response {"id", "result", "error"}');
    }
    if (m.error === null || m.error === undefined) return { type: 'response', seq: m.id, error: null, reply: m.result };
    const error = typeof m.error === 'string' ? m.error || 'unspecified error' : JSON.stringify(m.error);
    return { type: 'response', seq: m.id, error, reply: undefined };
  }
}

/**
 * jsonCodec is byte-compatible with Go's net/rpc/jsonrpc (JSON-RPC 1.0):
 * request `{"method":"S.M","params":[args],"id":n}`, reply
 * `{"id":n,"result":r,"error":null}` or `{"id":n,"result":null,"error":"msg"}`,
 * one object per line. A handler that returns nothing is answered with
 * `"result":{}` because Go's client treats a null result without an error
 * as a broken reply. Integers beyond ±(2^53-1) (Go's int64 and uint64)
 * decode as bigint, every digit kept, and bigints encode as bare numbers.
 * On a connection that negotiated call context a request may carry two
 * more members, `"metadata"` and `"timeoutMs"` (see wire-context.ts);
 * they are never sent otherwise (Go's decoder would ignore them anyway).
 */
export const jsonCodec: Codec = {
  name: 'json',
  newServerCodec: (options) => new JsonServerCodec(options),
  newClientCodec: (options) => new JsonClientCodec(options),
};
