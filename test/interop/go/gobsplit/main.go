// gobsplit prints, as hex, the gob stream of one value holding N interface
// values of N concrete types sent for the first time (built at run time
// with reflect.StructOf), as a []interface{} or as the fields of a struct.
// Go's encoder ends a message after each new type's definition, so the
// value spans N+1 messages. The second line is the value as JSON, in the
// shape netrpc decodes it to.
//
// Usage: gobsplit N slice|struct
package main

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
)

func main() {
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		panic(err)
	}
	mode := os.Args[2]
	values := make([]interface{}, n)
	decoded := make([]interface{}, n)
	for i := 0; i < n; i++ {
		field := fmt.Sprintf("F%d", i)
		t := reflect.StructOf([]reflect.StructField{{Name: field, Type: reflect.TypeOf(0)}})
		v := reflect.New(t).Elem()
		v.Field(0).SetInt(int64(i + 1))
		name := fmt.Sprintf("T%d", i)
		gob.RegisterName(name, v.Interface())
		values[i] = v.Interface()
		decoded[i] = map[string]interface{}{"type": name, "value": map[string]int{field: i + 1}}
	}
	var top interface{} = values
	var want interface{} = decoded
	if mode == "struct" {
		fields := make([]reflect.StructField, n)
		for i := range fields {
			fields[i] = reflect.StructField{Name: fmt.Sprintf("I%d", i), Type: reflect.TypeOf((*interface{})(nil)).Elem()}
		}
		s := reflect.New(reflect.StructOf(fields)).Elem()
		byName := map[string]interface{}{}
		for i := 0; i < n; i++ {
			s.Field(i).Set(reflect.ValueOf(values[i]))
			byName[fmt.Sprintf("I%d", i)] = decoded[i]
		}
		top = s.Interface()
		want = byName
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(top); err != nil {
		panic(err)
	}
	out, err := json.Marshal(want)
	if err != nil {
		panic(err)
	}
	fmt.Println(hex.EncodeToString(b.Bytes()))
	fmt.Println(string(out))
}
