import type { Codec } from './codec.js';
import { jsonCodec } from './json.js';
import { msgpackCodec } from './msgpack.js';

/** builtinCodecs are the wire formats every Server offers unless told otherwise. */
export const builtinCodecs: readonly Codec[] = [msgpackCodec, jsonCodec];

/** findCodec returns the built-in codec with that name, or undefined. */
export function findCodec(name: string): Codec | undefined {
  return builtinCodecs.find((c) => c.name === name);
}
