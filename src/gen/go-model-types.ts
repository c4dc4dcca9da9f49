/**
 * How the Go model describes a type in place ({@link GoModelType}): the
 * predeclared basic kinds, type literals (bytes, arrays, slices, maps,
 * pointers, structs with their gob and JSON wire fields, interfaces,
 * channels, functions) and references to defined types, which live in the
 * model's type table (see go-model.ts).
 */
/** GoModelBasicKind names Go's basic types (byte is uint8, rune is int32). */
export type GoModelBasicKind =
  | 'bool'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'string'
  | 'unsafePointer';

/** GO_MODEL_BASIC_KINDS lists every {@link GoModelBasicKind}. */
export const GO_MODEL_BASIC_KINDS: readonly GoModelBasicKind[] = [
  'bool',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
  'float32',
  'float64',
  'complex64',
  'complex128',
  'string',
  'unsafePointer',
];

/** GoModelUnsupported holds the errors a codec reports for a type it cannot send. */
export interface GoModelUnsupported {
  /** gob's error (chan, func, unsafe.Pointer). */
  readonly gob?: string;
  /** encoding/json's error (also complex numbers, and maps whose keys are not strings, integers or TextMarshalers). */
  readonly json?: string;
}

/** The fields every {@link GoModelType} has. */
interface GoModelTypeBase {
  /** The type as reflect's String prints it: `*main.Args`, `map[string][]uint8`, `struct { A int }`. */
  readonly go: string;
  /** Set when a codec cannot send values of this type. */
  readonly unsupported?: GoModelUnsupported;
}

/** A predeclared basic type. */
export interface GoModelBasicType extends GoModelTypeBase {
  readonly kind: GoModelBasicKind;
}

/** A reference by ID to a defined type in the model's type table (`GoModel.types`). */
export interface GoModelNamedRef extends GoModelTypeBase {
  readonly kind: 'named';
  readonly id: string;
}

/** A slice of a uint8 kind, which gob and encoding/json send as bytes; `elem` is set when the element is a defined type. */
export interface GoModelBytesType extends GoModelTypeBase {
  readonly kind: 'bytes';
  readonly elem?: GoModelNamedRef;
}

/** `[len]elem`, sent element by element ([N]byte included). */
export interface GoModelArrayType extends GoModelTypeBase {
  readonly kind: 'array';
  readonly len: number;
  readonly elem: GoModelType;
}

/** `[]elem` (not bytes). */
export interface GoModelSliceType extends GoModelTypeBase {
  readonly kind: 'slice';
  readonly elem: GoModelType;
}

/** `map[key]elem`. */
export interface GoModelMapType extends GoModelTypeBase {
  readonly kind: 'map';
  readonly key: GoModelType;
  readonly elem: GoModelType;
}

/** `*elem`. */
export interface GoModelPointerType extends GoModelTypeBase {
  readonly kind: 'pointer';
  readonly elem: GoModelType;
}

/**
 * A struct type. `fields` are all its fields in declaration order;
 * `gobFields` and `jsonFields` are what the two codecs put on the wire
 * when the type does not encode itself (see {@link GoModelMarshalers}:
 * gob prefers GobEncoder, then BinaryMarshaler, then TextMarshaler;
 * encoding/json prefers json.Marshaler, then TextMarshaler). A struct
 * with fields but none gob sends has `unsupported.gob` set.
 */
export interface GoModelStructType extends GoModelTypeBase {
  readonly kind: 'struct';
  readonly fields: readonly GoModelField[];
  readonly gobFields: readonly GoModelGobField[];
  readonly jsonFields: readonly GoModelJsonField[];
}

/**
 * GoModelGobField is a field gob sends, in wire order: gob's isSent
 * (exported, not a chan or func under any pointers), under its Go name.
 * gob does not promote: an embedded struct is one field named after its
 * type (a struct value on the wire), and an unexported embedded type is
 * not sent at all. gob matches fields by name and ignores unknown ones.
 */
export interface GoModelGobField {
  readonly name: string;
  /** The field's index in {@link GoModelStructType.fields}. */
  readonly field: number;
  readonly type: GoModelType;
}

/**
 * GoModelJsonField is an object key encoding/json writes and reads, in
 * the order it writes them, computed as its typeFields does: embedded
 * structs' fields promoted breadth first (through pointers, and from
 * unexported embedded structs), `json:"-"` left out, and among fields of
 * one name the shallowest (at equal depth the tagged one) kept, or none
 * when two tie. Matching on decode is case-insensitive in Go.
 */
export interface GoModelJsonField {
  /** The key: the tag's name, or the Go field name. */
  readonly name: string;
  /** Whether the name comes from a `json` tag. */
  readonly tagged: boolean;
  /** The Go field names from the struct down to the field, through the embedded structs it is promoted from. */
  readonly path: readonly string[];
  /** The field's declared type. */
  readonly type: GoModelType;
  /** `omitempty`: the key is left out for a false, 0, nil pointer or interface, or empty string, slice, map or array. */
  readonly omitEmpty: boolean;
  /** `string`, where encoding/json honours it: the value is sent as a JSON string holding its JSON text. */
  readonly string: boolean;
  /** The path passes through an embedded pointer: the key is absent while that pointer is nil. */
  readonly viaPointer: boolean;
}

/** An interface type; `methods` (sorted by name) is empty for `interface{}`. */
export interface GoModelInterfaceType extends GoModelTypeBase {
  readonly kind: 'interface';
  readonly methods: readonly GoModelInterfaceMethod[];
  /** The names registered with gob whose types implement this interface, sorted. */
  readonly gobConcrete?: readonly string[];
}

/** A channel type: neither gob nor encoding/json can send one. */
export interface GoModelChanType extends GoModelTypeBase {
  readonly kind: 'chan';
  readonly dir: 'both' | 'send' | 'recv';
  readonly elem: GoModelType;
}

/** A function type: neither gob nor encoding/json can send one. */
export interface GoModelFuncType extends GoModelTypeBase {
  readonly kind: 'func';
}

/** GoModelType describes a type in place. */
export type GoModelType =
  | GoModelBasicType
  | GoModelNamedRef
  | GoModelBytesType
  | GoModelArrayType
  | GoModelSliceType
  | GoModelMapType
  | GoModelPointerType
  | GoModelStructType
  | GoModelInterfaceType
  | GoModelChanType
  | GoModelFuncType;

/** GoModelInterfaceMethod is a method of an interface type. */
export interface GoModelInterfaceMethod {
  readonly name: string;
  /** Its signature as reflect prints it: `func(int) string`. */
  readonly go: string;
}

/** GoModelField is a struct field. */
export interface GoModelField {
  /** The field name; an embedded field's is its type's name. */
  readonly name: string;
  /** The field's type as reflect prints it. */
  readonly goType: string;
  /** Absent for an unexported field that is not embedded: no codec reads it. */
  readonly type?: GoModelType;
  /** An embedded field. gob sends it as one field of that name; encoding/json promotes an untagged embedded struct's fields. */
  readonly embedded: boolean;
  readonly exported: boolean;
  /** gob's isSent: exported, and not a chan or func or a pointer to one. */
  readonly gobSent: boolean;
  /** The whole struct tag. */
  readonly tag?: string;
  /** What encoding/json makes of the `json` tag. */
  readonly json?: GoModelJsonTag;
  readonly doc?: string;
  /** The comment at the end of the field's line. */
  readonly comment?: string;
}

/** GoModelJsonTag is encoding/json's reading of a `json` struct tag. */
export interface GoModelJsonTag {
  /** The key, when the tag gives a valid one (otherwise the field name is the key). */
  readonly name?: string;
  /** `json:"-"`: the field is never encoded. */
  readonly skip?: boolean;
  readonly omitEmpty?: boolean;
  /** The `string` option, set only where encoding/json honours it (bool, number and string fields). */
  readonly string?: boolean;
}
