import type { Codec } from './codec.js';
import { gobCodec } from './gob/gob-codec.js';
import { jsonCodec } from './json/json-codec.js';
import { msgpackCodec } from './msgpack/msgpack-codec.js';

/** builtinCodecs are the wire formats every Server offers unless told otherwise. */
export const builtinCodecs: readonly Codec[] = [gobCodec, jsonCodec, msgpackCodec];

/**
 * findCodec returns the codec named exactly `name` among `codecs` (the
 * built-in ones unless given), or undefined. Every lookup of a codec by
 * name goes through it.
 */
export function findCodec(name: string, codecs: readonly Codec[] = builtinCodecs): Codec | undefined {
  return codecs.find((c) => c.name === name);
}
