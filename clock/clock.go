package clock

import (
	"sort"
	"sync"
	"time"
)

// Clock is what code that waits reads instead of the time package.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives the clock's time once d has passed.
	After(d time.Duration) <-chan time.Time
	// NewTimer is time.NewTimer on this clock.
	NewTimer(d time.Duration) Timer
	// Sleep blocks until d has passed on this clock.
	Sleep(d time.Duration)
}

// Timer is the part of time.Timer that code here uses.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was pending.
	Stop() bool
	// Reset changes the timer to fire after d; it reports whether it was pending.
	Reset(d time.Duration) bool
}

// Real is the wall clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (realClock) Sleep(d time.Duration)                  { time.Sleep(d) }
func (realClock) NewTimer(d time.Duration) Timer         { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

// Virtual is a clock that moves only when Advance or Set is called. Timers
// that come due fire in order of their deadlines.
type Virtual struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*virtualTimer
	changed chan struct{} // closed and replaced whenever a waiter is added
}

// NewVirtual returns a virtual clock that reads start until advanced.
func NewVirtual(start time.Time) *Virtual {
	return &Virtual{now: start, changed: make(chan struct{})}
}

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// After is NewTimer(d).C().
func (v *Virtual) After(d time.Duration) <-chan time.Time { return v.NewTimer(d).C() }

// Sleep blocks until another goroutine advances the clock by d.
func (v *Virtual) Sleep(d time.Duration) { <-v.After(d) }

// NewTimer returns a timer that fires when the virtual time reaches now+d.
func (v *Virtual) NewTimer(d time.Duration) Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	t := &virtualTimer{clock: v, c: make(chan time.Time, 1)}
	v.schedule(t, d)
	return t
}

// schedule arms t; the caller holds v.mu.
func (v *Virtual) schedule(t *virtualTimer, d time.Duration) {
	t.when = v.now.Add(d)
	if d <= 0 {
		t.fire(v.now)
		return
	}
	t.armed = true
	v.timers = append(v.timers, t)
	close(v.changed)
	v.changed = make(chan struct{})
}

// Advance moves the clock forward by d, firing every timer that comes due.
func (v *Virtual) Advance(d time.Duration) {
	v.mu.Lock()
	target := v.now.Add(d)
	v.mu.Unlock()
	v.Set(target)
}

// Set moves the clock to t (never backwards), firing due timers in order.
func (v *Virtual) Set(t time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for {
		sort.SliceStable(v.timers, func(i, j int) bool { return v.timers[i].when.Before(v.timers[j].when) })
		if len(v.timers) == 0 || v.timers[0].when.After(t) {
			break
		}
		next := v.timers[0]
		v.timers = v.timers[1:]
		if next.when.After(v.now) {
			v.now = next.when
		}
		next.armed = false
		next.fire(v.now)
	}
	if t.After(v.now) {
		v.now = t
	}
}

// Waiters returns how many timers are armed.
func (v *Virtual) Waiters() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers)
}

// WaitForWaiters blocks until at least n timers are armed or done is closed,
// so a test can advance the clock only once the code under test is waiting.
func (v *Virtual) WaitForWaiters(n int, done <-chan struct{}) bool {
	for {
		v.mu.Lock()
		if len(v.timers) >= n {
			v.mu.Unlock()
			return true
		}
		ch := v.changed
		v.mu.Unlock()
		select {
		case <-ch:
		case <-done:
			return false
		}
	}
}

// NextDeadline returns the earliest armed timer's deadline.
func (v *Virtual) NextDeadline() (time.Time, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.timers) == 0 {
		return time.Time{}, false
	}
	min := v.timers[0].when
	for _, t := range v.timers[1:] {
		if t.when.Before(min) {
			min = t.when
		}
	}
	return min, true
}

type virtualTimer struct {
	clock *Virtual
	c     chan time.Time
	when  time.Time
	armed bool
}

func (t *virtualTimer) C() <-chan time.Time { return t.c }

func (t *virtualTimer) fire(now time.Time) {
	select {
	case t.c <- now:
	default: // an unread earlier tick stays, as with time.Timer
	}
}

func (t *virtualTimer) Stop() bool {
	v := t.clock
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.unschedule(t)
}

func (t *virtualTimer) Reset(d time.Duration) bool {
	v := t.clock
	v.mu.Lock()
	defer v.mu.Unlock()
	was := v.unschedule(t)
	v.schedule(t, d)
	return was
}

// unschedule disarms t; the caller holds v.mu.
func (v *Virtual) unschedule(t *virtualTimer) bool {
	if !t.armed {
		return false
	}
	t.armed = false
	for i, x := range v.timers {
		if x == t {
			v.timers = append(v.timers[:i], v.timers[i+1:]...)
			break
		}
	}
	return true
}
