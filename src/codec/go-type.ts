/**
 * GoType describes the Go type a value travels as. JavaScript numbers carry
 * no int/uint/float kind, so encoders that need one (gob) take it from a
 * GoType when the caller has one (from a typed contract) and infer it from
 * the value otherwise. Codecs that do not need kinds ignore it.
 *
 * Scalar kinds follow gob's wire kinds; `bits` narrows the range a value
 * is checked against (an `int32` field is `{ kind: 'int', bits: 32 }`).
 * Declared integers have one JS representation each: `bits: 64` (int64,
 * uint64) is always a bigint; every other width, and `int`/`uint` without
 * bits (Go's int, uint, uintptr), is a number (see conformValue).
 */
export type GoType =
  | { readonly kind: 'bool' | 'bytes' | 'time' }
  /**
   * A Go string. With `raw`, its JS value is the string's bytes (a
   * Uint8Array), kept exactly even when they are not valid UTF-8.
   */
  | { readonly kind: 'string'; readonly raw?: boolean }
  /**
   * A Go interface value, `{ type, value }` in JS (gob). `types` declares the
   * concrete Go type of the value for each registered name it may carry
   * (`'main.Rect'` → its struct), so the value's kinds are not guessed.
   */
  | { readonly kind: 'interface'; readonly types?: Readonly<Record<string, GoType>> }
  | { readonly kind: 'int' | 'uint'; readonly bits?: 8 | 16 | 32 | 64 }
  | { readonly kind: 'float'; readonly bits?: 32 | 64 }
  | { readonly kind: 'complex'; readonly bits?: 64 | 128 }
  | { readonly kind: 'slice'; readonly elem: GoType; readonly name?: string }
  | { readonly kind: 'array'; readonly len: number; readonly elem: GoType; readonly name?: string }
  | { readonly kind: 'map'; readonly key: GoType; readonly elem: GoType; readonly name?: string }
  | { readonly kind: 'struct'; readonly name?: string; readonly fields: readonly GoField[] }
  /** Nullable wraps a type whose value may be null/undefined (a Go pointer). */
  | { readonly kind: 'pointer'; readonly elem: GoType };

/** GoField is one field of a struct GoType; `name` is the Go field name. */
export interface GoField {
  readonly name: string;
  readonly type: GoType;
}

/** MethodTypes are the declared Go types of one method's argument and reply. */
export interface MethodTypes {
  readonly args?: GoType;
  readonly reply?: GoType;
}
