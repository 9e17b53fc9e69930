package keypad

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/profile"
)

// Kind says what an Event reports.
type Kind int

const (
	// KeyPress is one key, by name, as the key map names it.
	KeyPress Kind = iota + 1
	// Disconnected means the keypad went away; Err says how.
	Disconnected
	// Reconnected means the port was opened again after a Disconnected.
	Reconnected
)

func (k Kind) String() string {
	switch k {
	case KeyPress:
		return "key"
	case Disconnected:
		return "disconnected"
	case Reconnected:
		return "reconnected"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Event is what the keypad did.
type Event struct {
	Kind  Kind
	Key   string // key name, e.g. "5", "00", "ENTER" (KeyPress only)
	Code  byte   // byte the keypad sent (KeyPress only)
	Label string // the key's printed label, e.g. "确认", when the key map has one
	Time  time.Time
	Err   error // why the keypad went away (Disconnected only)
}

func (e Event) String() string {
	switch e.Kind {
	case KeyPress:
		return fmt.Sprintf("key %s (0x%02X)", e.Key, e.Code)
	case Disconnected:
		return fmt.Sprintf("disconnected: %v", e.Err)
	}
	return e.Kind.String()
}

// Config tunes a Keypad; the zero value is usable.
type Config struct {
	// Clock stamps events and paces reopen attempts; clock.Real() if nil.
	Clock clock.Clock
	// Reopen, if set, opens the port again after a disconnect. The driver
	// retries with a backoff from MinBackoff doubling to MaxBackoff until
	// it succeeds or the keypad is closed. Without it a disconnect ends
	// the event stream.
	Reopen port.Opener
	// Logger receives unknown bytes, disconnects and reconnects;
	// slog.Default() if nil.
	Logger *slog.Logger
	// Buffer is the capacity of the event channel (default 64). When it is
	// full the reader stops reading and the port's own buffer holds the
	// keys, so none are lost to a slow consumer.
	Buffer int
	// MinBackoff and MaxBackoff bound the reopen delay (default 50 ms, 1 s).
	MinBackoff, MaxBackoff time.Duration
}

// Stats counts what the reader has seen since New.
type Stats struct {
	Keys        uint64 // key presses delivered
	Unknown     uint64 // bytes not in the key map, dropped
	Disconnects uint64
	Reconnects  uint64
}

// Keypad is a running keypad driver.
type Keypad struct {
	cfg   Config
	keys  *keymap
	log   *slog.Logger
	evc   chan Event
	done  chan struct{}
	ended chan struct{}

	mu       sync.Mutex
	port     port.Port // nil while disconnected
	addr     string
	closed   bool
	closeErr error
	once     sync.Once

	nKeys, nUnknown, nDisc, nReconn atomic.Uint64
}

// New starts reading key presses from p, decoding them with keys (usually
// profile.Keypad.Keys). The driver owns p from now on and closes it.
func New(p port.Port, keys []profile.Key, cfg Config) *Keypad {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 64
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 50 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(time.Second, cfg.MinBackoff)
	}
	k := &Keypad{
		cfg:   cfg,
		keys:  newKeymap(keys),
		log:   cfg.Logger,
		evc:   make(chan Event, cfg.Buffer),
		done:  make(chan struct{}),
		ended: make(chan struct{}),
		port:  p,
		addr:  p.Address(),
	}
	if k.log == nil {
		k.log = slog.Default()
	}
	go k.run(p)
	return k
}

// Events delivers key presses and connection changes in order. It is closed
// when the keypad is closed, or after a Disconnected event when there is no
// Reopen.
func (k *Keypad) Events() <-chan Event { return k.evc }

// Next waits for the next event of any kind.
func (k *Keypad) Next(ctx context.Context) (Event, error) {
	select {
	case e, ok := <-k.evc:
		if !ok {
			return Event{}, fmt.Errorf("keypad %s: %w", k.Address(), ErrClosed)
		}
		return e, nil
	case <-ctx.Done():
		return Event{}, fmt.Errorf("keypad %s: waiting for a key: %w", k.Address(), ctx.Err())
	}
}

// Stats returns the counters.
func (k *Keypad) Stats() Stats {
	return Stats{Keys: k.nKeys.Load(), Unknown: k.nUnknown.Load(), Disconnects: k.nDisc.Load(), Reconnects: k.nReconn.Load()}
}

// Address is the address of the port, the last one opened.
func (k *Keypad) Address() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.addr
}

// Close stops the reader, closes the port and waits until the reader
// goroutine has returned.
func (k *Keypad) Close() error {
	k.once.Do(func() {
		k.mu.Lock()
		k.closed = true
		p := k.port
		k.port = nil
		k.mu.Unlock()
		close(k.done)
		if p != nil {
			// A deadline in the past wakes a blocked read even on a port
			// whose Close does not.
			_ = p.SetReadDeadline(time.Now())
			k.closeErr = p.Close()
		}
	})
	<-k.ended
	return k.closeErr
}

func (k *Keypad) run(p port.Port) {
	defer close(k.ended)
	defer close(k.evc)
	_ = p.SetReadDeadline(time.Time{})
	buf := make([]byte, 64)
	for {
		n, err := p.Read(buf)
		if n > 0 && !k.deliver(buf[:n]) {
			return
		}
		if err == nil {
			continue
		}
		// Our own Close fails the read with os.ErrClosed (or the deadline
		// it set), which is an end, not a disconnect.
		if k.closing() {
			return
		}
		if port.IsTimeout(err) {
			continue
		}
		p = k.lost(p, err)
		if p == nil {
			return
		}
	}
}

// deliver decodes p and sends its key presses; false means closed.
func (k *Keypad) deliver(p []byte) bool {
	ok := true
	k.keys.decode(p, func(key profile.Key) {
		if !ok {
			return
		}
		k.nKeys.Add(1)
		ok = k.send(Event{Kind: KeyPress, Key: key.Name, Code: key.Code, Label: key.Label, Time: k.cfg.Clock.Now()})
	}, func(b byte) {
		k.nUnknown.Add(1)
		k.log.Warn("keypad: byte is not in the key map, dropped", "byte", fmt.Sprintf("0x%02X", b), "port", k.Address())
	})
	return ok
}

// lost handles a failed port: it reports the disconnect and, with Reopen,
// returns the reopened port; nil means stop.
func (k *Keypad) lost(p port.Port, err error) port.Port {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return nil
	}
	k.port = nil
	addr := k.addr
	k.mu.Unlock()
	_ = p.Close()

	derr := fmt.Errorf("keypad %s: %w", addr, err)
	if !errors.Is(err, port.ErrDisconnected) {
		// Any other failed read is handled like an unplug, so a consumer
		// needs to watch for one error only.
		derr = fmt.Errorf("keypad %s: read failed, port dropped: %w: %w", addr, port.ErrDisconnected, err)
	}
	k.nDisc.Add(1)
	k.log.Warn("keypad: disconnected", "port", addr, "err", err, "reopen", k.cfg.Reopen != nil)
	if !k.send(Event{Kind: Disconnected, Time: k.cfg.Clock.Now(), Err: derr}) || k.cfg.Reopen == nil {
		return nil
	}
	np := k.reopen()
	if np == nil {
		return nil
	}
	k.nReconn.Add(1)
	k.log.Info("keypad: reconnected", "port", k.Address())
	if !k.send(Event{Kind: Reconnected, Time: k.cfg.Clock.Now()}) {
		return nil
	}
	return np
}

func (k *Keypad) reopen() port.Port {
	delay := k.cfg.MinBackoff
	for attempt := 1; ; attempt++ {
		select {
		case <-k.done:
			return nil
		case <-k.cfg.Clock.After(delay):
		}
		p, err := k.cfg.Reopen()
		if err != nil {
			k.log.Debug("keypad: reopen failed", "attempt", attempt, "err", err)
			delay = min(2*delay, k.cfg.MaxBackoff)
			continue
		}
		k.mu.Lock()
		if k.closed {
			k.mu.Unlock()
			_ = p.Close()
			return nil
		}
		k.port, k.addr = p, p.Address()
		k.mu.Unlock()
		_ = p.SetReadDeadline(time.Time{})
		return p
	}
}

func (k *Keypad) send(e Event) bool {
	select {
	case k.evc <- e:
		return true
	case <-k.done:
		return false
	}
}

func (k *Keypad) closing() bool {
	select {
	case <-k.done:
		return true
	default:
		return false
	}
}
