import type { Codec } from './codec.js';
import { gobCodec } from './gob/gob-codec.js';
import { jsonCodec } from './json/json-codec.js';
import { msgpackCodec } from './msgpack/msgpack-codec.js';

/** builtinCodecs are the wire formats every Server offers unless told otherwise. */
export const builtinCodecs: readonly Codec[] = [gobCodec, jsonCodec, msgpackCodec];

/** findCodec returns the built-in codec with that name, or undefined. */
export function findCodec(name: string): Codec | undefined {
  return builtinCodecs.find((c) => c.name === name);
}
