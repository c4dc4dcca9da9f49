package main

import (
	"go/ast"
	"go/constant"
	"go/types"
)

// call is a call of one of the registration functions, as found in the
// source: the function, the name argument when it is a constant, and the
// static type of the value argument.
type call struct {
	function  string // as written in the model, e.g. "rpc.RegisterName"
	byName    bool   // a RegisterName variant
	name      string
	nameKnown bool
	value     types.Type // nil when the static type says nothing (nil, an interface)
	valueNote string
	pos       string
}

// registrationFunctions maps the full names of the functions looked for to
// the names the model prints.
var registrationFunctions = map[string]string{
	"net/rpc.Register":               "rpc.Register",
	"net/rpc.RegisterName":           "rpc.RegisterName",
	"(*net/rpc.Server).Register":     "(*rpc.Server).Register",
	"(*net/rpc.Server).RegisterName": "(*rpc.Server).RegisterName",
	"encoding/gob.Register":          "gob.Register",
	"encoding/gob.RegisterName":      "gob.RegisterName",
}

// findCalls lists the calls of net/rpc's and encoding/gob's registration
// functions in the package's files, in source order (files by name).
// Calls through function values are not followed.
func findCalls(l *loaded) (rpcCalls, gobCalls []call) {
	for _, f := range l.files {
		ast.Inspect(f, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn := calledFunc(l.info, ce.Fun)
			if fn == nil {
				return true
			}
			printed, ok := registrationFunctions[fn.FullName()]
			if !ok {
				return true
			}
			c := call{function: printed, pos: positionString(l.fset.Position(ce.Pos()))}
			args := ce.Args
			if fn.Name() == "RegisterName" {
				c.byName = true
				if len(args) != 2 {
					return true
				}
				if tv, ok := l.info.Types[args[0]]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
					c.name, c.nameKnown = constant.StringVal(tv.Value), true
				}
				args = args[1:]
			}
			if len(args) != 1 {
				return true
			}
			c.value, c.valueNote = staticValueType(l.info, args[0])
			if fn.Pkg().Path() == "net/rpc" {
				rpcCalls = append(rpcCalls, c)
			} else {
				gobCalls = append(gobCalls, c)
			}
			return true
		})
	}
	return rpcCalls, gobCalls
}

// calledFunc is the function or method a call expression names directly.
func calledFunc(info *types.Info, fun ast.Expr) *types.Func {
	for {
		p, ok := fun.(*ast.ParenExpr)
		if !ok {
			break
		}
		fun = p.X
	}
	var obj types.Object
	switch f := fun.(type) {
	case *ast.Ident:
		obj = info.Uses[f]
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[f]; ok {
			obj = sel.Obj()
		} else {
			obj = info.Uses[f.Sel]
		}
	}
	fn, _ := obj.(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		return nil
	}
	return fn
}

// staticValueType is the type a registration learns from its argument at
// run time, when the source already says it: the argument's static type,
// unless that is an interface (the dynamic type is then known only at run
// time) or nil.
func staticValueType(info *types.Info, arg ast.Expr) (types.Type, string) {
	tv, ok := info.Types[arg]
	if !ok || tv.Type == nil {
		return nil, "the argument's type is unknown"
	}
	if tv.IsNil() {
		return nil, "the argument is nil"
	}
	t := types.Default(tv.Type)
	if types.IsInterface(t) {
		return nil, "the argument's static type is the interface " + reflectString(t) + "; its concrete type is known only at run time"
	}
	return t, ""
}
