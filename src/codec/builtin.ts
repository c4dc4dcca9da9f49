import type { Codec } from './codec.js';
import { gobCodec } from './gob.js';
import { jsonCodec } from './json.js';
import { msgpackCodec } from './msgpack.js';

/** builtinCodecs are the wire formats every Server offers unless told otherwise. */
export const builtinCodecs: readonly Codec[] = [gobCodec, jsonCodec, msgpackCodec];

/** findCodec returns the built-in codec with that name, or undefined. */
export function findCodec(name: string): Codec | undefined {
  return builtinCodecs.find((c) => c.name === name);
}
