/**
 * Limits on what one message may cost to decode, shared by every codec and
 * by the server and client that read with them. The wire size is checked
 * before buffering (see FrameReader); the decoded size is bounded by
 * counting the values a message decodes to, which every codec does as it
 * reads (the msgpack and JSON scanners as they find a message's end, the gob
 * decoder as it builds values, omitted zero fields included).
 */

/**
 * DEFAULT_MAX_MESSAGE_BYTES is the largest message accepted by default:
 * 16 MiB. Go's net/rpc has no limit and Go programs move []byte payloads
 * of several MiB through it, which must keep working unchanged; gRPC's
 * default receive limit is 4 MiB. What a message may cost once decoded is
 * bounded separately (DEFAULT_MAX_MESSAGE_VALUES, and the server-wide read
 * budget), so the wire size limit only bounds the buffer of one message.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * DEFAULT_MAX_MESSAGE_VALUES is the most values (scalars, strings, arrays,
 * maps, structs; map keys count) one message may decode to by default.
 * A msgpack or JSON value takes at least one byte, so within 1 MiB only
 * messages made mostly of one-byte values (a list of a million small ints,
 * `{}` or `[]`) reach it.
 */
export const DEFAULT_MAX_MESSAGE_VALUES = 1024 * 1024;

/** DEFAULT_MAX_DEPTH is the deepest nesting a message may have by default: 100 levels. */
export const DEFAULT_MAX_DEPTH = 100;

/**
 * DEFAULT_MAX_WRITE_BUFFER_BYTES is how many bytes of replies a server
 * connection lets pile up unread by its peer before it stops reading: 16 MiB.
 */
export const DEFAULT_MAX_WRITE_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * VALUE_COST_BYTES is the heap one decoded value is counted as when memory
 * held for decoding is accounted: an empty object `{}` costs V8 about 64
 * bytes (an array 40, a string 16 plus its characters, a number 8 to 24; a
 * byte array or a Date about 104, but those take at least 2 and 6 bytes on
 * the wire, so no value costs more than about 64 bytes per byte).
 */
export const VALUE_COST_BYTES = 64;

/**
 * decodedCost estimates the memory a decoded message holds: its bytes (strings
 * and byte arrays are at most about as large as their encoding) plus
 * VALUE_COST_BYTES per value.
 */
export function decodedCost(bytes: number, values: number): number {
  return bytes + values * VALUE_COST_BYTES;
}

/**
 * ValueCount is where a codec's scanner leaves the number of values in
 * the message it measured last, for the codec to report.
 */
export interface ValueCount {
  values: number;
}
