package main

import (
	"go/token"
	"go/types"
)

// The encoding interfaces gob and encoding/json prefer to a type's own
// structure, built here from their method signatures.
var (
	bytesType = types.NewSlice(types.Typ[types.Byte])

	// func() ([]byte, error)
	marshalSig = types.NewSignatureType(nil, nil, nil, nil,
		types.NewTuple(newVar(bytesType), newVar(errorType)), false)
	// func([]byte) error
	unmarshalSig = types.NewSignatureType(nil, nil, nil,
		types.NewTuple(newVar(bytesType)), types.NewTuple(newVar(errorType)), false)

	gobEncoderIface        = methodIface("GobEncode", marshalSig)
	gobDecoderIface        = methodIface("GobDecode", unmarshalSig)
	binaryMarshalerIface   = methodIface("MarshalBinary", marshalSig)
	binaryUnmarshalerIface = methodIface("UnmarshalBinary", unmarshalSig)
	textMarshalerIface     = methodIface("MarshalText", marshalSig)
	textUnmarshalerIface   = methodIface("UnmarshalText", unmarshalSig)
	jsonMarshalerIface     = methodIface("MarshalJSON", marshalSig)
	jsonUnmarshalerIface   = methodIface("UnmarshalJSON", unmarshalSig)
)

func newVar(t types.Type) *types.Var { return types.NewParam(token.NoPos, nil, "", t) }

func methodIface(name string, sig *types.Signature) *types.Interface {
	fn := types.NewFunc(token.NoPos, nil, name, sig)
	return types.NewInterfaceType([]*types.Func{fn}, nil).Complete()
}

// implementedBy says through which receiver t implements iface: "value"
// when T does (so *T does too), "pointer" when only *T does, "" otherwise.
func implementedBy(t types.Type, iface *types.Interface) Receiver {
	if types.Implements(t, iface) {
		return valueReceiver
	}
	if types.Implements(types.NewPointer(t), iface) {
		return pointerReceiver
	}
	return ""
}

// marshalersOf lists the encoding interfaces t implements, or nil.
func marshalersOf(t types.Type) *Marshalers {
	m := &Marshalers{
		GobEncoder:        implementedBy(t, gobEncoderIface),
		GobDecoder:        implementedBy(t, gobDecoderIface),
		BinaryMarshaler:   implementedBy(t, binaryMarshalerIface),
		BinaryUnmarshaler: implementedBy(t, binaryUnmarshalerIface),
		TextMarshaler:     implementedBy(t, textMarshalerIface),
		TextUnmarshaler:   implementedBy(t, textUnmarshalerIface),
		JSONMarshaler:     implementedBy(t, jsonMarshalerIface),
		JSONUnmarshaler:   implementedBy(t, jsonUnmarshalerIface),
	}
	if *m == (Marshalers{}) {
		return nil
	}
	return m
}
