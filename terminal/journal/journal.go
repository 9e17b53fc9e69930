package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/posemu/posemu/clock"
)

// FileName is the journal's file inside the state directory.
const FileName = "journal.dat"

// MaxVoucher is the last voucher number; the next one is 1 again.
const MaxVoucher = 999999

// ErrLocked means another process has the journal open.
var ErrLocked = errors.New("journal is in use by another process")

// ErrClosed is returned by calls on a closed journal.
var ErrClosed = errors.New("journal closed")

// Options tune Open.
type Options struct {
	// Clock stamps Updated; clock.Real() if nil.
	Clock clock.Clock
	// NoSync skips fsync, for benchmarks only: a crash may then lose
	// records that callers were told are safe.
	NoSync bool
}

// record is one line of the journal: an entry snapshot or a counter state.
type record struct {
	T     string      `json:"t"` // "entry" or "state"
	Entry *Entry      `json:"e,omitempty"`
	State *state      `json:"s,omitempty"`
	Close *BatchClose `json:"c,omitempty"`
}

// state is what survives compaction besides entries.
type state struct {
	Batch       int          `json:"batch"`
	LastVoucher int          `json:"last_voucher"`
	LastID      uint64       `json:"last_id"`
	Closed      []BatchClose `json:"closed,omitempty"`
}

// Journal is an open journal. It is safe for concurrent use.
type Journal struct {
	path string
	opt  Options

	mu      sync.Mutex
	f       *os.File
	size    int64
	st      state
	entries []Entry // by ID ascending
	index   map[uint64]int
	torn    int

	lastWarn error
}

// Open opens (or creates) the journal in dir and replays it. A torn last
// record is dropped (see Torn); other damage is a *CorruptError. Only one
// process may hold a journal open.
func Open(dir string, opt Options) (*Journal, error) {
	if opt.Clock == nil {
		opt.Clock = clock.Real()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: state directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, ErrLocked)
	}
	// A compaction that crashed before its rename left this behind.
	os.Remove(path + ".compact")
	j := &Journal{path: path, opt: opt, f: f, index: map[uint64]int{}, st: state{Batch: 1}}
	if err := j.load(); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func (j *Journal) load() error {
	data, err := os.ReadFile(j.path)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	d, err := decode(j.path, data)
	if err != nil {
		return err
	}
	for i, p := range d.payloads {
		var r record
		if err := json.Unmarshal(p, &r); err != nil {
			return &CorruptError{Path: j.path, Reason: fmt.Sprintf("record %d: %v", i+1, err)}
		}
		j.apply(r)
	}
	j.torn = d.torn
	if d.valid < len(fileMagic) || d.torn > 0 {
		// Cut the torn write off so the next record follows good data.
		if err := j.f.Truncate(int64(d.valid)); err != nil {
			return fmt.Errorf("journal %s: dropping a torn record: %w", j.path, err)
		}
	}
	j.size = int64(d.valid)
	if j.size == 0 {
		if _, err := j.f.WriteAt([]byte(fileMagic), 0); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
		j.size = int64(len(fileMagic))
		if err := j.sync(); err != nil {
			return err
		}
		if err := syncDir(filepath.Dir(j.path)); err != nil {
			return err
		}
	}
	return nil
}

// apply replays one record into memory.
func (j *Journal) apply(r record) {
	switch r.T {
	case "state":
		if r.State != nil {
			closed := j.st.Closed
			j.st = *r.State
			if r.State.Closed == nil {
				j.st.Closed = closed
			}
		}
		if r.Close != nil {
			j.st.Closed = append(j.st.Closed, *r.Close)
		}
	case "entry":
		if r.Entry == nil {
			return
		}
		e := *r.Entry
		if i, ok := j.index[e.ID]; ok {
			j.entries[i] = e
			return
		}
		j.index[e.ID] = len(j.entries)
		j.entries = append(j.entries, e)
		// Only a newer entry moves the counters: a compacted file lists
		// old entries after the state record that holds them.
		if e.ID > j.st.LastID {
			j.st.LastID, j.st.LastVoucher = e.ID, e.Voucher
		}
	}
}

func (j *Journal) sync() error {
	if j.opt.NoSync {
		return nil
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: fsync: %w", j.path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("journal: fsync %s: %w", dir, err)
	}
	return nil
}

// write appends and fsyncs one record; the caller holds j.mu. A failed
// write is cut off again so the file never ends in a half record we know of.
func (j *Journal) write(r record) error {
	if j.f == nil {
		return fmt.Errorf("journal %s: %w", j.path, ErrClosed)
	}
	p, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("journal: encoding: %w", err)
	}
	buf := appendRecord(nil, p)
	if _, err := j.f.WriteAt(buf, j.size); err != nil {
		_ = j.f.Truncate(j.size)
		return fmt.Errorf("journal %s: write: %w", j.path, err)
	}
	if err := j.sync(); err != nil {
		_ = j.f.Truncate(j.size)
		return err
	}
	j.size += int64(len(buf))
	j.apply(r)
	return nil
}

// Begin writes a new entry before its request leaves the terminal. It
// assigns ID, Voucher, Batch, State Pending (unless set), Created and
// Updated, masks Account, and returns the entry as written. A caller that
// built request numbers from NextVoucher passes that voucher in Voucher;
// Begin refuses it if it is no longer the next one.
func (j *Journal) Begin(e Entry) (Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.opt.Clock.Now()
	next := j.st.LastVoucher%MaxVoucher + 1
	if e.Voucher != 0 && e.Voucher != next {
		return Entry{}, fmt.Errorf("journal: begin with voucher %06d, but the next voucher is %06d", e.Voucher, next)
	}
	e.ID = j.st.LastID + 1
	e.Voucher = next
	e.Batch = j.st.Batch
	if e.State == "" {
		e.State = Pending
	}
	e.Account = MaskCode(e.Account)
	e.Created, e.Updated = now, now
	if err := j.write(record{T: "entry", Entry: &e}); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Update writes a new snapshot of an existing entry (same ID).
func (j *Journal) Update(e Entry) (Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	i, ok := j.index[e.ID]
	if !ok {
		return Entry{}, fmt.Errorf("journal: update of entry %d, which was never begun", e.ID)
	}
	old := j.entries[i]
	// Identity fields are the journal's, not the caller's.
	e.Voucher, e.Batch, e.Created = old.Voucher, old.Batch, old.Created
	e.Account = MaskCode(e.Account)
	e.Updated = j.opt.Clock.Now()
	if err := j.write(record{T: "entry", Entry: &e}); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Close releases the journal.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// Path is the journal file.
func (j *Journal) Path() string { return j.path }

// Torn is how many bytes of a torn last record Open dropped (0 normally).
func (j *Journal) Torn() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.torn
}

// Batch is the open batch number.
func (j *Journal) Batch() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.st.Batch
}

// NextVoucher is the voucher number the next Begin will assign.
func (j *Journal) NextVoucher() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.st.LastVoucher%MaxVoucher + 1
}

// Closed lists the batches closed so far (oldest first).
func (j *Journal) Closed() []BatchClose {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]BatchClose(nil), j.st.Closed...)
}

// CloseBatch records the end of the open batch with its totals and opens
// the next one (after 999999 comes 1).
func (j *Journal) CloseBatch(matched bool) (BatchClose, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := BatchClose{Batch: j.st.Batch, ClosedAt: j.opt.Clock.Now(), Totals: j.totals(j.st.Batch), Matched: matched}
	next := j.st
	next.Closed = nil
	next.Batch = j.st.Batch%MaxVoucher + 1
	if err := j.write(record{T: "state", State: &next, Close: &c}); err != nil {
		return BatchClose{}, err
	}
	return c, nil
}

// Entries returns a copy of every entry, oldest first.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Entry(nil), j.entries...)
}

// Get returns the entry with id.
func (j *Journal) Get(id uint64) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	i, ok := j.index[id]
	if !ok {
		return Entry{}, false
	}
	return j.entries[i], true
}

// InDoubt lists the entries whose outcome is not known (Pending or
// InDoubt), oldest first: each must be resolved before the next trade.
func (j *Journal) InDoubt() []Entry {
	return j.filter(func(e Entry) bool { return e.State == Pending || e.State == InDoubt })
}

// SlipsOwed lists approved entries whose slips did not all come out.
func (j *Journal) SlipsOwed() []Entry {
	return j.filter(Entry.SlipsOwed)
}

func (j *Journal) filter(keep func(Entry) bool) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Entry
	for _, e := range j.entries {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// Last returns the newest entry.
func (j *Journal) Last() (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) == 0 {
		return Entry{}, false
	}
	return j.entries[len(j.entries)-1], true
}

// ByVoucher returns the newest entry with voucher v (numbers wrap, so the
// newest is the one meant).
func (j *Journal) ByVoucher(v int) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := len(j.entries) - 1; i >= 0; i-- {
		if j.entries[i].Voucher == v {
			return j.entries[i], true
		}
	}
	return Entry{}, false
}

// Refunded is how much of sale id has been refunded or voided (approved
// refunds and voids that name it as their original).
func (j *Journal) Refunded(id uint64) int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	var sum int64
	for _, e := range j.entries {
		if e.OrigID == id && e.State == Approved && (e.Kind == Refund || e.Kind == Void) {
			sum += e.Amount
		}
	}
	return sum
}

// Totals sums batch's approved entries.
func (j *Journal) Totals(batch int) Totals {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.totals(batch)
}

func (j *Journal) totals(batch int) Totals {
	t := Totals{Batch: batch}
	for _, e := range j.entries {
		if e.Batch == batch && e.State == Approved {
			t.add(e)
		}
	}
	return t
}

// SalesSince sums approved sales created at or after t, less what was
// voided or refunded of them: the daily-total risk limit's measure.
func (j *Journal) SalesSince(t time.Time) int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	var sum int64
	for _, e := range j.entries {
		if e.Created.Before(t) || e.State != Approved {
			continue
		}
		switch {
		case e.Kind.IsSale():
			sum += e.Amount
		case e.Kind == Void || e.Kind == Refund:
			sum -= e.Amount
		}
	}
	return sum
}

// Vouchers returns the sorted voucher numbers in batch, for tests and dumps.
func (j *Journal) Vouchers(batch int) []int {
	var v []int
	for _, e := range j.filter(func(e Entry) bool { return e.Batch == batch }) {
		v = append(v, e.Voucher)
	}
	sort.Ints(v)
	return v
}
