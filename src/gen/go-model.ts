/**
 * The JSON model the Go program in `go/rpcgen` prints for one Go package:
 * the net/rpc services it declares, with Go's own rules for which methods
 * qualify, every type those methods send and receive, and the gob and rpc
 * registrations in its source. Field names and meanings are those of
 * `go/rpcgen/model.go`; optional fields are absent when empty.
 *
 * Types are described in place by {@link GoModelType}; defined types
 * (other than the predeclared basic ones) are references by ID into
 * {@link GoModel.types}, so recursive types end in a reference.
 */
import type { GoModelType } from './go-model-types.js';

export type * from './go-model-types.js';
export { GO_MODEL_BASIC_KINDS } from './go-model-types.js';

/** GO_MODEL_VERSION is the model version this module describes. */
export const GO_MODEL_VERSION = 1;

/** GoModel is everything read from one Go package. */
export interface GoModel {
  /** Always {@link GO_MODEL_VERSION}. */
  readonly version: typeof GO_MODEL_VERSION;
  readonly package: GoModelPackage;
  /** The types rpc.Register (or RegisterName) accepts, sorted by ID. */
  readonly services: readonly GoModelService[];
  /** Types with suitable methods that rpc.Register refuses, by name. */
  readonly unregistrable: readonly GoModelUnregistrable[];
  /** rpc.Register / RegisterName calls in the source, in source order (files by name). */
  readonly rpcRegistrations: readonly GoModelRpcRegistration[];
  /** gob.Register / RegisterName calls in the source, in source order (files by name). */
  readonly gobRegistrations: readonly GoModelGobRegistration[];
  /** The defined types reachable from the services' methods and the gob registrations, by ID. */
  readonly types: Readonly<Record<string, GoModelNamedType>>;
}

/** GoModelPackage says which package was read. */
export interface GoModelPackage {
  /** The package clause's name (`main` for a command). */
  readonly name: string;
  /**
   * The path reflect reports for the package's types at run time, part of
   * every type ID and of the names gob.Register gives (`main` for a command).
   */
  readonly importPath: string;
  /**
   * How `importPath` was found: `main`; `module` (go.mod's module path and
   * the folder's place in it); `gopath` (the folder's place under a GOPATH
   * src folder); `local` (GOPATH mode outside any GOPATH: `_` followed by
   * the folder, as the go command names it); `flag` (given by the caller).
   */
  readonly importPathFrom: 'main' | 'module' | 'gopath' | 'local' | 'flag';
  /** The files read (the ones the go command builds here, tests left out), by name. */
  readonly files: readonly string[];
  /** The package's doc comment. */
  readonly doc?: string;
}

/**
 * GoModelReceiver says which registration publishes a method: `value`
 * methods are in the method sets of T and *T (rpc.Register(T{}) and
 * rpc.Register(&T{}) both publish them), `pointer` methods only in that of
 * *T (only rpc.Register(&T{}) publishes them).
 */
export type GoModelReceiver = 'value' | 'pointer';

/** GoModelService is a defined type whose methods net/rpc registers. */
export interface GoModelService {
  /** The service name rpc.Register gives it: the type's name (rpc.RegisterName can give another). */
  readonly name: string;
  /** The type's ID (package path and name); not necessarily in {@link GoModel.types}. */
  readonly id: string;
  /** The package path the type is declared in. */
  readonly package: string;
  /** Whether the type name is exported; an unexported one is a service only through rpc.RegisterName. */
  readonly exported: boolean;
  readonly doc?: string;
  /** `file.go:line:column` of the declaration, for types of the package read. */
  readonly position?: string;
  /** The error rpc.Register(T{}) returns, when it fails (for example when every method needs *T). */
  readonly valueRegisterError?: string;
  /** The error rpc.Register(&T{}) returns, when it fails. */
  readonly pointerRegisterError?: string;
  /** The methods rpc.Register(&T{}) publishes, sorted by name (reflect's order). */
  readonly methods: readonly GoModelMethod[];
  /** The exported methods net/rpc passes over, sorted by name, with Go's reason. */
  readonly skipped: readonly GoModelSkippedMethod[];
}

/** GoModelMethod is a method net/rpc registers: `func (t T) Name(args A, reply *R) error`. */
export interface GoModelMethod {
  readonly name: string;
  readonly receiver: GoModelReceiver;
  /** The argument type, a value or a pointer. */
  readonly args: GoModelType;
  /** The reply type, always a pointer (kind `pointer`, or a defined pointer type). */
  readonly reply: GoModelType;
  readonly doc?: string;
  readonly position?: string;
}

/**
 * GoModelSkipReason is why net/rpc's suitableMethods passes over an
 * exported method, in the order it tests: the input count (receiver
 * included) is not 3; the argument type is not exported; the reply is not
 * a pointer; the reply type is not exported; the result count is not 1;
 * the result is not `error`.
 */
export type GoModelSkipReason = 'inputs' | 'argNotExported' | 'replyNotPointer' | 'replyNotExported' | 'outputs' | 'returnNotError';

/** GoModelSkippedMethod is an exported method net/rpc does not register. */
export interface GoModelSkippedMethod {
  readonly name: string;
  readonly receiver: GoModelReceiver;
  readonly reason: GoModelSkipReason;
  /** The line net/rpc logs for it, e.g. `rpc.Register: method "Sum" has 2 input parameters; needs exactly three`. */
  readonly message: string;
  readonly doc?: string;
  readonly position?: string;
}

/** GoModelUnregistrable is a type with suitable methods that rpc.Register refuses as it stands. */
export interface GoModelUnregistrable {
  readonly name: string;
  readonly id: string;
  /** `unexported`: the type name is not exported and no rpc.RegisterName call names it. */
  readonly reason: 'unexported';
  /** Go's error, e.g. `rpc.Register: type arith is not exported`. */
  readonly message: string;
  readonly position?: string;
}

/** GoModelRpcRegistration is a call of rpc.Register, rpc.RegisterName or the *rpc.Server methods of those names. */
export interface GoModelRpcRegistration {
  readonly function: 'rpc.Register' | 'rpc.RegisterName' | '(*rpc.Server).Register' | '(*rpc.Server).RegisterName';
  /** The service name registered, when known before run time (a constant, or the type's name). */
  readonly name?: string;
  /** The static type of the receiver value, as reflect prints it, when the source says it. */
  readonly goType?: string;
  /** The ID of the defined type T when `goType` is T or *T. */
  readonly service?: string;
  /** What the call returns when it fails and that is known from the source. */
  readonly error?: string;
  /** Why something above is unknown (an interface-typed argument, a name computed at run time). */
  readonly note?: string;
  readonly position: string;
}

/** GoModelGobRegistration is a call of gob.Register or gob.RegisterName. */
export interface GoModelGobRegistration {
  readonly function: 'gob.Register' | 'gob.RegisterName';
  /**
   * The name gob sends the concrete type under: RegisterName's constant, or
   * what gob.Register computes (`main.Rect` for a defined type,
   * `*main.Circle` for a pointer to one, `[]int` for other types).
   */
  readonly name?: string;
  /** The concrete type registered, when the source says it. */
  readonly type?: GoModelType;
  /** The panic this call causes after the ones before it (a name or a type registered twice differently). */
  readonly error?: string;
  readonly note?: string;
  readonly position: string;
}

/** GoModelNamedType is an entry of the type table: a defined Go type. */
export interface GoModelNamedType {
  /** Package path and name with type arguments, e.g. `main.Args`, `time.Time`, `main.Pair[int]`; `error` for the predeclared error. */
  readonly id: string;
  /** reflect's Name: `Args`, `Pair[int]`. */
  readonly name: string;
  /** The package path (`` for `error`). */
  readonly package: string;
  readonly packageName: string;
  /** reflect's String: `main.Args`. */
  readonly go: string;
  /** The type arguments of an instance of a generic type. */
  readonly typeArgs?: readonly GoModelType[];
  /** The type's structure; never kind `named`. */
  readonly underlying: GoModelType;
  /** Set, to the type's ID, for types the wire formats treat specially (see {@link GoModelWellKnown}). */
  readonly wellKnown?: GoModelWellKnown;
  /** The encoding interfaces the type implements (gob and encoding/json prefer them to its structure). */
  readonly marshalers?: GoModelMarshalers;
  readonly doc?: string;
  readonly position?: string;
}

/**
 * GoModelWellKnown names the defined types a generator maps by name rather
 * than by structure: `time.Time` (gob: its MarshalBinary bytes; JSON: an
 * RFC 3339 string), `math/big.Int`, `Rat` and `Float` (gob: their GobEncode
 * bytes; JSON: a number literal for Int, a string for Rat and Float),
 * `encoding/json.Number` (a string in gob, a number literal in JSON) and
 * `encoding/json.RawMessage` (bytes in gob, any JSON value in JSON).
 */
export type GoModelWellKnown =
  | 'time.Time'
  | 'math/big.Int'
  | 'math/big.Rat'
  | 'math/big.Float'
  | 'encoding/json.Number'
  | 'encoding/json.RawMessage';

/** GO_MODEL_WELL_KNOWN lists every {@link GoModelWellKnown}. */
export const GO_MODEL_WELL_KNOWN: readonly GoModelWellKnown[] = [
  'time.Time',
  'math/big.Int',
  'math/big.Rat',
  'math/big.Float',
  'encoding/json.Number',
  'encoding/json.RawMessage',
];

/** GoModelMarshalers says through which receiver a type implements each encoding interface; absent means not at all. */
export interface GoModelMarshalers {
  /** gob.GobEncoder: gob sends the type as the bytes GobEncode returns. */
  readonly gobEncoder?: GoModelReceiver;
  readonly gobDecoder?: GoModelReceiver;
  /** encoding.BinaryMarshaler: gob's fallback when there is no GobEncoder. */
  readonly binaryMarshaler?: GoModelReceiver;
  readonly binaryUnmarshaler?: GoModelReceiver;
  /** encoding.TextMarshaler: gob's next fallback, and encoding/json's (as a string, and for map keys). */
  readonly textMarshaler?: GoModelReceiver;
  readonly textUnmarshaler?: GoModelReceiver;
  /** json.Marshaler. */
  readonly jsonMarshaler?: GoModelReceiver;
  readonly jsonUnmarshaler?: GoModelReceiver;
}

/** GoModelProblem is one message of a failure, with its `file.go:line:column` when it has one. */
export interface GoModelProblem {
  readonly position?: string;
  readonly message: string;
}

/** GoModelFailure is what the Go program prints, with exit status 3, when it cannot read the package. */
export interface GoModelFailure {
  /** `load`: no buildable files, or files of several packages; `parse`: syntax errors; `type`: the package does not compile. */
  readonly kind: 'load' | 'parse' | 'type';
  readonly problems: readonly GoModelProblem[];
}
