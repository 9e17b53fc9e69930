package events

import (
	"sync"
	"time"
)

// Event is one thing a device did or had done to it.
type Event struct {
	Seq    uint64         `json:"seq"`
	Time   time.Time      `json:"time"`
	Device string         `json:"device"`           // "lcd", "keypad", …, or "emulator"
	Kind   string         `json:"kind"`             // e.g. "frame", "key", "unplug", "decode-error"
	Detail map[string]any `json:"detail,omitempty"` // kind-specific, JSON-encodable; never a secret
}

// Bus keeps the last events and fans new ones out to subscribers. The zero
// value is not usable; call NewBus.
type Bus struct {
	mu     sync.Mutex
	seq    uint64
	keep   int
	log    []Event // a ring of the last keep events; head is the oldest once full
	head   int
	subs   map[*Subscription]struct{}
	now    func() time.Time
	closed bool
}

// NewBus returns a bus that keeps the last keep events; now stamps them.
func NewBus(keep int, now func() time.Time) *Bus {
	if keep <= 0 {
		keep = 1024
	}
	if now == nil {
		now = time.Now
	}
	return &Bus{keep: keep, subs: map[*Subscription]struct{}{}, now: now}
}

// Publish records an event and hands it to every subscriber. A subscriber
// that has fallen behind by its whole buffer loses the event and is told so
// by Dropped; publishing never blocks a device.
func (b *Bus) Publish(device, kind string, detail map[string]any) Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	e := Event{Seq: b.seq, Time: b.now(), Device: device, Kind: kind, Detail: detail}
	if len(b.log) < b.keep {
		b.log = append(b.log, e)
	} else {
		b.log[b.head] = e
		b.head = (b.head + 1) % b.keep
	}
	for s := range b.subs {
		select {
		case s.c <- e:
		default:
			s.mu.Lock()
			s.dropped++
			s.mu.Unlock()
		}
	}
	return e
}

// Since returns the kept events with Seq > seq, oldest first.
func (b *Bus) Since(seq uint64) []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Event
	for i := range b.log {
		if e := b.log[(b.head+i)%len(b.log)]; e.Seq > seq {
			out = append(out, e)
		}
	}
	return out
}

// Last returns the sequence number of the newest event.
func (b *Bus) Last() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// Subscribe returns a subscription that receives every event published from
// now on. Close it when done.
func (b *Bus) Subscribe(buffer int) *Subscription {
	if buffer <= 0 {
		buffer = 256
	}
	s := &Subscription{bus: b, c: make(chan Event, buffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(s.c)
		return s
	}
	b.subs[s] = struct{}{}
	return s
}

// Close ends every subscription.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for s := range b.subs {
		close(s.c)
		delete(b.subs, s)
	}
}

// Subscription is one subscriber's stream of events.
type Subscription struct {
	bus     *Bus
	c       chan Event
	mu      sync.Mutex
	dropped int
}

// C delivers events; it is closed when the subscription or bus closes.
func (s *Subscription) C() <-chan Event { return s.c }

// Dropped counts events lost because the subscriber fell behind.
func (s *Subscription) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Close stops delivery and closes C.
func (s *Subscription) Close() {
	b := s.bus
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.c)
	}
}
