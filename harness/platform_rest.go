package harness

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/posemu/posemu/clock"
)

// When a payment in the background is at rest, so that the scenario's
// clock may move or a check may look: every cashier flow is done or waits
// on the clock (its own timer, or the simulator's latency for its call).
// A call the simulator holds without a reply is not at rest: a step that
// waits ends it (awaiting).

// settleLimit bounds how long the harness waits for a payment in the
// background to come to rest (waiting on the scenario's clock, or done)
// before it moves the clock or checks: one stretch between two waits is at
// most a few answered calls.
const settleLimit = 3 * PlatformCallTimeout

// quietLocked reports whether every payment in the background is done or
// waiting on the clock (its own timer, or the simulator's latency for its
// call); the caller holds p.mu.
func (p *Platform) quietLocked() bool {
	now := p.clk.Now()
	slow := slices.ContainsFunc(p.latency, func(t time.Time) bool { return t.After(now) })
	for _, op := range p.ops {
		if op.done || slow || (op.waiting && op.until.After(now)) {
			continue
		}
		return false
	}
	return true
}

// simHolding reports whether the simulator holds a reply until the
// scenario's clock reaches some time (a latency fault).
func (p *Platform) simHolding() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clk.Now()
	return slices.ContainsFunc(p.latency, func(at time.Time) bool { return at.After(now) })
}

// awaiting marks a wait for what the platform's calls come to (a step
// that checks, moves the clock or calls the platform itself), until done
// is called. Meanwhile a request the simulator holds without a reply (a
// no_reply fault) is ended at once, now and as soon as one is held: the
// scenario's clock stands still while the harness waits, so in the
// scenario's time the client's deadline has passed, and the client sees
// what it would see then (the call over, no answer) without the real time
// that deadline takes. A check that holds at once does not wait, and sees
// the call still in flight. On a physical terminal there is nothing to
// end.
func (p *Platform) awaiting() (done func()) {
	if p == nil || p.Sim == nil {
		return func() {}
	}
	p.mu.Lock()
	p.waiters++
	p.mu.Unlock()
	p.Sim.ReleaseHeld()
	return func() {
		p.mu.Lock()
		p.waiters--
		p.mu.Unlock()
	}
}

// onHold is told by the simulator that a no_reply fault holds a request.
func (p *Platform) onHold(string) {
	p.mu.Lock()
	release := p.waiters > 0
	p.wake()
	p.mu.Unlock()
	if release {
		p.Sim.ReleaseHeld()
	}
}

// settle waits until the payments in the background have come to rest, so
// that moving the virtual clock or checking a trade sees what they did.
// On a physical terminal the clock is the wall clock: nothing to wait for.
func (p *Platform) settle(ctx context.Context) error {
	if p.virt == nil {
		return nil
	}
	defer p.awaiting()()
	limit := time.NewTimer(settleLimit)
	defer limit.Stop()
	for {
		p.mu.Lock()
		ch, quiet := p.changed, p.quietLocked()
		p.mu.Unlock()
		if quiet {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-limit.C:
			return fmt.Errorf("the payment in the background did not come to rest within %s: %s", settleLimit, p.describeOps())
		}
	}
}

// advance moves the virtual clock by d one timer at a time, letting the
// payments in the background run between timers, so a cashier that polls
// every 5 s polls six times in 30 s, as it would in real time.
func (p *Platform) advance(ctx context.Context, d time.Duration) error {
	target := p.virt.Now().Add(d)
	for {
		if err := p.settle(ctx); err != nil {
			return err
		}
		next, ok := p.virt.NextDeadline()
		if !ok || next.After(target) {
			break
		}
		p.virt.Set(next)
		p.mu.Lock()
		p.latency = slices.DeleteFunc(p.latency, func(t time.Time) bool { return !t.After(next) })
		p.mu.Unlock()
	}
	p.virt.Set(target)
	return nil
}

// AdvanceClock moves the scenario's virtual clock by d. With payments in
// the background it goes from timer to timer, letting them run between.
func (r *Run) AdvanceClock(d time.Duration) error {
	if t := r.terminalApp(); t != nil {
		return t.advance(r.ctx, d) // the application's timers too
	}
	if p := r.startedPlatform(); p != nil && p.virt != nil {
		return p.advance(r.ctx, d)
	}
	clk := r.Clock()
	if clk == nil {
		return errors.New("this target has no virtual clock to advance")
	}
	clk.Advance(d)
	return nil
}

// opClock is the clock one cashier flow waits on: the platform's, noting
// when the flow waits and until when, so that settle knows it is at rest.
type opClock struct {
	p  *Platform
	op *payOp
}

func (c opClock) Now() time.Time                         { return c.p.clk.Now() }
func (c opClock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }
func (c opClock) Sleep(d time.Duration)                  { <-c.After(d) }

func (c opClock) NewTimer(d time.Duration) clock.Timer {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	t := &opTimer{Timer: c.p.clk.NewTimer(d), c: c}
	c.op.waiting, c.op.until = true, c.p.clk.Now().Add(d)
	c.p.wake()
	return t
}

type opTimer struct {
	clock.Timer
	c opClock
}

func (t *opTimer) Stop() bool {
	was := t.Timer.Stop()
	if was {
		t.c.p.mu.Lock()
		t.c.op.waiting = false
		t.c.p.wake()
		t.c.p.mu.Unlock()
	}
	return was
}

func (t *opTimer) Reset(d time.Duration) bool {
	t.c.p.mu.Lock()
	defer t.c.p.mu.Unlock()
	was := t.Timer.Reset(d)
	t.c.op.waiting, t.c.op.until = true, t.c.p.clk.Now().Add(d)
	t.c.p.wake()
	return was
}

// simClock is the simulator's clock: the scenario's, noting the latency
// faults' waits (a call held by one is at rest until the clock moves).
type simClock struct{ p *Platform }

func (c simClock) Now() time.Time                         { return c.p.clk.Now() }
func (c simClock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }
func (c simClock) Sleep(d time.Duration)                  { <-c.After(d) }

func (c simClock) NewTimer(d time.Duration) clock.Timer {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	c.p.latency = append(c.p.latency, c.p.clk.Now().Add(d))
	c.p.wake()
	return c.p.clk.NewTimer(d)
}
