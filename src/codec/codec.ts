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
  /** The codec's id for the call; the server hands it back unchanged when replying. */
  readonly id: unknown;
  /** `Service.Method` as sent by the client. */
  readonly serviceMethod: string;
  /** The decoded argument (undefined when the request carried none). */
  readonly args: unknown;
  /** Set when the envelope decoded but the argument did not: answer with an error reply. */
  readonly argsError?: Error;
}

/** ServerNotification is a one-way message (msgpack-rpc type 2); it gets no reply. */
export interface ServerNotification {
  readonly type: 'notification';
  readonly method: string;
  readonly params: unknown;
}

/** ServerMessage is anything a ServerCodec decodes from one frame. */
export type ServerMessage = ServerRequest | ServerNotification;

/** ClientResponse is a reply the client decoded from the wire. */
export interface ClientResponse {
  /** The sequence number of the call this answers. */
  readonly seq: number;
  /** The error text, or null on success. */
  readonly error: string | null;
  /** The decoded reply (undefined when error is set). */
  readonly reply: unknown;
}

/**
 * ServerCodec is one connection's server side of a wire format: it turns
 * frames into requests and replies into bytes. Instances keep per-connection
 * state (gob's type table, JSON's ids) and are used by one connection only.
 */
export interface ServerCodec {
  /** measure finds frame boundaries for this connection (see {@link Measure}). */
  readonly measure: Measure;
  /** isPadding, when set, names bytes the format allows between messages (see FrameReader). */
  readonly isPadding?: (byte: number) => boolean;
  /**
   * decodeFrame decodes the frame `buf[start, end)` found by the codec's
   * Measure (the whole of `buf` by default). It returns a message, or
   * undefined when the frame only updated codec state. It throws a
   * ProtocolError when the frame is malformed (fatal). Decoding by offset
   * lets frames be read from the socket's chunk without a view per frame.
   */
  decodeFrame(buf: Uint8Array, start?: number, end?: number): ServerMessage | undefined;
  /**
   * encodeResponse encodes the reply to the request with `id`. With
   * `error` set, `reply` is ignored and the format's empty body is sent.
   * It throws an RpcError with code RPC_ENCODE when `reply` cannot be encoded;
   * the codec's state is unchanged in that case.
   */
  encodeResponse(id: unknown, serviceMethod: string, error: string | null, reply: unknown, replyType?: GoType): Uint8Array;
  /**
   * encodeResponseParts, when a codec has it, is encodeResponse returning
   * the message as consecutive parts, so a large byte payload can be
   * written without a copy. The parts must be written in order and not
   * modified until written.
   */
  encodeResponseParts?(id: unknown, serviceMethod: string, error: string | null, reply: unknown, replyType?: GoType): Uint8Array | Uint8Array[];
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
 * ClientCodec is one connection's client side of a wire format. Like
 * ServerCodec it is stateful and belongs to one connection.
 */
export interface ClientCodec {
  /** measure finds frame boundaries for this connection (see {@link Measure}). */
  readonly measure: Measure;
  /** isPadding, when set, names bytes the format allows between messages (see FrameReader). */
  readonly isPadding?: (byte: number) => boolean;
  /**
   * encodeRequest encodes a call. It throws an RpcError with code RPC_ENCODE
   * when `args` cannot be encoded; the codec's state is unchanged then.
   */
  encodeRequest(seq: number, serviceMethod: string, args: unknown, argsType?: GoType): Uint8Array;
  /** encodeRequestParts, when a codec has it, is encodeRequest returning parts (see encodeResponseParts). */
  encodeRequestParts?(seq: number, serviceMethod: string, args: unknown, argsType?: GoType): Uint8Array | Uint8Array[];
  /**
   * encodeCancel encodes the message that tells the server the call
   * `targetSeq` was abandoned (see src/codec/cancel.ts). `cancelSeq` is a fresh
   * sequence number for codecs that send the cancel as a call.
   */
  encodeCancel(cancelSeq: number, targetSeq: number): Uint8Array;
  /** decodeFrame decodes the frame `buf[start, end)`; undefined when it only updated codec state. */
  decodeFrame(buf: Uint8Array, start?: number, end?: number): ClientResponse | undefined;
  /** decodeCost: see ServerCodec.decodeCost. */
  decodeCost?(buf: Uint8Array, start: number, end: number): number;
  /** decodedValues: see ServerCodec.decodedValues. */
  readonly decodedValues?: number;
  /** heldBytes: see ServerCodec.heldBytes. */
  readonly heldBytes?: number;
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
