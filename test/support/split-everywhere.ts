/**
 * Every cut of a byte string in two, for feeding incremental parsers a
 * message split at each position.
 */

/** splitEverywhere yields every way to cut `bytes` in two. */
export function* splitEverywhere(bytes: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
}
