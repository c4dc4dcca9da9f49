import type { ClientCodec } from '../codec/codec.js';

const SPACE = 0x20;

/**
 * codecMismatchHint is the advice attached to a connection's failure when
 * the server did not confirm the codec the client asked for: the server is
 * then most likely Go's rpc.HandleHTTP, which speaks only gob.
 */
export function codecMismatchHint(codecName: string): string {
  return `the server did not confirm codec ${codecName}; a Go rpc.HandleHTTP server speaks only gob: dial with codec 'gob' (or 'auto')`;
}

/**
 * gobFrameLength is the length a gob reader takes from the first byte of a
 * stream: a byte below 0x80 is the count of bytes that follow in the
 * frame. Larger first bytes start a multi-byte count; undefined then.
 */
function gobFrameLength(first: number): number | undefined {
  return first < 0x80 ? first : undefined;
}

/**
 * exposeGobMismatch makes a codec that allows spaces between messages
 * (JSON) fail fast against a gob server. A gob server reads the first byte
 * of a JSON request (`{`, 123) as a frame length and waits for 123 bytes; a
 * short request would leave it waiting until the call's timeout. So the
 * first request is followed by spaces up to that length: a JSON server
 * skips them, a gob server gets a whole frame it cannot decode and closes
 * the connection at once. Later requests go out unchanged. Codecs without
 * that freedom (msgpack's first byte already makes a gob server fail), and
 * requests encoded in parts, are left as they are. The codec is changed in place and returned.
 */
export function exposeGobMismatch(codec: ClientCodec): ClientCodec {
  if (!codec.isPadding?.(SPACE)) return codec;
  const encode = codec.encode.bind(codec);
  let first = true;
  codec.encode = function encodeFirstPadded(message) {
    const encoded = encode(message);
    if (!first || message.type !== 'request' || Array.isArray(encoded)) return encoded;
    first = false;
    const want = encoded.length > 0 ? gobFrameLength(encoded[0]!) : undefined;
    if (want === undefined || encoded.length > want) return encoded;
    const padded = new Uint8Array(want + 1).fill(SPACE);
    padded.set(encoded);
    return padded;
  };
  return codec;
}
