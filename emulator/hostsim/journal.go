package hostsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// journal is the state file: JSON lines, each one the trades and balances
// a change touched (whole records, last one wins), appended and fsynced
// before the reply that reports the change is sent. On open it is replayed
// and rewritten as one line, so it does not grow without bound across
// restarts.
type journal struct {
	f    *os.File
	path string
}

type journalLine struct {
	Seq      int64            `json:"seq"`
	Trades   []Trade          `json:"trades,omitempty"`
	Balances map[string]int64 `json:"balances,omitempty"`
}

// openJournal replays path into st and opens it for appending. A last
// line cut short by a crash is dropped (its reply was never sent); any
// other bad line is an error naming it.
func openJournal(path string, st *store) (*journal, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	lines := bytes.Split(data, []byte("\n"))
	for i, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var jl journalLine
		if err := json.Unmarshal(line, &jl); err != nil {
			if i == len(lines)-1 { // no newline after it: a torn write
				break
			}
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		st.apply(&jl)
	}
	j := &journal{path: path}
	if err := j.compact(st); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	j.f = f
	return j, nil
}

func (st *store) apply(jl *journalLine) {
	if jl.Seq > st.seq {
		st.seq = jl.Seq
	}
	for i := range jl.Trades {
		t := jl.Trades[i]
		if old := st.byOut[t.OutTradeNo]; old != nil && old.TradeNo != "" && old.TradeNo != t.TradeNo {
			delete(st.byNo, old.TradeNo)
		}
		st.byOut[t.OutTradeNo] = &t
		if t.TradeNo != "" {
			st.byNo[t.TradeNo] = &t
		}
	}
	for code, fen := range jl.Balances {
		st.balances[code] = fen
	}
}

// snapshot is every trade and balance as one journal line.
func (st *store) snapshot() journalLine {
	jl := journalLine{Seq: st.seq, Balances: map[string]int64{}}
	for _, t := range st.sorted() {
		jl.Trades = append(jl.Trades, t.clone())
	}
	for code, fen := range st.balances {
		jl.Balances[code] = fen
	}
	return jl
}

// compact replaces the file with a snapshot, atomically.
func (j *journal) compact(st *store) error {
	data, err := json.Marshal(st.snapshot())
	if err != nil {
		return err
	}
	tmp := j.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, j.path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(j.path))
	return nil
}

// write appends what changed and waits for the disk.
func (j *journal) write(st *store) error {
	jl := journalLine{Seq: st.seq}
	for t := range st.dirtyTrades {
		jl.Trades = append(jl.Trades, t.clone())
	}
	sort.Slice(jl.Trades, func(a, b int) bool { return jl.Trades[a].OutTradeNo < jl.Trades[b].OutTradeNo })
	if len(st.dirtyBuyers) > 0 {
		jl.Balances = map[string]int64{}
		for code := range st.dirtyBuyers {
			jl.Balances[code] = st.balances[code]
		}
	}
	data, err := json.Marshal(jl)
	if err != nil {
		return err
	}
	var size int64 = -1
	if fi, err := j.f.Stat(); err == nil {
		size = fi.Size()
	}
	_, err = j.f.Write(append(data, '\n'))
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil && size >= 0 {
		// Leave no half line for the next write to follow.
		j.f.Truncate(size)
	}
	return err
}

func (j *journal) close() error {
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// syncDir makes a rename durable; a failure only weakens that guarantee,
// so it is not reported.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
