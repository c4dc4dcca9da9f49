import { pack } from 'msgpackr';

/** packr encodes a value as plain msgpack, for fake servers in tests. */
export const packr = (value: unknown): Buffer => pack(value);
