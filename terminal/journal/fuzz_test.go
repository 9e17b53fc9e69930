package journal

import (
	"bytes"
	"testing"
)

// FuzzReadJournal feeds arbitrary file contents to the decoder: it must
// not panic, a clean decode must re-encode to the same valid prefix, and
// valid+torn must account for every byte.
func FuzzReadJournal(f *testing.F) {
	good := appendRecord(appendRecord([]byte(fileMagic), []byte(`{"t":"entry","e":{"id":1,"voucher":1}}`)), []byte(`{"t":"state","s":{"batch":2}}`))
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add(append(append([]byte{}, good...), 0, 0, 0, 0))
	f.Add([]byte(fileMagic))
	f.Add([]byte("POSJ"))
	f.Add([]byte{})
	f.Add(append([]byte(fileMagic), 0xA5, 0xFF, 0xFF, 0xFF, 0xFF))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := decode("fuzz", data)
		if err != nil {
			return
		}
		if d.valid+d.torn != len(data) && !(d.valid == 0 && d.torn == len(data)) {
			t.Fatalf("valid %d + torn %d != %d", d.valid, d.torn, len(data))
		}
		if d.valid == 0 {
			return
		}
		re := []byte(fileMagic)
		for _, p := range d.payloads {
			re = appendRecord(re, p)
		}
		if !bytes.Equal(re, data[:d.valid]) {
			t.Fatalf("re-encoding differs from the valid prefix")
		}
	})
}
