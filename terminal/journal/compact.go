package journal

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// maxClosed is how many closed batches the counters record keeps.
const maxClosed = 31

// Compact rewrites the journal with only the entries keep accepts (every
// entry still in doubt or owing slips is kept whatever keep says), plus
// the counters, so that the file does not grow without end. The new file
// is written beside the old one, fsynced and renamed over it, so a crash
// at any point leaves either the old journal or the new one, whole.
func (j *Journal) Compact(keep func(Entry) bool) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return fmt.Errorf("journal %s: %w", j.path, ErrClosed)
	}
	st := j.st
	if len(st.Closed) > maxClosed {
		st.Closed = st.Closed[len(st.Closed)-maxClosed:]
	}
	buf := []byte(fileMagic)
	add := func(r record) error {
		p, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("journal: encoding: %w", err)
		}
		buf = appendRecord(buf, p)
		return nil
	}
	if err := add(record{T: "state", State: &st}); err != nil {
		return err
	}
	var kept []Entry
	for _, e := range j.entries {
		if keep(e) || !e.State.Final() || e.SlipsOwed() {
			e := e
			if err := add(record{T: "entry", Entry: &e}); err != nil {
				return err
			}
			kept = append(kept, e)
		}
	}
	tmp := j.path + ".compact"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("journal: compact: %w", err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("journal: compact: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fail(err)
	}
	if _, err := f.Write(buf); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, j.path); err != nil {
		return fail(err)
	}
	if err := syncDir(filepath.Dir(j.path)); err != nil {
		// The rename happened; only its durability is in question.
		j.log(err)
	}
	j.f.Close()
	j.f, j.size, j.st = f, int64(len(buf)), st
	j.entries, j.index = kept, make(map[uint64]int, len(kept))
	for i, e := range kept {
		j.index[e.ID] = i
	}
	return nil
}

// log notes an error that does not fail the call.
func (j *Journal) log(err error) { j.lastWarn = err }

// Warning is the last problem that did not fail a call (nil if none).
func (j *Journal) Warning() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.lastWarn
}
