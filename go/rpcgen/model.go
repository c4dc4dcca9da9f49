package main

// modelVersion is the version of the JSON model printed on stdout. It
// changes when a field changes meaning or goes away.
const modelVersion = 1

// Model is what rpcgen prints for one Go package: the net/rpc services it
// declares, the types their methods send and receive, and the gob and rpc
// registrations found in its source.
type Model struct {
	Version          int                   `json:"version"`
	Package          Package               `json:"package"`
	Services         []Service             `json:"services"`
	Unregistrable    []Unregistrable       `json:"unregistrable"`
	RPCRegistrations []RPCRegistration     `json:"rpcRegistrations"`
	GobRegistrations []GobRegistration     `json:"gobRegistrations"`
	Types            map[string]*NamedType `json:"types"`
}

// Package says which package was read.
type Package struct {
	Name string `json:"name"`
	// ImportPath is the path reflect reports for the package's types
	// ("main" for a command).
	ImportPath string `json:"importPath"`
	// ImportPathFrom says how ImportPath was found: "main", "module"
	// (go.mod), "gopath", "local" (GOPATH mode outside any GOPATH, where
	// the go command names the package "_" + its directory) or "flag".
	ImportPathFrom string   `json:"importPathFrom"`
	Files          []string `json:"files"`
	Doc            string   `json:"doc,omitempty"`
}

// Service is a named type whose methods net/rpc registers.
type Service struct {
	// Name is the service name rpc.Register gives it: the type's name.
	Name string `json:"name"`
	// ID names the type as the type table would; the service type itself is
	// not in the table unless a method sends it.
	ID       string `json:"id"`
	Package  string `json:"package"`
	Exported bool   `json:"exported"`
	Doc      string `json:"doc,omitempty"`
	Position string `json:"position,omitempty"`
	// ValueRegisterError is what rpc.Register(T{}) returns, if it fails.
	ValueRegisterError string `json:"valueRegisterError,omitempty"`
	// PointerRegisterError is what rpc.Register(&T{}) returns, if it fails.
	PointerRegisterError string          `json:"pointerRegisterError,omitempty"`
	Methods              []Method        `json:"methods"`
	Skipped              []SkippedMethod `json:"skipped"`
}

// Receiver says which registration publishes a method: "value" methods are
// in the method set of T and of *T, "pointer" ones only in that of *T.
type Receiver string

const (
	valueReceiver   Receiver = "value"
	pointerReceiver Receiver = "pointer"
)

// Method is a method net/rpc registers.
type Method struct {
	Name     string   `json:"name"`
	Receiver Receiver `json:"receiver"`
	Args     *TypeRef `json:"args"`
	Reply    *TypeRef `json:"reply"`
	Doc      string   `json:"doc,omitempty"`
	Position string   `json:"position,omitempty"`
}

// SkippedMethod is an exported method net/rpc's suitableMethods passes over,
// with the reason it would log.
type SkippedMethod struct {
	Name     string   `json:"name"`
	Receiver Receiver `json:"receiver"`
	// Reason is one of the reason* constants.
	Reason   string `json:"reason"`
	Message  string `json:"message"`
	Doc      string `json:"doc,omitempty"`
	Position string `json:"position,omitempty"`
}

// Unregistrable is a type with methods net/rpc would register that
// rpc.Register refuses as it stands.
type Unregistrable struct {
	Name     string `json:"name"`
	ID       string `json:"id"`
	Reason   string `json:"reason"`
	Message  string `json:"message"`
	Position string `json:"position,omitempty"`
}

// RPCRegistration is a call of rpc.Register, rpc.RegisterName or the
// *rpc.Server methods of the same names.
type RPCRegistration struct {
	Function string `json:"function"`
	// Name is the service name the call registers, when it is known before
	// run time (it may be "", which Register refuses).
	Name *string `json:"name,omitempty"`
	// GoType is the static type of the receiver value passed, as reflect
	// prints it, when the source says it.
	GoType string `json:"goType,omitempty"`
	// Service is the ID of the defined type T when GoType is T or *T.
	Service string `json:"service,omitempty"`
	// Error is what the call returns, when it fails and that is known.
	Error    string `json:"error,omitempty"`
	Note     string `json:"note,omitempty"`
	Position string `json:"position"`
}

// GobRegistration is a call of gob.Register or gob.RegisterName.
type GobRegistration struct {
	Function string `json:"function"`
	// Name is the name gob sends the concrete type under, when it is known
	// before run time.
	Name *string  `json:"name,omitempty"`
	Type *TypeRef `json:"type,omitempty"`
	// Error is the panic the call causes after the ones before it.
	Error    string `json:"error,omitempty"`
	Note     string `json:"note,omitempty"`
	Position string `json:"position"`
}

// NamedType is an entry of the type table: a defined Go type.
type NamedType struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Package     string     `json:"package"`
	PackageName string     `json:"packageName"`
	Go          string     `json:"go"`
	TypeArgs    []*TypeRef `json:"typeArgs,omitempty"`
	Underlying  *TypeRef   `json:"underlying"`
	// WellKnown is the ID of a type the wire formats treat specially (one
	// of wellKnownTypes): "time.Time", "math/big.Int", "encoding/json.Number"...
	WellKnown  string      `json:"wellKnown,omitempty"`
	Marshalers *Marshalers `json:"marshalers,omitempty"`
	Doc        string      `json:"doc,omitempty"`
	Position   string      `json:"position,omitempty"`
}

// Marshalers says which encoding interfaces a type implements, and through
// which receiver. Absent fields are not implemented.
type Marshalers struct {
	GobEncoder        Receiver `json:"gobEncoder,omitempty"`
	GobDecoder        Receiver `json:"gobDecoder,omitempty"`
	BinaryMarshaler   Receiver `json:"binaryMarshaler,omitempty"`
	BinaryUnmarshaler Receiver `json:"binaryUnmarshaler,omitempty"`
	TextMarshaler     Receiver `json:"textMarshaler,omitempty"`
	TextUnmarshaler   Receiver `json:"textUnmarshaler,omitempty"`
	JSONMarshaler     Receiver `json:"jsonMarshaler,omitempty"`
	JSONUnmarshaler   Receiver `json:"jsonUnmarshaler,omitempty"`
}

// TypeRef describes a type in place. Named types other than the predeclared
// basic ones are references into the type table (Kind "named").
type TypeRef struct {
	Kind string `json:"kind"`
	// Go is the type as reflect's String method prints it.
	Go     string   `json:"go"`
	ID     string   `json:"id,omitempty"`
	Len    *int64   `json:"len,omitempty"`
	Key    *TypeRef `json:"key,omitempty"`
	Elem   *TypeRef `json:"elem,omitempty"`
	Dir    string   `json:"dir,omitempty"`
	Fields *[]Field `json:"fields,omitempty"`
	// GobFields (structs) are the fields gob sends, in wire order.
	GobFields *[]GobField `json:"gobFields,omitempty"`
	// JSONFields (structs) are the keys encoding/json writes, in order,
	// embedded structs' fields promoted.
	JSONFields  *[]JSONField   `json:"jsonFields,omitempty"`
	Methods     *[]InterfaceFn `json:"methods,omitempty"`
	GobConcrete []string       `json:"gobConcrete,omitempty"`
	Unsupported *Unsupported   `json:"unsupported,omitempty"`
}

// Unsupported holds the errors a codec reports for a type it cannot send.
type Unsupported struct {
	Gob  string `json:"gob,omitempty"`
	JSON string `json:"json,omitempty"`
}

// InterfaceFn is a method of an interface type.
type InterfaceFn struct {
	Name string `json:"name"`
	Go   string `json:"go"`
}

// Field is a struct field, in declaration order.
type Field struct {
	Name string `json:"name"`
	// GoType is the field's type as reflect prints it.
	GoType string `json:"goType"`
	// Type is absent for unexported fields that are not embedded: no
	// codec reads them.
	Type     *TypeRef `json:"type,omitempty"`
	Embedded bool     `json:"embedded"`
	Exported bool     `json:"exported"`
	// GobSent is gob's isSent: exported, and not a chan or func (or a
	// pointer to one).
	GobSent bool     `json:"gobSent"`
	Tag     string   `json:"tag,omitempty"`
	JSON    *JSONTag `json:"json,omitempty"`
	Doc     string   `json:"doc,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// GobField is a field gob sends: gob matches fields by this name.
type GobField struct {
	Name string `json:"name"`
	// Field is the field's place in the struct's Fields.
	Field int      `json:"field"`
	Type  *TypeRef `json:"type"`
}

// JSONField is an object key encoding/json writes and reads for a struct,
// and the field it belongs to, possibly promoted from embedded structs.
type JSONField struct {
	// Name is the key: the tag's name, or the Go field name.
	Name string `json:"name"`
	// Tagged says the name comes from a json tag.
	Tagged bool `json:"tagged"`
	// Path is the Go field names from the struct to the field, through
	// the embedded structs it is promoted from.
	Path []string `json:"path"`
	// Type is the field's declared type.
	Type      *TypeRef `json:"type"`
	OmitEmpty bool     `json:"omitEmpty"`
	// String is the string option where encoding/json honours it.
	String bool `json:"string"`
	// ViaPointer says the path passes through an embedded pointer: the
	// key is absent when that pointer is nil.
	ViaPointer bool `json:"viaPointer"`
}

// JSONTag is the meaning encoding/json gives a field's `json` tag.
type JSONTag struct {
	Name      string `json:"name,omitempty"`
	Skip      bool   `json:"skip,omitempty"`
	OmitEmpty bool   `json:"omitEmpty,omitempty"`
	String    bool   `json:"string,omitempty"`
}

// Failure is printed instead of a Model when the package cannot be read.
type Failure struct {
	// Kind is "load", "parse" or "type".
	Kind     string    `json:"kind"`
	Problems []Problem `json:"problems"`
}

// Problem is one message, with its position when it has one.
type Problem struct {
	Position string `json:"position,omitempty"`
	Message  string `json:"message"`
}
