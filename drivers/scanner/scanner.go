package scanner

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
)

// pollSlice bounds each port read so Read notices a cancelled context
// (which, unlike a deadline, cannot be handed to the port) promptly.
const pollSlice = 50 * time.Millisecond

// Config is the scanner's framing and timing; the zero value is usable.
type Config struct {
	// Suffix ends each code; "\r" if empty. "\r\n" is accepted, and CR and
	// LF end a code whatever the suffix is.
	Suffix string
	// Prefix, if set, is stripped from the front of each code.
	Prefix string
	// AIM strips an AIM symbology identifier ("]Xn", e.g. "]Q1") from the
	// front of each code (after Prefix).
	AIM bool
	// MaxLength is the longest code accepted, in bytes; 128 if zero.
	MaxLength int
	// Timeout, if set, makes Read give up when no code arrives in time, as
	// a context deadline does.
	Timeout time.Duration
	// InterCharTimeout is how long the bytes of one code may pause before
	// the code is given up as incomplete; 100 ms if zero. Scanners send a
	// code as one burst, so a long pause means the rest was lost.
	InterCharTimeout time.Duration
	// Clock paces reopen attempts; clock.Real() if nil. Timeouts on the
	// port itself are wall-clock time, as the port's deadlines are.
	Clock clock.Clock
	// Reopen, if set, opens the port again after a disconnect: the Read
	// that saw the disconnect returns it, and the next Read retries with a
	// backoff from MinBackoff doubling to MaxBackoff until the port is
	// back, its context ends, or the scanner is closed.
	Reopen port.Opener
	// MinBackoff and MaxBackoff bound the reopen delay (default 50 ms, 1 s).
	MinBackoff, MaxBackoff time.Duration
	// Logger receives refused codes and connection changes (never the
	// codes themselves); slog.Default() if nil.
	Logger *slog.Logger
}

// Stats counts what Read has seen since New.
type Stats struct {
	Codes       uint64 // codes returned
	TooLong     uint64
	Incomplete  uint64
	Disconnects uint64
	Reconnects  uint64
}

// Scanner reads codes from one scanner port.
type Scanner struct {
	cfg Config
	log *slog.Logger
	f   *framer

	readMu sync.Mutex // one Read at a time; guards the fields below it
	buf    []byte
	pend   []byte    // bytes read from the port but not yet framed
	last   time.Time // when the last bytes arrived

	mu     sync.Mutex
	port   port.Port // nil while disconnected
	addr   string
	lost   error // the disconnect, while port is nil
	closed bool
	done   chan struct{}

	nCodes, nLong, nIncomplete, nDisc, nReconn atomic.Uint64
}

// New returns a scanner reading codes from p. The scanner owns p from now
// on and closes it.
func New(p port.Port, cfg Config) *Scanner {
	if cfg.Suffix == "" {
		cfg.Suffix = "\r"
	}
	if cfg.MaxLength <= 0 {
		cfg.MaxLength = 128
	}
	if cfg.InterCharTimeout <= 0 {
		cfg.InterCharTimeout = 100 * time.Millisecond
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 50 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(time.Second, cfg.MinBackoff)
	}
	s := &Scanner{
		cfg:  cfg,
		log:  cfg.Logger,
		f:    newFramer(cfg.Suffix, cfg.Prefix, cfg.AIM, cfg.MaxLength),
		buf:  make([]byte, 512),
		port: p,
		addr: p.Address(),
		done: make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Address is the address of the port, the last one opened.
func (s *Scanner) Address() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Stats returns the counters.
func (s *Scanner) Stats() Stats {
	return Stats{Codes: s.nCodes.Load(), TooLong: s.nLong.Load(), Incomplete: s.nIncomplete.Load(),
		Disconnects: s.nDisc.Load(), Reconnects: s.nReconn.Load()}
}

// ReadTimeout is Read with a context that ends after d.
func (s *Scanner) ReadTimeout(d time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return s.Read(ctx)
}

// Read waits for the next whole code and returns it without prefix, AIM
// identifier or suffix. Its errors wrap ErrTooLong or ErrIncomplete for a
// code refused (the next Read carries on with the following code),
// port.ErrDisconnected when the scanner went away, ErrClosed after Close,
// and the context's error (context.DeadlineExceeded also for
// Config.Timeout) when no code came in time. A code cut off by the end of
// the context is kept, and the next Read may complete it.
func (s *Scanner) Read(ctx context.Context) (string, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if s.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
	}
	for {
		if code, done, err := s.frame(); done {
			return code, err
		}
		p, err := s.current(ctx)
		if err != nil {
			return "", err
		}
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("scanner %s: no code: %w", s.Address(), err)
		}
		deadline := time.Now().Add(pollSlice)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		if s.f.partial() {
			if d := s.last.Add(s.cfg.InterCharTimeout); d.Before(deadline) {
				deadline = d
			}
		}
		_ = p.SetReadDeadline(deadline)
		n, err := p.Read(s.buf)
		if n > 0 {
			s.last = time.Now()
			s.pend = s.buf[:n]
		}
		if err == nil || n > 0 && port.IsTimeout(err) {
			continue
		}
		if port.IsTimeout(err) {
			if time.Since(s.last) >= s.cfg.InterCharTimeout {
				if s.f.partial() {
					dropped := s.f.abandon()
					s.nIncomplete.Add(1)
					s.log.Warn("scanner: incomplete code discarded", "port", s.Address(), "bytes", dropped)
					return "", fmt.Errorf("scanner %s: %d bytes without a suffix, then nothing for %s; discarded: %w",
						s.Address(), dropped, s.cfg.InterCharTimeout, ErrIncomplete)
				}
				// The rest of a too-long code is not coming; stop skipping
				// so the next code is not eaten.
				s.f.abandon()
			}
			continue
		}
		return "", s.disconnected(p, err)
	}
}

// frame runs buffered bytes through the framer until a code or a refusal.
func (s *Scanner) frame() (string, bool, error) {
	for len(s.pend) > 0 {
		b := s.pend[0]
		s.pend = s.pend[1:]
		code, done, err := s.f.push(b)
		if !done {
			continue
		}
		if err != nil {
			s.nLong.Add(1)
			s.log.Warn("scanner: code too long, skipped to the next suffix", "port", s.Address(), "max", s.cfg.MaxLength)
			return "", true, fmt.Errorf("scanner %s: code longer than %d bytes, skipped to the next suffix: %w",
				s.Address(), s.cfg.MaxLength, err)
		}
		s.nCodes.Add(1)
		return code, true, nil
	}
	return "", false, nil
}

// current returns the open port, reopening it if it was lost and Reopen is
// set.
func (s *Scanner) current(ctx context.Context) (port.Port, error) {
	s.mu.Lock()
	p, lost, closed, addr := s.port, s.lost, s.closed, s.addr
	s.mu.Unlock()
	switch {
	case closed:
		return nil, fmt.Errorf("scanner %s: %w", addr, ErrClosed)
	case p != nil:
		return p, nil
	case s.cfg.Reopen == nil:
		return nil, lost
	}
	delay := s.cfg.MinBackoff
	for attempt := 1; ; attempt++ {
		np, err := s.cfg.Reopen()
		if err == nil {
			s.mu.Lock()
			if s.closed {
				s.mu.Unlock()
				_ = np.Close()
				return nil, fmt.Errorf("scanner %s: %w", addr, ErrClosed)
			}
			s.port, s.lost, s.addr = np, nil, np.Address()
			s.mu.Unlock()
			s.nReconn.Add(1)
			s.log.Info("scanner: reconnected", "port", np.Address(), "attempts", attempt)
			return np, nil
		}
		s.log.Debug("scanner: reopen failed", "attempt", attempt, "err", err)
		select {
		case <-s.done:
			return nil, fmt.Errorf("scanner %s: %w", addr, ErrClosed)
		case <-ctx.Done():
			return nil, fmt.Errorf("scanner %s: still disconnected (%v): %w", addr, lost, ctx.Err())
		case <-s.cfg.Clock.After(delay):
		}
		delay = min(2*delay, s.cfg.MaxBackoff)
	}
}

// disconnected drops a failed port and returns the error Read reports.
func (s *Scanner) disconnected(p port.Port, err error) error {
	s.mu.Lock()
	if s.closed {
		// Our own Close failed the read (os.ErrClosed): an end, not a
		// disconnect.
		s.mu.Unlock()
		return fmt.Errorf("scanner %s: %w", s.addr, ErrClosed)
	}
	addr := s.addr
	s.lost = fmt.Errorf("scanner %s: %w", addr, err)
	if !errors.Is(err, port.ErrDisconnected) {
		// Any other failed read is handled like an unplug, so a caller
		// needs to check for one error only.
		s.lost = fmt.Errorf("scanner %s: read failed, port dropped: %w: %w", addr, port.ErrDisconnected, err)
	}
	s.port = nil
	lost := s.lost
	s.mu.Unlock()
	_ = p.Close()
	// Bytes of a code cut by the unplug must not prefix the next one.
	s.pend = nil
	s.f.abandon()
	s.nDisc.Add(1)
	s.log.Warn("scanner: disconnected", "port", addr, "err", err, "reopen", s.cfg.Reopen != nil)
	return lost
}

// Close closes the port; a Read in progress returns ErrClosed.
func (s *Scanner) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	p := s.port
	s.port = nil
	close(s.done)
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	// A deadline in the past wakes a blocked read even on a port whose
	// Close does not.
	_ = p.SetReadDeadline(time.Now())
	return p.Close()
}
