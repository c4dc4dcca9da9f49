// Command msgpackserver is a small msgpack-rpc server in Go (standard
// library only) behind an HTTP CONNECT front like rpc.HandleHTTP's: it
// hijacks CONNECT on /_goRPC_, confirms "Rpc-Codec: msgpack", and answers
// requests [0, msgid, method, [arg]] with [1, msgid, nil, reply]. Its
// decoder keeps msgpack's int64 and uint64 apart, so the methods
// Kinds.Ints ({"I64": int64}) and Kinds.Uints ({"U64": uint64}) see exactly
// the integer that was sent and echo it with Go's decimal rendering
// ("Seen"). Anything else is answered with an error. It prints
// "listening HOST:PORT" once ready.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
)

// decode reads one msgpack value: nil, bool, int64, uint64 (only for
// positive values beyond int64 or sent as uint), string, []interface{},
// map[string]interface{}.
func decode(r *bufio.Reader) (interface{}, error) {
	b, err := r.ReadByte()
	if err != nil {
		return nil, err
	}
	switch {
	case b <= 0x7f:
		return int64(b), nil
	case b >= 0xe0:
		return int64(int8(b)), nil
	case b&0xf0 == 0x80:
		return decodeMap(r, int(b&0x0f))
	case b&0xf0 == 0x90:
		return decodeArray(r, int(b&0x0f))
	case b&0xe0 == 0xa0:
		return readString(r, int(b&0x1f))
	}
	buf := make([]byte, 8)
	readN := func(n int) ([]byte, error) {
		_, err := io.ReadFull(r, buf[:n])
		return buf[:n], err
	}
	switch b {
	case 0xc0:
		return nil, nil
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	case 0xcc, 0xcd, 0xce, 0xcf:
		n := 1 << (b - 0xcc)
		p, err := readN(n)
		if err != nil {
			return nil, err
		}
		var u uint64
		for _, x := range p {
			u = u<<8 | uint64(x)
		}
		return u, nil
	case 0xd0, 0xd1, 0xd2, 0xd3:
		n := 1 << (b - 0xd0)
		p, err := readN(n)
		if err != nil {
			return nil, err
		}
		var u uint64
		for _, x := range p {
			u = u<<8 | uint64(x)
		}
		shift := uint(64 - 8*n)
		return int64(u<<shift) >> shift, nil
	case 0xd9, 0xda:
		p, err := readN(1 << (b - 0xd9))
		if err != nil {
			return nil, err
		}
		return readString(r, int(bigEndian(p)))
	case 0xdc:
		p, err := readN(2)
		if err != nil {
			return nil, err
		}
		return decodeArray(r, int(bigEndian(p)))
	case 0xde:
		p, err := readN(2)
		if err != nil {
			return nil, err
		}
		return decodeMap(r, int(bigEndian(p)))
	}
	return nil, fmt.Errorf("msgpack: unsupported type byte 0x%02x", b)
}

func bigEndian(p []byte) uint64 {
	var u uint64
	for _, x := range p {
		u = u<<8 | uint64(x)
	}
	return u
}

func readString(r *bufio.Reader, n int) (string, error) {
	p := make([]byte, n)
	_, err := io.ReadFull(r, p)
	return string(p), err
}

func decodeArray(r *bufio.Reader, n int) ([]interface{}, error) {
	out := make([]interface{}, n)
	for i := range out {
		v, err := decode(r)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func decodeMap(r *bufio.Reader, n int) (map[string]interface{}, error) {
	out := make(map[string]interface{}, n)
	for i := 0; i < n; i++ {
		k, err := decode(r)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, errors.New("msgpack: map key is not a string")
		}
		if out[key], err = decode(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// encode appends a value: int64 always as msgpack int64 (0xd3) and uint64
// as uint64 (0xcf), so the width the method declared goes on the wire.
func encode(b []byte, v interface{}) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 0xc0)
	case int64:
		b = append(b, 0xd3)
		return binary.BigEndian.AppendUint64(b, uint64(x))
	case uint64:
		b = append(b, 0xcf)
		return binary.BigEndian.AppendUint64(b, x)
	case string:
		b = append(b, 0xd9, byte(len(x)))
		return append(b, x...)
	case []interface{}:
		b = append(b, 0x90|byte(len(x)))
		for _, e := range x {
			b = encode(b, e)
		}
		return b
	case [][2]interface{}: // an ordered map
		b = append(b, 0x80|byte(len(x)))
		for _, kv := range x {
			b = encode(encode(b, kv[0]), kv[1])
		}
		return b
	}
	panic(fmt.Sprintf("encode: unsupported %T", v))
}

func call(method string, params []interface{}) (interface{}, error) {
	if len(params) != 1 {
		return nil, errors.New("want one argument")
	}
	arg, ok := params[0].(map[string]interface{})
	if !ok {
		return nil, errors.New("want a map argument")
	}
	switch method {
	case "Kinds.Ints":
		i, ok := arg["I64"].(int64)
		if !ok {
			return nil, fmt.Errorf("I64: want a msgpack int fitting int64, got %T", arg["I64"])
		}
		return [][2]interface{}{{"I64", i}, {"Seen", strconv.FormatInt(i, 10)}}, nil
	case "Kinds.Uints":
		var u uint64
		switch x := arg["U64"].(type) {
		case uint64:
			u = x
		case int64:
			if x < 0 {
				return nil, fmt.Errorf("U64: negative %d", x)
			}
			u = uint64(x)
		default:
			return nil, fmt.Errorf("U64: want a msgpack integer, got %T", arg["U64"])
		}
		return [][2]interface{}{{"U64", u}, {"Seen", strconv.FormatUint(u, 10)}}, nil
	}
	return nil, errors.New("rpc: can't find method " + method)
}

func serve(conn net.Conn, r *bufio.Reader) {
	defer conn.Close()
	for {
		v, err := decode(r)
		if err != nil {
			return
		}
		req, ok := v.([]interface{})
		if !ok || len(req) != 4 {
			return
		}
		msgid, _ := req[1].(int64)
		method, _ := req[2].(string)
		params, _ := req[3].([]interface{})
		reply, cerr := call(method, params)
		var errv interface{}
		if cerr != nil {
			errv, reply = cerr.Error(), nil
		}
		out := encode([]byte{0x94, 0x01}, msgid)
		out = encode(encode(out, errv), reply)
		if _, err := conn.Write(out); err != nil {
			return
		}
	}
}

func main() {
	http.HandleFunc("/_goRPC_", func(w http.ResponseWriter, req *http.Request) {
		if req.Method != "CONNECT" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusMethodNotAllowed)
			io.WriteString(w, "405 must CONNECT\n")
			return
		}
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			log.Print("hijack: ", err)
			return
		}
		io.WriteString(conn, "HTTP/1.0 200 Connected to Go RPC\nRpc-Codec: msgpack\n\n")
		serve(conn, rw.Reader)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening %s\n", l.Addr())
	log.Fatal(http.Serve(l, nil))
}
