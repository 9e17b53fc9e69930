package usb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// FuzzParseConfig: a configuration descriptor from a device either parses
// into endpoints that lie inside it or is refused as ErrProtocol.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte{9, 2, 32, 0, 1, 1, 0, 0xc0, 1, 9, 4, 0, 0, 2, 7, 1, 2, 0, 7, 5, 0x01, 2, 64, 0, 0, 7, 5, 0x82, 2, 64, 0, 0})
	f.Add([]byte{9, 2, 9, 0, 0, 1, 0, 0x80, 0})
	f.Add([]byte{9, 2, 14, 0, 1, 1, 0, 0x80, 0, 5, 0x24, 1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error is not ErrProtocol: %v", err)
			}
			return
		}
		eps := 0
		for _, in := range c.Interfaces {
			eps += len(in.Endpoints)
		}
		if 9+9*len(c.Interfaces)+7*eps > len(b) {
			t.Fatalf("%d interfaces and %d endpoints cannot fit in %d bytes", len(c.Interfaces), eps, len(b))
		}
		_, _ = FindPrinter(c)
	})
}

// FuzzReplies: whatever a server sends, the reply decoder returns a reply
// that fits the URB it names, or an error; it never panics and never
// reads a payload for an OUT URB.
func FuzzReplies(f *testing.F) {
	ret := func(cmd, seq uint32, status int32, actual uint32, data []byte) []byte {
		var b []byte
		for _, v := range []uint32{cmd, seq, 0, 0, 0, uint32(status), actual, 0, 0, 0, 0, 0} {
			b = binary.BigEndian.AppendUint32(b, v)
		}
		return append(b, data...)
	}
	f.Add(ret(3, 1, 0, 4, []byte("ABCD")))
	f.Add(append(ret(3, 2, 0, 3, nil), ret(4, 9, -104, 0, nil)...))
	f.Add(ret(3, 1, -32, 0, nil))
	f.Add(ret(3, 5, 0, 1, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		// seq 1: IN of 8 bytes; seq 2: OUT of 3; others unknown.
		lookup := func(seq uint32) (bool, int, bool) {
			switch seq {
			case 1:
				return true, 8, true
			case 2:
				return false, 3, true
			}
			return false, 0, false
		}
		r := bytes.NewReader(b)
		for {
			rp, err := readReply(r, lookup)
			if err != nil {
				if !errors.Is(err, ErrProtocol) && !errors.Is(err, io.EOF) {
					t.Fatalf("unexpected error kind: %v", err)
				}
				return
			}
			if !rp.unlink && (rp.actual > 8 || (rp.seq == 2 && len(rp.data) > 0) || len(rp.data) > rp.actual) {
				t.Fatalf("reply does not fit its URB: %+v", rp)
			}
		}
	})
}

// FuzzDevlist: a device list is decoded or refused, never trusted for
// an allocation.
func FuzzDevlist(f *testing.F) {
	one := make([]byte, 4+312+4)
	binary.BigEndian.PutUint32(one, 1)
	copy(one[4+256:], "1-1")
	one[4+311] = 1
	copy(one[4+312:], []byte{7, 1, 2, 0})
	f.Add(one)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := readDevlist(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(list)*312 > len(b) {
			t.Fatalf("%d devices from %d bytes", len(list), len(b))
		}
	})
}
