/**
 * GOB_KINDS numbers the kinds of gob types shared by the encoder and the
 * decoder; the scalar ones equal their predefined gob type ids.
 */
export const GOB_KINDS = {
  Bool: 1,
  Int: 2,
  Uint: 3,
  Float: 4,
  Bytes: 5,
  String: 6,
  Complex: 7,
  Interface: 8,
  Array: 9,
  Slice: 10,
  Struct: 11,
  Map: 12,
} as const;
