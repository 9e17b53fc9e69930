package harness

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/posemu/posemu/terminal/journal"
)

// The harness reads the application's journal file itself, from the disk,
// with a decoder of its own (docs/terminal.md gives the format): what it
// sees is what a restart would replay, not what the application holds in
// memory, and a journal.Open would fight the running application for the
// file's lock.

// journalMagic starts every journal file.
const journalMagic = "POSJRNL\x01"

// journalFile is what the harness found in a journal file.
type journalFile struct {
	Entries []journal.Entry      // newest snapshot of each entry, by id
	Closed  []journal.BatchClose // batches closed, oldest first
	Batch   int                  // the open batch
	Raw     []byte               // the file's bytes
	Bad     int                  // bytes after the last good record (a torn or damaged tail)
}

// readJournal reads the journal in dir; a missing file is an empty journal.
func readJournal(dir string) (*journalFile, error) {
	data, err := os.ReadFile(filepath.Join(dir, journal.FileName))
	if errors.Is(err, os.ErrNotExist) {
		return &journalFile{Batch: 1}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseJournal(data)
}

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// parseJournal decodes a journal file's bytes: the magic, then records
// 0xA5 | length u32 LE | CRC-32C u32 LE of (length bytes + payload) |
// payload (JSON). Decoding stops at the first record that does not check
// out; what follows is counted in Bad.
func parseJournal(data []byte) (*journalFile, error) {
	jf := &journalFile{Raw: data, Batch: 1}
	if len(data) == 0 {
		return jf, nil
	}
	if len(data) < len(journalMagic) || string(data[:len(journalMagic)]) != journalMagic {
		return nil, fmt.Errorf("not a journal: the file does not start with %q", journalMagic)
	}
	byID := map[uint64]int{}
	off := len(journalMagic)
	for off < len(data) {
		if len(data)-off < 9 || data[off] != 0xA5 {
			break
		}
		n := binary.LittleEndian.Uint32(data[off+1 : off+5])
		if uint64(n) > uint64(len(data)-off-9) {
			break
		}
		end := off + 9 + int(n)
		sum := crc32.Update(crc32.Update(0, crc32c, data[off+1:off+5]), crc32c, data[off+9:end])
		if sum != binary.LittleEndian.Uint32(data[off+5:off+9]) {
			break
		}
		var rec struct {
			T     string         `json:"t"`
			Entry *journal.Entry `json:"e"`
			State *struct {
				Batch  int                  `json:"batch"`
				Closed []journal.BatchClose `json:"closed"`
			} `json:"s"`
			Close *journal.BatchClose `json:"c"`
		}
		if err := json.Unmarshal(data[off+9:end], &rec); err != nil {
			return nil, fmt.Errorf("journal record at byte %d: %w", off, err)
		}
		switch {
		case rec.Entry != nil:
			if i, ok := byID[rec.Entry.ID]; ok {
				jf.Entries[i] = *rec.Entry
			} else {
				byID[rec.Entry.ID] = len(jf.Entries)
				jf.Entries = append(jf.Entries, *rec.Entry)
			}
		case rec.T == "state":
			// A state record carries the counters, and either the whole
			// list of closed batches (compaction) or none (keep the list);
			// a settlement's adds the batch it closed.
			if rec.State != nil {
				if rec.State.Batch > 0 {
					jf.Batch = rec.State.Batch
				}
				if rec.State.Closed != nil {
					jf.Closed = rec.State.Closed
				}
			}
			if rec.Close != nil {
				jf.Closed = append(jf.Closed, *rec.Close)
			}
		}
		off = end
	}
	jf.Bad = len(data) - off
	slices.SortFunc(jf.Entries, func(a, b journal.Entry) int { return int(a.ID) - int(b.ID) })
	return jf, nil
}

// entryLine is one entry as failure messages show it.
func entryLine(e journal.Entry) string {
	s := fmt.Sprintf("%s %s %s %s yuan", e.VoucherNo(), e.Kind, e.State, yuanOf(e.Amount))
	if e.Account != "" {
		s += ", account " + e.Account
	}
	if e.SubCode != "" {
		s += ", " + e.SubCode
	}
	if e.OrigVoucher != 0 {
		s += fmt.Sprintf(", of %06d", e.OrigVoucher)
	}
	s += fmt.Sprintf(", batch %s, slips %d", e.BatchNo(), e.Slips)
	if e.Reprints > 0 {
		s += fmt.Sprintf(", reprints %d", e.Reprints)
	}
	return s
}

func (jf *journalFile) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "journal: %d entries, batch %06d open", len(jf.Entries), jf.Batch)
	for _, c := range jf.Closed {
		fmt.Fprintf(&b, ", batch %06d closed (matched %t)", c.Batch, c.Matched)
	}
	if jf.Bad > 0 {
		fmt.Fprintf(&b, ", %d bytes after the last good record", jf.Bad)
	}
	for _, e := range jf.Entries {
		b.WriteString("\n  " + entryLine(e))
	}
	return b.String()
}

func yuanOf(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
