package custdisplay_test

import (
	"strings"
	"testing"
	"time"

	"github.com/posemu/posemu/drivers/custdisplay"
	emu "github.com/posemu/posemu/emulator/custdisplay"
	"github.com/posemu/posemu/profile"
)

// FuzzWriteLine checks, for any text, that what the driver sends makes the
// model show exactly that text made ASCII and clipped, in both command sets,
// with no decode error: driver and model were written independently.
func FuzzWriteLine(f *testing.F) {
	for _, s := range []string{"", "TOTAL", "合计 12.50", "A\rB\x1b@", strings.Repeat("x", 30), "\x00\x7f\xff"} {
		f.Add(s, uint8(1))
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, text string, row uint8) {
		if row < 1 || row > 2 {
			return
		}
		for _, set := range []string{custdisplay.DMD, custdisplay.CD5220} {
			fp := &fakePort{}
			d := custdisplay.New(fp, custdisplay.Config{Columns: 20, Rows: 2, CommandSet: set})
			if err := d.WriteLine(int(row), text); err != nil {
				t.Fatalf("%s: %v", set, err)
			}
			m := emu.New(profile.CustDisplay{Columns: 20, Rows: 2, CommandSet: set}, nil)
			m.Feed(fp.take())
			want := custdisplay.ASCII(text)
			want = strings.TrimRight(want[:min(len(want), 20)], " ")
			if got := m.Lines()[row-1]; got != want {
				t.Fatalf("%s: line %d shows %q, want %q", set, row, got, want)
			}
			if e := m.Stats().DecodeErrors; e != 0 {
				t.Fatalf("%s: %d decode errors", set, e)
			}
		}
	})
}

type discardPort struct{}

func (discardPort) Write(p []byte) (int, error)     { return len(p), nil }
func (discardPort) Read([]byte) (int, error)        { select {} }
func (discardPort) Close() error                    { return nil }
func (discardPort) SetReadDeadline(time.Time) error { return nil }
func (discardPort) Address() string                 { return "discard" }

func BenchmarkShowAmount(b *testing.B) {
	d := custdisplay.New(discardPort{}, custdisplay.Config{})
	for b.Loop() {
		if err := d.ShowAmount("TOTAL", 123456); err != nil {
			b.Fatal(err)
		}
	}
}
