package main

import (
	"fmt"
	"go/token"
	"go/types"
	"strconv"
)

// The reasons net/rpc's suitableMethods passes over an exported method, in
// the order it tests them (net/rpc/server.go).
const (
	reasonInputs           = "inputs"
	reasonArgNotExported   = "argNotExported"
	reasonReplyNotPointer  = "replyNotPointer"
	reasonReplyNotExported = "replyNotExported"
	reasonOutputs          = "outputs"
	reasonReturnNotError   = "returnNotError"
)

// methodCheck is the verdict on one exported method of a method set.
type methodCheck struct {
	fn      *types.Func
	args    types.Type // set when suitable
	reply   types.Type // set when suitable
	reason  string     // empty when suitable
	message string
}

var errorType = types.Universe.Lookup("error").Type()

// suitableMethods applies net/rpc's rules to every exported method in the
// method set of t, in reflect's order (by name): three inputs counting the
// receiver, an exported or builtin argument type, a reply that is a
// pointer to an exported or builtin type, and a single result of type
// error. Unexported methods are not in reflect's method set and are left
// out, as Go leaves them.
func suitableMethods(t types.Type) []methodCheck {
	mset := types.NewMethodSet(t)
	var out []methodCheck
	for i := 0; i < mset.Len(); i++ {
		fn, ok := mset.At(i).Obj().(*types.Func)
		if !ok || !fn.Exported() {
			continue
		}
		out = append(out, checkMethod(fn))
	}
	return out
}

func checkMethod(fn *types.Func) methodCheck {
	sig := fn.Type().(*types.Signature)
	name := strconv.Quote(fn.Name())
	c := methodCheck{fn: fn}
	fail := func(reason, format string, args ...interface{}) methodCheck {
		c.reason = reason
		c.message = "rpc.Register: " + fmt.Sprintf(format, args...)
		return c
	}
	params := sig.Params()
	if params.Len()+1 != 3 {
		return fail(reasonInputs, "method %s has %d input parameters; needs exactly three", name, params.Len()+1)
	}
	argType := params.At(0).Type()
	if !isExportedOrBuiltinType(argType) {
		return fail(reasonArgNotExported, "argument type of method %s is not exported: %s", name, strconv.Quote(reflectString(argType)))
	}
	replyType := params.At(1).Type()
	if _, ok := replyType.Underlying().(*types.Pointer); !ok {
		return fail(reasonReplyNotPointer, "reply type of method %s is not a pointer: %s", name, strconv.Quote(reflectString(replyType)))
	}
	if !isExportedOrBuiltinType(replyType) {
		return fail(reasonReplyNotExported, "reply type of method %s is not exported: %s", name, strconv.Quote(reflectString(replyType)))
	}
	results := sig.Results()
	if results.Len() != 1 {
		return fail(reasonOutputs, "method %s has %d output parameters; needs exactly one", name, results.Len())
	}
	if rt := results.At(0).Type(); !types.Identical(rt, errorType) {
		return fail(reasonReturnNotError, "return type of method %s is %s, must be error", name, strconv.Quote(reflectString(rt)))
	}
	c.args, c.reply = argType, replyType
	return c
}

// isExportedOrBuiltinType is net/rpc's test of the same name: under any
// pointers, the type's name is exported or it has no package path
// (predeclared types and type literals).
func isExportedOrBuiltinType(t types.Type) bool {
	// A type such as "type P *P" is a pointer to itself forever; reflect's
	// loop never ends on it, this one stops.
	for depth := 0; depth < 64; depth++ {
		p, ok := t.Underlying().(*types.Pointer)
		if !ok {
			break
		}
		t = p.Elem()
	}
	return token.IsExported(reflectName(t)) || reflectPkgPath(t) == ""
}

// suitableCount is the number of methods net/rpc would register for t.
func suitableCount(checks []methodCheck) int {
	n := 0
	for _, c := range checks {
		if c.reason == "" {
			n++
		}
	}
	return n
}
