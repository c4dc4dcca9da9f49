/**
 * Shorthands for tests that drive a codec directly: one call or one reply
 * in, its bytes out (parts joined).
 */
import type { ClientCodec, Encoded, ServerCodec } from '../../src/codec/codec.js';
import type { GoType } from '../../src/codec/go-type.js';

/** joined returns an encoded message as one buffer. */
export function joined(bytes: Encoded): Buffer {
  return bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.concat(bytes);
}

/** encodeRequest encodes the call `seq` with a client codec. */
export function encodeRequest(codec: ClientCodec, seq: number, serviceMethod: string, args: unknown, argsType?: GoType): Buffer {
  return joined(codec.encode({ type: 'request', seq, serviceMethod, args, ...(argsType ? { argsType } : {}) }));
}

/** encodeResponse encodes the reply to the call `id` (the connection-local id a server codec decoded) with a server codec. */
export function encodeResponse(codec: ServerCodec, id: number, serviceMethod: string, error: string | null, reply: unknown, replyType?: GoType): Buffer {
  return joined(codec.encode({ type: 'response', id, serviceMethod, error, reply, ...(replyType ? { replyType } : {}) }));
}
