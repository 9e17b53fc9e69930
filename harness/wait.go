package harness

import (
	"fmt"
	"time"

	"github.com/posemu/posemu/emulator/events"
)

// recheck bounds how long a condition goes unchecked when nothing wakes
// the waiter: state read from a port or changed without an event.
const recheck = 25 * time.Millisecond

// Await waits until cond holds or timeout passes, and fails with what was
// expected and what cond last saw. It checks again whenever a device
// publishes an event (emulator) or an app reader gets something, so it
// returns as soon as the condition holds, not on a poll tick. The timeout
// is real time: device I/O runs on the wall clock even when the
// scenario's clock is virtual. A condition that does not hold at once
// waits for what the platform's calls come to (Platform.awaiting).
func (r *Run) Await(timeout time.Duration, what string, cond func() (ok bool, seen string)) error {
	w := r.waker()
	defer w.close()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for first := true; ; first = false {
		appCh := w.appChanged()
		ok, seen := cond()
		if ok {
			return nil
		}
		if first {
			defer r.startedPlatform().awaiting()()
		}
		select {
		case _, open := <-w.bus():
			w.busClosed(open)
		case <-appCh:
		case <-tick.C:
		case <-deadline.C:
			if ok, seen = cond(); ok {
				return nil
			}
			return r.Failf(seen, "timed out after %s waiting for %s", timeout, what)
		case <-r.ctx.Done():
			return r.Failf(seen, "abandoned while waiting for %s: %v", what, r.ctx.Err())
		}
	}
}

// Hold checks for d that bad never happens, and fails as soon as it does.
func (r *Run) Hold(d time.Duration, what string, bad func() (happened bool, seen string)) error {
	w := r.waker()
	defer w.close()
	end := time.NewTimer(d)
	defer end.Stop()
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		appCh := w.appChanged()
		if happened, seen := bad(); happened {
			return r.Failf(seen, "%s, within %s", what, d)
		}
		select {
		case _, open := <-w.bus():
			w.busClosed(open)
		case <-appCh:
		case <-tick.C:
		case <-end.C:
			if happened, seen := bad(); happened {
				return r.Failf(seen, "%s, within %s", what, d)
			}
			return nil
		case <-r.ctx.Done():
			return r.Failf("", "abandoned: %v", r.ctx.Err())
		}
	}
}

type waker struct {
	sub *events.Subscription
	app *App
}

func (r *Run) waker() *waker {
	w := &waker{app: r.App()}
	if e := r.Emulator(); e != nil {
		w.sub = e.Bus().Subscribe(64)
	}
	return w
}

func (w *waker) bus() <-chan events.Event {
	if w.sub == nil {
		return nil
	}
	return w.sub.C()
}

// busClosed stops listening to a bus that has closed, so the wait falls
// back to its tick instead of spinning on a closed channel.
func (w *waker) busClosed(open bool) {
	if !open {
		w.sub = nil
	}
}

func (w *waker) appChanged() <-chan struct{} {
	if w.app == nil {
		return nil
	}
	return w.app.changed()
}

func (w *waker) close() {
	if w.sub != nil {
		w.sub.Close()
	}
}

// quote renders lines for a failure message, one per line, numbered.
func quoteLines(title string, lines []string) string {
	if len(lines) == 0 {
		return title + ": (nothing)"
	}
	s := fmt.Sprintf("%s (%d lines):", title, len(lines))
	for i, l := range lines {
		s += fmt.Sprintf("\n%2d| %s", i+1, l)
	}
	return s
}

// Poll checks cond every interval until it holds or timeout passes, for
// state that can only be asked for (a printer's status over its port):
// device events do not wake it, since the asking itself makes some.
func (r *Run) Poll(timeout, interval time.Duration, what string, cond func() (ok bool, seen string)) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for first := true; ; first = false {
		ok, seen := cond()
		if ok {
			return nil
		}
		if first {
			defer r.startedPlatform().awaiting()()
		}
		if !time.Now().Before(deadline) {
			return r.Failf(seen, "timed out after %s waiting for %s", timeout, what)
		}
		select {
		case <-tick.C:
		case <-r.ctx.Done():
			return r.Failf(seen, "abandoned while waiting for %s: %v", what, r.ctx.Err())
		}
	}
}
