import type { MetadataLimits } from '../call-metadata.js';
import type { GoType } from './go-type.js';

/**
 * Measure finds the end of the next message in `buf[start, end)`.
 * It returns the message's length in bytes when the whole message is there,
 * and otherwise a negative number `-n`: at least `n` bytes (counted from
 * `start`) must be buffered before it is worth measuring again.
 * It throws a ProtocolError for bytes that cannot begin a valid message.
 * It must not recurse on nesting and must not allocate per byte.
 */
export type Measure = (buf: Uint8Array, start: number, end: number) => number;

/** ServerRequest is a call the server decoded from the wire. */
export interface ServerRequest {
  readonly type: 'request';
  /**
   * The call's id on this connection. The codec maps the wire's id to it
   * (see CallIds) and back when the response is encoded.
   */
  readonly id: number;
  /** `Service.Method` as sent by the client. */
  readonly serviceMethod: string;
  /** The decoded argument (undefined when the request carried none). */
  readonly args: unknown;
  /**
   * Set when the envelope decoded but the argument did not, or its call
   * context (metadata, timeout) was malformed or over the limits: answer
   * with an error reply.
   */
  readonly argsError?: Error;
  /** The call's metadata (see src/call-metadata.ts), when the connection carries call context and the client sent some. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The client's timeout for the call in ms (at most MAX_TIMER_MS), when the connection carries call context and the client set one. */
  readonly timeoutMs?: number;
  /**
   * Memory the request holds beyond the frame it was decoded from, in the
   * units of decodedCost (gob: a header with metadata, sent in the frame
   * before); held against the read budget while the call runs.
   */
  readonly heldCost?: number;
}

/** ServerCancel says the client gave up on the call `id`: stop it and send no reply (see cancel.ts). */
export interface ServerCancel {
  readonly type: 'cancel';
  readonly id: number;
}

/** ServerNotification is a one-way message (msgpack-rpc type 2) other than a cancel; it gets no reply. */
export interface ServerNotification {
  readonly type: 'notification';
  readonly method: string;
  readonly params: unknown;
}

/** ServerMessage is anything a ServerCodec decodes from one frame. */
export type ServerMessage = ServerRequest | ServerCancel | ServerNotification;

/** ServerResponse is the reply to the request with the same `id`. */
export interface ServerResponse {
  readonly type: 'response';
  readonly id: number;
  readonly serviceMethod: string;
  /** The error text, or null on success; with an error, `reply` is ignored and the format's empty body is sent. */
  readonly error: string | null;
  readonly reply: unknown;
  /** The reply's Go type, when the service declared one (gob uses it). */
  readonly replyType?: GoType;
}

/** ServerOutgoing is anything a ServerCodec encodes. */
export type ServerOutgoing = ServerResponse;

/** ClientRequest is a call to send. */
export interface ClientRequest {
  readonly type: 'request';
  /** The call's sequence number; the response carries it back. */
  readonly seq: number;
  readonly serviceMethod: string;
  readonly args: unknown;
  /** The argument's Go type, when known (gob uses it). */
  readonly argsType?: GoType;
  /**
   * The call's metadata, already checked (see src/call-metadata.ts). Set
   * only on connections whose CONNECT negotiated call context: the codec
   * puts it on the wire whenever it is set.
   */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The call's timeout in whole ms, for the server's deadline; set, like metadata, only after negotiation. */
  readonly timeoutMs?: number;
}

/**
 * ClientCancel tells the server that the call `target` was abandoned
 * (see cancel.ts). `seq` is a fresh sequence number for codecs that send
 * the cancel as a call.
 */
export interface ClientCancel {
  readonly type: 'cancel';
  readonly seq: number;
  readonly target: number;
}

/** ClientOutgoing is anything a ClientCodec encodes. */
export type ClientOutgoing = ClientRequest | ClientCancel;

/** ClientResponse is a reply the client decoded from the wire. */
export interface ClientResponse {
  readonly type: 'response';
  /** The sequence number of the call this answers. */
  readonly seq: number;
  /** The error text, or null on success. */
  readonly error: string | null;
  /** The decoded reply (undefined when error is set). */
  readonly reply: unknown;
}

/** ClientMessage is anything a ClientCodec decodes from one frame. */
export type ClientMessage = ClientResponse;

/**
 * Encoded is one message's bytes: whole, or as consecutive parts (so a
 * large byte payload can be written without a copy). Parts are written in
 * order and must not be modified until written.
 */
export type Encoded = Uint8Array | Uint8Array[];

/** FrameDecoding is what both sides of a codec share: framing, and what decoding may cost. */
interface FrameDecoding {
  /** measure finds frame boundaries for this connection (see {@link Measure}). */
  readonly measure: Measure;
  /** isPadding, when set, names bytes the format allows between messages (see FrameReader). */
  readonly isPadding?: (byte: number) => boolean;
  /**
   * decodeCost, when a codec has it, bounds the memory decoding the frame
   * `buf[start, end)` (the one measure returned last) may take, in the
   * units of decodedCost, so a reader can hold the frame back before
   * decoding it.
   */
  decodeCost?(buf: Uint8Array, start: number, end: number): number;
  /** decodedValues, when a codec has it, is the number of values the last decodeFrame produced (for memory accounting). */
  readonly decodedValues?: number;
  /** heldBytes, when a codec has it, estimates the memory it keeps between frames (gob's type table, a value split across messages). */
  readonly heldBytes?: number;
}

/**
 * ServerCodec is one connection's server side of a wire format, like Go's
 * rpc.ServerCodec: it turns frames into messages and messages into bytes.
 * Instances keep per-connection state (gob's type table, the id map) and
 * are used by one connection only.
 */
export interface ServerCodec extends FrameDecoding {
  /**
   * decodeFrame decodes the frame `buf[start, end)` found by the codec's
   * Measure (the whole of `buf` by default). It returns a message, or
   * undefined when the frame only updated codec state. It throws a
   * ProtocolError when the frame is malformed (fatal). Decoding by offset
   * lets frames be read from the socket's chunk without a view per frame.
   */
  decodeFrame(buf: Uint8Array, start?: number, end?: number): ServerMessage | undefined;
  /**
   * encode encodes a message for the client. It throws an RpcError with
   * code RPC_ENCODE when a reply cannot be encoded; the codec's state is
   * unchanged in that case.
   */
  encode(message: ServerOutgoing): Encoded;
}

/**
 * ClientCodec is one connection's client side of a wire format, like Go's
 * rpc.ClientCodec. Like ServerCodec it is stateful and belongs to one
 * connection.
 */
export interface ClientCodec extends FrameDecoding {
  /**
   * encode encodes a message for the server. It throws an RpcError with
   * code RPC_ENCODE when arguments cannot be encoded; the codec's state is
   * unchanged then.
   */
  encode(message: ClientOutgoing): Encoded;
  /** decodeFrame decodes the frame `buf[start, end)`; undefined when it only updated codec state. */
  decodeFrame(buf: Uint8Array, start?: number, end?: number): ClientMessage | undefined;
}

/** CodecOptions are limits every codec honours. */
export interface CodecOptions {
  /** Deepest nesting of arrays/maps/structs accepted in a message. */
  readonly maxDepth: number;
  /**
   * Most values one message may decode to (see src/codec/limits.ts); past
   * it the message is refused with RPC_MESSAGE_TOO_LARGE. Default
   * DEFAULT_MAX_MESSAGE_VALUES.
   */
  readonly maxValues?: number;
  /**
   * Largest message, in bytes, for limits a codec applies itself (gob: a
   * value Go splits across messages counts all of them). Default
   * DEFAULT_MAX_MESSAGE_BYTES.
   */
  readonly maxMessageBytes?: number;
  /**
   * The connection carries call context (metadata and the client's
   * timeout), negotiated on its CONNECT: a server codec reads it from
   * requests (see each codec for where it travels). Off, a request is read
   * exactly as a peer without the feature sends it. Default false.
   */
  readonly callContext?: boolean;
  /** Bounds on a request's metadata when callContext is on. Default DEFAULT_METADATA_LIMITS. */
  readonly metadataLimits?: MetadataLimits;
}

/**
 * Codec is a wire format: its name (as sent in the `Rpc-Codec` header) and
 * factories for per-connection server and client state. Adding a wire
 * format means adding one object of this shape.
 */
export interface Codec {
  readonly name: string;
  newServerCodec(options: CodecOptions): ServerCodec;
  newClientCodec(options: CodecOptions): ClientCodec;
}
