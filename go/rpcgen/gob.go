package main

import (
	"fmt"
	"go/types"
	"sort"
)

// gobEntry is a registered concrete type with the name gob sends it under.
type gobEntry struct {
	name string
	typ  types.Type
}

// gobRegistrations names every gob registration call, in source order, and
// says which ones panic, replaying encoding/gob's RegisterName on the calls
// before it: a name must keep its type, and a base type (under all
// pointers) its name. It returns the entries whose name and type are
// known, for interface unions.
func gobRegistrations(calls []call) ([]GobRegistration, []gobEntry) {
	var regs []GobRegistration
	var known []gobEntry
	for _, c := range calls {
		r := GobRegistration{Function: c.function, Note: c.valueNote, Position: c.pos}
		name, nameKnown := c.name, c.nameKnown
		if !c.byName && c.value != nil {
			name, nameKnown = gobRegisterName(c.value), true
		}
		if nameKnown {
			r.Name = stringPtr(name)
		} else if c.byName && r.Note == "" {
			r.Note = "the name is known only at run time"
		}
		if nameKnown && name == "" {
			r.Error = "attempt to register empty name"
		} else if nameKnown && c.value != nil {
			r.Error = gobConflict(known, name, c.value)
			if r.Error == "" && !containsEntry(known, name, c.value) {
				known = append(known, gobEntry{name, c.value})
			}
		}
		regs = append(regs, r)
	}
	return regs, known
}

// gobConflict is the panic encoding/gob's RegisterName raises for
// (name, t) given the earlier registrations, or "".
func gobConflict(known []gobEntry, name string, t types.Type) string {
	for _, e := range known {
		if e.name == name && !types.Identical(e.typ, t) {
			return fmt.Sprintf("gob: registering duplicate types for %q: %s != %s", name, reflectString(e.typ), reflectString(t))
		}
	}
	base := gobBase(t)
	for _, e := range known {
		if e.name != name && types.Identical(gobBase(e.typ), base) {
			return fmt.Sprintf("gob: registering duplicate names for %s: %q != %q", reflectString(t), e.name, name)
		}
	}
	return ""
}

func containsEntry(known []gobEntry, name string, t types.Type) bool {
	for _, e := range known {
		if e.name == name && types.Identical(e.typ, t) {
			return true
		}
	}
	return false
}

// gobBase is gob's base type: t under all its pointers.
func gobBase(t types.Type) types.Type {
	for depth := 0; depth < 64; depth++ {
		p, ok := t.Underlying().(*types.Pointer)
		if !ok {
			break
		}
		t = p.Elem()
	}
	return t
}

// gobNamesImplementing lists, sorted, the registered names whose concrete
// type implements iface: the values an interface of that type can carry.
func gobNamesImplementing(known []gobEntry, iface *types.Interface) []string {
	var names []string
	for _, e := range known {
		if types.Implements(e.typ, iface) {
			names = append(names, e.name)
		}
	}
	sort.Strings(names)
	return names
}
