package scanner

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzScannerFrames feeds arbitrary bytes through the framing: it must never
// panic, never return a code longer than MaxLength or holding a suffix
// byte, and report every refusal as ErrTooLong.
func FuzzScannerFrames(f *testing.F) {
	f.Add([]byte("281234567890123456\r"), false, false, "", uint8(128))
	f.Add([]byte("S:]Q1ABC\r\n\r\n]C0123\r"), true, true, "S:", uint8(10))
	f.Add([]byte("0123456789ABCDEF\r12\r"), false, false, "", uint8(8))
	f.Add([]byte("\r\n\n\r]]]\r"), true, true, "]", uint8(1))
	f.Add([]byte{0x00, 0xFF, 0x0D, 0x80, 0x0A}, false, true, "", uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, crlf, aim bool, prefix string, max uint8) {
		suffix := "\r"
		if crlf {
			suffix = "\r\n"
		}
		limit := int(max)%200 + 1
		fr := newFramer(suffix, prefix, aim, limit)
		for _, b := range data {
			code, done, err := fr.push(b)
			if !done {
				if code != "" || err != nil {
					t.Fatalf("not done but code %q err %v", code, err)
				}
				continue
			}
			if err != nil {
				if !errors.Is(err, ErrTooLong) || code != "" {
					t.Fatalf("refusal %v with code %q", err, code)
				}
				continue
			}
			if code == "" {
				t.Fatal("done with an empty code")
			}
			if len(code) > limit {
				t.Fatalf("code of %d bytes, max %d", len(code), limit)
			}
			if bytes.ContainsAny([]byte(code), suffix+"\r\n") {
				t.Fatalf("code %q holds a suffix byte", code)
			}
		}
		if fr.partial() && len(fr.buf) > fr.limit {
			t.Fatalf("%d bytes buffered, limit %d", len(fr.buf), fr.limit)
		}
		fr.abandon()
		if fr.partial() || fr.discarding {
			t.Fatal("abandon left state behind")
		}
	})
}
