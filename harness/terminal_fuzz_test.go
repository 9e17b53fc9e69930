package harness

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/terminal/journal"
)

// FuzzParseJournal feeds the harness's journal reader anything: it must
// return what it found or an error, never panic, and never claim more
// good bytes than it was given.
func FuzzParseJournal(f *testing.F) {
	dir := f.TempDir()
	j, err := journal.Open(dir, journal.Options{Clock: clock.NewVirtual(DefaultClockStart)})
	if err != nil {
		f.Fatal(err)
	}
	e, _ := j.Begin(journal.Entry{Kind: journal.Sale, Amount: 100, OutTradeNo: "T1", Account: "281234567890123456"})
	e.State = journal.Approved
	j.Update(e)
	j.CloseBatch(true)
	j.Close()
	data, err := os.ReadFile(filepath.Join(dir, journal.FileName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)-3])
	f.Add([]byte(journalMagic))
	f.Add([]byte(journalMagic + "\xa5\x05\x00\x00\x00\x00\x00\x00\x00{}{}x"))
	f.Add([]byte("POSJRNL"))
	f.Fuzz(func(t *testing.T, b []byte) {
		jf, err := parseJournal(b)
		if err != nil {
			return
		}
		if jf.Bad < 0 || jf.Bad > len(b) {
			t.Fatalf("%d bad bytes of %d", jf.Bad, len(b))
		}
		for _, e := range jf.Entries {
			_ = entryLine(e)
		}
		_ = jf.describe()
	})
}
