package main

import (
	"go/token"
	"go/types"
	"sort"
)

// registerError is what net/rpc's Server.register returns for a receiver
// of type t: a name is needed (the type's name when useName is false, and
// then an exported one), and the method set of t must hold a suitable
// method. Like Go, it hints at a pointer when only *t's methods qualify.
func registerError(t types.Type, name string, useName bool) string {
	sname := name
	if !useName {
		sname = reflectName(indirect(t))
	}
	if sname == "" {
		return "rpc.Register: no service name for type " + reflectString(t)
	}
	if !useName && !token.IsExported(sname) {
		return "rpc.Register: type " + sname + " is not exported"
	}
	if suitableCount(suitableMethods(t)) == 0 {
		if suitableCount(suitableMethods(types.NewPointer(t))) > 0 {
			return "rpc.Register: type " + sname + " has no exported methods of suitable type (hint: pass a pointer to value of that type)"
		}
		return "rpc.Register: type " + sname + " has no exported methods of suitable type"
	}
	return ""
}

// indirect is reflect.Indirect on types: the element of a pointer, or t.
func indirect(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// serviceCandidates are the defined types that may be services: the
// package's own non-generic, non-interface types (by name), then the types
// the package's rpc registration calls pass, as T or *T, that are declared
// elsewhere or are instances of generic types.
func serviceCandidates(l *loaded, rpcCalls []call) []*types.Named {
	var out []*types.Named
	seen := map[*types.Named]bool{}
	add := func(n *types.Named) {
		if !seen[n] && !types.IsInterface(n) {
			seen[n] = true
			out = append(out, n)
		}
	}
	scope := l.pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() == 0 {
			add(n)
		}
	}
	for _, c := range rpcCalls {
		if n := registeredNamed(c.value); n != nil {
			add(n)
		}
	}
	return out
}

// registeredNamed is the defined type a registration of a value of type t
// is about: t itself or the element of the pointer t.
func registeredNamed(t types.Type) *types.Named {
	if t == nil {
		return nil
	}
	n, _ := indirect(t).(*types.Named)
	return n
}

// findServices classifies the candidates: a type with at least one method
// net/rpc would register through a *T receiver is a service when its name
// is exported or a RegisterName call registers it; otherwise it is
// unregistrable. Services are sorted by ID.
func findServices(l *loaded, d *describer, rpcCalls []call) ([]Service, []Unregistrable) {
	named := map[*types.Named]bool{}
	for _, c := range rpcCalls {
		if n := registeredNamed(c.value); n != nil && c.byName {
			named[n] = true
		}
	}
	var services []Service
	var unregistrable []Unregistrable
	for _, n := range serviceCandidates(l, rpcCalls) {
		ptr := types.NewPointer(n)
		checks := suitableMethods(ptr)
		if suitableCount(checks) == 0 {
			continue
		}
		name := reflectName(n)
		pos := d.position(n.Obj())
		if !token.IsExported(name) && !named[n] {
			unregistrable = append(unregistrable, Unregistrable{
				Name: name, ID: d.typeID(n), Reason: "unexported", Position: pos,
				Message: registerError(ptr, "", false),
			})
			continue
		}
		services = append(services, d.service(n, checks))
	}
	sort.SliceStable(services, func(i, j int) bool { return services[i].ID < services[j].ID })
	return services, unregistrable
}

// service describes the service of type n, whose *T method set gave checks.
func (d *describer) service(n *types.Named, checks []methodCheck) Service {
	inValueSet := map[string]bool{}
	for _, c := range suitableMethods(n) {
		inValueSet[c.fn.Name()] = true
	}
	s := Service{
		Name:                 reflectName(n),
		ID:                   d.typeID(n),
		Exported:             token.IsExported(reflectName(n)),
		Position:             d.position(n.Obj()),
		ValueRegisterError:   registerError(n, "", false),
		PointerRegisterError: registerError(types.NewPointer(n), "", false),
		Methods:              []Method{},
		Skipped:              []SkippedMethod{},
	}
	if pkg := n.Obj().Pkg(); pkg != nil {
		s.Package = pkg.Path()
	}
	if n.Obj().Pkg() == d.l.pkg {
		s.Doc = joinComments(d.docs[n.Obj().Pos()])
	}
	for _, c := range checks {
		recv := pointerReceiver
		if inValueSet[c.fn.Name()] {
			recv = valueReceiver
		}
		doc, pos := "", d.position(c.fn)
		if c.fn.Pkg() == d.l.pkg {
			doc = joinComments(d.docs[c.fn.Pos()])
		}
		if c.reason != "" {
			s.Skipped = append(s.Skipped, SkippedMethod{
				Name: c.fn.Name(), Receiver: recv, Reason: c.reason, Message: c.message, Doc: doc, Position: pos,
			})
			continue
		}
		s.Methods = append(s.Methods, Method{
			Name: c.fn.Name(), Receiver: recv, Args: d.describe(c.args), Reply: d.describe(c.reply), Doc: doc, Position: pos,
		})
	}
	return s
}

// position is where obj is declared, for objects of the package read.
func (d *describer) position(obj types.Object) string {
	if obj.Pkg() != d.l.pkg {
		return ""
	}
	return positionString(d.l.fset.Position(obj.Pos()))
}

// rpcRegistrations describes the package's rpc registration calls, with
// the name each registers and the error it returns when that is known.
func (d *describer) rpcRegistrations(calls []call) []RPCRegistration {
	out := []RPCRegistration{}
	for _, c := range calls {
		r := RPCRegistration{Function: c.function, Note: c.valueNote, Position: c.pos}
		if c.nameKnown {
			r.Name = stringPtr(c.name)
		}
		if c.value != nil {
			r.GoType = reflectString(c.value)
			if n := registeredNamed(c.value); n != nil {
				r.Service = d.typeID(n)
			}
			if !c.byName {
				r.Name = stringPtr(reflectName(indirect(c.value)))
			}
			if c.nameKnown || !c.byName {
				r.Error = registerError(c.value, c.name, c.byName)
			}
		}
		if c.byName && !c.nameKnown && r.Note == "" {
			r.Note = "the name is known only at run time"
		}
		out = append(out, r)
	}
	return out
}

func stringPtr(s string) *string { return &s }
