import type { DecType } from './type-table.js';

/**
 * SUSPENDED is what a decoding step returns (instead of a value) when the
 * value continues in the next message: Go's encoder ends a message after the
 * definition of a type an interface needs and goes on with the value in the
 * next one, and its decoder simply reads the next message at that point.
 * Every step that holds partial state records it as a {@link Level} and
 * passes SUSPENDED up; the decoder continues from those levels when the
 * next message arrives, so no byte is decoded twice.
 */
export const SUSPENDED: unique symbol = Symbol('gob: value continues in the next message');

/** What a suspended level was building. */
export const LevelKind = {
  /** A slice or array: `into` is the array, `index` the element being decoded. */
  List: 0,
  /** A struct: `into` the object, `index` the field being decoded, `count` the fields seen. */
  Struct: 1,
  /** A map with string keys: `into` the object, `key` the key read, `index`/`count` the entry and size. */
  StringMap: 2,
  /** Any other map: `into` the Map, `key` the key (once read), `stage` 0 in the key, 1 in the element. */
  Map: 3,
  /** An interface: `key` its type name, `stage` 0 in its type sequence, 1 in its value. */
  Interface: 4,
} as const;

/**
 * Level is one interrupted step of a value: enough to carry on exactly
 * where it stopped. One shape for every kind keeps the decoder's code
 * monomorphic.
 */
export class Level {
  constructor(
    readonly kind: number,
    /** The type being built (the element type for a list). */
    readonly type: DecType | null,
    readonly into: unknown,
    public index: number,
    public count: number,
    public key: unknown,
    public stage: number,
    readonly depth: number,
  ) {}
}
