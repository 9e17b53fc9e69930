package terminal

import (
	"context"
	"errors"
	"time"

	"github.com/posemu/posemu/drivers/keypad"
)

// Key names as the profile's key map names them.
const (
	KeyEnter      = "ENTER"
	KeyCancel     = "CANCEL"
	KeyClear      = "CLEAR"
	KeyBackspace  = "BACKSPACE"
	KeyMenu       = "MENU"
	KeyUp         = "UP"
	KeyDown       = "DOWN"
	KeyDot        = "."
	KeyDoubleZero = "00"
	KeyFn         = "FN"
	KeyAlpha      = "ALPHA"
)

// inKind says what woke the application up.
type inKind int

const (
	inKey inKind = iota + 1
	inScan
	inTimeout
)

// input is one thing the operator or the buyer did.
type input struct {
	kind inKind
	key  string // inKey
	code string // inScan: the scanned text (never logged)
}

func isDigit(key string) bool { return len(key) == 1 && key[0] >= '0' && key[0] <= '9' }

// pumps turn the keypad's and the scanner's blocking reads into channels
// the screens can select on alongside the clock.
func (a *App) startPumps(ctx context.Context) {
	go func() {
		for {
			ev, err := a.dev.Keys.Next(ctx)
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, keypad.ErrClosed) {
					return
				}
				a.log.Warn("keypad read failed", "err", err)
				if !a.pause(ctx) {
					return
				}
				continue
			}
			switch ev.Kind {
			case keypad.KeyPress:
				select {
				case a.keyc <- ev.Key:
				case <-ctx.Done():
					return
				}
			case keypad.Disconnected:
				a.keypadUp.Store(false)
				a.log.Warn("keypad disconnected", "err", ev.Err)
			case keypad.Reconnected:
				a.keypadUp.Store(true)
				a.log.Info("keypad reconnected")
			}
		}
	}()
	if a.dev.Scanner == nil {
		return
	}
	go func() {
		for {
			code, err := a.dev.Scanner.Read(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				a.log.Warn("scanner read failed", "err", err)
				if !a.pause(ctx) {
					return
				}
				continue
			}
			select {
			case a.scanc <- code:
			case <-ctx.Done():
				return
			}
		}
	}()
}

// pause paces retries of a failing device read. It is wall-clock time on
// purpose: it paces I/O, not the trade, and must not stall a virtual clock
// that nobody advances.
func (a *App) pause(ctx context.Context) bool {
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// flushScans drops codes scanned before the screen that wants one was up.
func (a *App) flushScans() {
	for {
		select {
		case <-a.scanc:
		default:
			return
		}
	}
}

// next waits for a key, a scan (if scans is true) or the timeout on the
// application's clock (none if timeout ≤ 0).
func (a *App) next(ctx context.Context, scans bool, timeout time.Duration) (input, error) {
	var tc <-chan time.Time
	if timeout > 0 {
		t := a.clk.NewTimer(timeout)
		defer t.Stop()
		tc = t.C()
	}
	scanc := a.scanc
	if !scans {
		scanc = nil
	}
	select {
	case k := <-a.keyc:
		return input{kind: inKey, key: k}, nil
	case c := <-scanc:
		return input{kind: inScan, code: c}, nil
	case <-tc:
		return input{kind: inTimeout}, nil
	case <-ctx.Done():
		return input{}, ctx.Err()
	}
}

// key waits for a key press only.
func (a *App) key(ctx context.Context) (string, error) {
	in, err := a.next(ctx, false, 0)
	return in.key, err
}

// keyOrTimeout waits for a key press or the timeout; "" means timeout.
func (a *App) keyOrTimeout(ctx context.Context, d time.Duration) (string, error) {
	in, err := a.next(ctx, false, d)
	return in.key, err
}
