package main

import (
	"go/types"
	"reflect"
	"sort"
	"strings"
)

// gobWireFields lists the fields gob sends for struct s, in wire order:
// the fields gob's isSent accepts, in declaration order, each under its
// Go name. gob does not promote: an embedded struct is one field named
// after its type, and an unexported embedded type is not sent at all.
func (d *describer) gobWireFields(s *types.Struct) []GobField {
	out := []GobField{}
	for i := 0; i < s.NumFields(); i++ {
		v := s.Field(i)
		if gobSent(v) {
			out = append(out, GobField{Name: v.Name(), Field: i, Type: d.describe(v.Type())})
		}
	}
	return out
}

// gobExternal says whether gob sends t through one of the interfaces it
// prefers to a type's structure (GobEncoder, BinaryMarshaler,
// TextMarshaler), on T or on *T.
func gobExternal(t types.Type) bool {
	for _, iface := range []*types.Interface{gobEncoderIface, binaryMarshalerIface, textMarshalerIface} {
		if implementedBy(t, iface) != "" {
			return true
		}
	}
	return false
}

// gobNoFieldsError is the error gob's compileEnc reports for owner, a
// struct type (or a defined type whose underlying type is s) with fields
// but none gob sends, unless owner encodes itself; "" otherwise.
func gobNoFieldsError(s *types.Struct, gobFields []GobField, owner types.Type) string {
	if s.NumFields() == 0 || len(gobFields) > 0 || gobExternal(owner) {
		return ""
	}
	return "gob: type " + reflectString(owner) + " has no exported fields"
}

// jsonCandidate is a field encoding/json's typeFields has found, before
// the embedding rules choose among those of the same name.
type jsonCandidate struct {
	field  JSONField
	index  []int
	tagged bool
}

// jsonLevel is a struct whose fields typeFields scans, reached from the
// outer struct through embedded fields.
type jsonLevel struct {
	st         *types.Struct
	key        types.Type
	index      []int
	path       []string
	viaPointer bool
}

// typeCounter counts types by identity.
type typeCounter struct {
	keys   []types.Type
	counts []int
}

func (c *typeCounter) get(t types.Type) int {
	for i, k := range c.keys {
		if types.Identical(k, t) {
			return c.counts[i]
		}
	}
	return 0
}

func (c *typeCounter) inc(t types.Type) int {
	for i, k := range c.keys {
		if types.Identical(k, t) {
			c.counts[i]++
			return c.counts[i]
		}
	}
	c.keys = append(c.keys, t)
	c.counts = append(c.counts, 1)
	return 1
}

// jsonWireFields lists the object keys encoding/json uses for struct s,
// in the order it writes them, computed as its typeFields does: exported
// fields and those of embedded structs (exported or not, through a
// pointer or not) breadth first, `json:"-"` left out, a tag's name
// replacing the Go name, and among fields of one name the shallowest
// (a tagged one first at equal depth) kept, or none when two tie.
func (d *describer) jsonWireFields(s *types.Struct) []JSONField {
	var found []jsonCandidate
	next := []jsonLevel{{st: s, key: s}}
	var count typeCounter
	var visited []types.Type
	for len(next) > 0 {
		current := next
		next = nil
		var nextCount typeCounter
		for _, lv := range current {
			if containsType(visited, lv.key) {
				continue
			}
			visited = append(visited, lv.key)
			for i := 0; i < lv.st.NumFields(); i++ {
				v := lv.st.Field(i)
				declared := v.Type()
				if v.Embedded() {
					t := declared
					if p, ok := t.Underlying().(*types.Pointer); ok {
						t = p.Elem()
					}
					if _, isStruct := t.Underlying().(*types.Struct); !v.Exported() && !isStruct {
						continue
					}
				} else if !v.Exported() {
					continue
				}
				tag := reflect.StructTag(lv.st.Tag(i)).Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validJSONName(name) {
					name = ""
				}
				index := append(append([]int{}, lv.index...), i)
				path := append(append([]string{}, lv.path...), v.Name())
				ft := declared
				throughPointer := false
				if p, ok := ft.(*types.Pointer); ok {
					ft, throughPointer = p.Elem(), true
				}
				st, isStruct := ft.Underlying().(*types.Struct)
				if name != "" || !v.Embedded() || !isStruct {
					f := JSONField{
						Name:       name,
						Path:       path,
						Type:       d.describe(declared),
						OmitEmpty:  hasOption(opts, "omitempty"),
						String:     hasOption(opts, "string") && jsonQuotable(declared),
						ViaPointer: lv.viaPointer,
					}
					tagged := name != ""
					if !tagged {
						f.Name = v.Name()
					}
					f.Tagged = tagged
					found = append(found, jsonCandidate{field: f, index: index, tagged: tagged})
					if count.get(lv.key) > 1 {
						// Two embeddings of one type at this depth: the copy
						// makes the names below tie, as in encoding/json.
						found = append(found, found[len(found)-1])
					}
					continue
				}
				if nextCount.inc(ft) == 1 {
					next = append(next, jsonLevel{st: st, key: ft, index: index, path: path, viaPointer: lv.viaPointer || throughPointer})
				}
			}
		}
		count = nextCount
	}
	return dominantJSONFields(found)
}

// dominantJSONFields applies encoding/json's embedding rules to the found
// fields and returns the survivors in field index order.
func dominantJSONFields(found []jsonCandidate) []JSONField {
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.field.Name != b.field.Name {
			return a.field.Name < b.field.Name
		}
		if len(a.index) != len(b.index) {
			return len(a.index) < len(b.index)
		}
		if a.tagged != b.tagged {
			return a.tagged
		}
		return indexLess(a.index, b.index)
	})
	var kept []jsonCandidate
	for i := 0; i < len(found); {
		j := i + 1
		for j < len(found) && found[j].field.Name == found[i].field.Name {
			j++
		}
		group := found[i:j]
		i = j
		if len(group) > 1 && len(group[0].index) == len(group[1].index) && group[0].tagged == group[1].tagged {
			continue
		}
		kept = append(kept, group[0])
	}
	sort.SliceStable(kept, func(i, j int) bool { return indexLess(kept[i].index, kept[j].index) })
	out := make([]JSONField, 0, len(kept))
	for _, c := range kept {
		out = append(out, c.field)
	}
	return out
}

// indexLess is encoding/json's byIndex order: by index sequence, a
// shorter prefix first.
func indexLess(a, b []int) bool {
	for k, x := range a {
		if k >= len(b) {
			return false
		}
		if x != b[k] {
			return x < b[k]
		}
	}
	return len(a) < len(b)
}

func containsType(list []types.Type, t types.Type) bool {
	for _, k := range list {
		if types.Identical(k, t) {
			return true
		}
	}
	return false
}

// hasOption is encoding/json's tagOptions.Contains.
func hasOption(opts, name string) bool {
	for opts != "" {
		var opt string
		opt, opts, _ = strings.Cut(opts, ",")
		if opt == name {
			return true
		}
	}
	return false
}
