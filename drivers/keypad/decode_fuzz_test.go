package keypad

import (
	"testing"

	"github.com/posemu/posemu/profile"
)

// FuzzKeypadDecode checks that every received byte becomes exactly one key
// press (the key the profile maps it to) or one unknown byte, in order.
func FuzzKeypadDecode(f *testing.F) {
	keys := profile.Default().Keypad
	f.Add([]byte("12.50\r"))
	f.Add([]byte{0x3A, 0x1B, 0x08, 0x1C, 0x07, 0x05, 0x06, 0x15, 0x14})
	f.Add([]byte{0xEE, 0xFF, 0x00, 0x31})
	f.Add([]byte{})
	m := newKeymap(keys.Keys)
	f.Fuzz(func(t *testing.T, data []byte) {
		i := 0
		m.decode(data, func(k profile.Key) {
			want, ok := keys.KeyByCode(data[i])
			if !ok || want != k {
				t.Fatalf("byte %d 0x%02X decoded as %+v, key map says %+v (%v)", i, data[i], k, want, ok)
			}
			i++
		}, func(b byte) {
			if b != data[i] {
				t.Fatalf("byte %d: unknown 0x%02X reported, 0x%02X received", i, b, data[i])
			}
			if _, ok := keys.KeyByCode(b); ok {
				t.Fatalf("byte %d 0x%02X is in the key map but was reported unknown", i, b)
			}
			i++
		})
		if i != len(data) {
			t.Fatalf("%d of %d bytes decoded", i, len(data))
		}
	})
}
