package printer_test

import (
	"testing"

	"github.com/posemu/posemu/drivers/printer"
)

// FuzzParseStatus feeds arbitrary reply bytes to the status parser: it
// must never panic, and a result it accepts is made of DLE EOT replies.
func FuzzParseStatus(f *testing.F) {
	for _, seed := range [][]byte{
		{0x12, 0x12, 0x12, 0x12},
		{0x1A, 0x32, 0x12, 0x7E},
		{0x18, 0x00, 0x0C, 0x00, 0x1A, 0x10, 0x00, 0x00, 0x00, 0x32, 0x12, 0x7E},
		{0x10, 0x12, 0x12, 0x12, 0x16, 0x12, 0x12, 0x12},
		{0x00, 0x0F, 0x12, 0x80, 0xFF, 0x12, 0x12, 0x12},
		{0x10},
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := printer.ParseStatus(b)
		if err != nil {
			return
		}
		for i, r := range s.Raw {
			if !printer.IsEOTReply(r) {
				t.Fatalf("reply %d = %#x is not a DLE EOT reply (input % X)", i+1, r, b)
			}
		}
		_ = s.String()
	})
}
