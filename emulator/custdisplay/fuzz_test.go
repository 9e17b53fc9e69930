package custdisplay

import (
	"testing"
	"unicode/utf8"

	"github.com/posemu/posemu/profile"
)

// FuzzDMD feeds arbitrary bytes, whole and split at a point the input
// chooses, and checks the screen stays in bounds and splitting changes
// nothing.
func FuzzDMD(f *testing.F) {
	seeds := [][]byte{
		[]byte("\x1b@\x0cHELLO\x1f\x24\x01\x02WORLD"),
		[]byte("\x1f\x02ABCDEFGHIJKLMNOPQRSTabcdefghijklmnopqrstXYZ"),
		[]byte("\x1f\x03\x0bABCDEFGHIJKLMNOPQRSTUVWXYZ\x08\x08\x09"),
		[]byte("\x1f\x01\x1f\x24\x14\x02!?\x0a\x1f\x0a\x18\x0d"),
		[]byte("\x1f\x43\x00\x1f\x58\x02\x1f\x58\x09\x1f\x24\x00\x00"),
		[]byte("\x1bQATOTAL\r\x1bQB     CNY 12.50\r\x1bs2"),
		[]byte("\x1bQDTHANK YOU FOR SHOPPING WITH US TODAY\rX"),
		[]byte("\x1bl\x05\x02\x1b[A\x1b[C\x1b[K\x1b\x12\x1b\x13\x1b_\x01\x1b*\x04"),
		[]byte("\x1b\x7a\x1f\x99\x1b\x0c\x00\x1bQZ\x1bQAcut\x1b@\x1b["),
		[]byte("\x1bt\x10\x80\x9c\xff\x1bt\x01\x1f\x23\x01\x02\x1fE\x05"),
	}
	for _, s := range seeds {
		f.Add(s, uint8(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		p := profile.CustDisplay{Columns: 20, Rows: 2, CommandSet: "dmd"}
		whole, split := New(p, nil), New(p, nil)
		whole.Feed(data)
		at := min(int(cut), len(data))
		split.Feed(data[:at])
		split.Feed(data[at:])

		col, row := whole.Cursor()
		if col < 1 || col > 20 || row < 1 || row > 2 {
			t.Fatalf("cursor (%d,%d) off a 20×2 screen", col, row)
		}
		lines := whole.Lines()
		if len(lines) != 2 {
			t.Fatalf("%d lines, want 2", len(lines))
		}
		for i, l := range lines {
			if n := utf8.RuneCountInString(l); n > 20 {
				t.Fatalf("line %d has %d runes: %q", i+1, n, l)
			}
		}
		if b := whole.Brightness(); b < 1 || b > 4 {
			t.Fatalf("brightness %d", b)
		}
		if whole.Stats().Bytes != int64(len(data)) {
			t.Fatalf("counted %d bytes of %d", whole.Stats().Bytes, len(data))
		}
		a, b := whole.snapshot(), split.snapshot()
		if a != b || whole.Stats() != split.Stats() {
			t.Fatalf("split at %d differs:\nwhole %+v\nsplit %+v", at, a, b)
		}
	})
}

func BenchmarkFeed(b *testing.B) {
	m := New(profile.CustDisplay{Columns: 20, Rows: 2}, nil)
	stream := []byte("\x0c\x1f\x24\x01\x01ITEM 1          \x1f\x24\x01\x02       CNY 12.50\x1bQATOTAL\r")
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		m.Feed(stream)
	}
}
