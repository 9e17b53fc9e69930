package printer

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/posemu/posemu/drivers/port"
)

// do runs one call's op on a live port. With Config.Reopen a disconnect
// costs one reopen and, unless op had sent part of a slip, one more run
// on the new port: a slip half out on the old printer is the caller's to
// resume or reprint, never the driver's to print twice. pr.mu is held.
func (pr *Printer) do(ctx context.Context, op func() error) error {
	pr.tried, pr.wrote = false, false
	if pr.p == nil {
		if err := pr.reopen(); err != nil {
			return pr.errorf("the printer went away (%v) and reopening its port failed: %w: %w",
				pr.lost, port.ErrDisconnected, err)
		}
	}
	err := pr.attempt(ctx, op)
	if err == nil || pr.cfg.Reopen == nil || pr.tried || ctx.Err() != nil || !errors.Is(err, port.ErrDisconnected) {
		return err
	}
	pr.drop(err)
	if pr.wrote {
		var je *JobError
		if errors.As(err, &je) && je.Sent > je.Printed && !errors.Is(je.Cause, ErrUnconfirmed) {
			// What the old printer held unconfirmed went with it, as a
			// printer switched off loses its buffer: say so, so that
			// the caller prints it again rather than skip it.
			je.Cause = fmt.Errorf("%w (it may have lost the %d unconfirmed segments: %w)", je.Cause, je.Sent-je.Printed, ErrUnconfirmed)
		}
	}
	if rerr := pr.reopen(); rerr != nil {
		return fmt.Errorf("%w (reopening the port: %v)", err, rerr)
	}
	if pr.wrote {
		return err
	}
	return pr.attempt(ctx, op)
}

func (pr *Printer) attempt(ctx context.Context, op func() error) error {
	defer pr.watch(ctx)()
	return op()
}

// drop closes a port that went away. pr.mu is held.
func (pr *Printer) drop(cause error) {
	pr.portMu.Lock()
	p := pr.p
	pr.p, pr.lost = nil, cause
	pr.portMu.Unlock()
	_ = p.Close()
}

// reopen calls Config.Reopen, at most once per call. The printer on the
// new port knows nothing of the old one's markers or late replies.
// pr.mu is held.
func (pr *Printer) reopen() error {
	if pr.tried {
		return errors.New("already tried for this call")
	}
	pr.tried = true
	np, err := pr.cfg.Reopen()
	if err != nil {
		return err
	}
	pr.portMu.Lock()
	defer pr.portMu.Unlock()
	if pr.closed {
		_ = np.Close()
		return os.ErrClosed
	}
	pr.p, pr.addr, pr.lost = np, np.Address(), nil
	pr.dec = decoder{}
	pr.stale, pr.owed, pr.marks = false, 0, nil
	return nil
}

// address is the port's address (the last one's while disconnected).
func (pr *Printer) address() string {
	pr.portMu.Lock()
	defer pr.portMu.Unlock()
	return pr.addr
}

// Close closes the port, the one Reopen opened if it did. A call in
// progress fails with os.ErrClosed. Closing twice is harmless.
func (pr *Printer) Close() error {
	pr.portMu.Lock()
	defer pr.portMu.Unlock()
	if pr.closed || pr.p == nil {
		pr.closed = true
		return nil
	}
	pr.closed = true
	return pr.p.Close()
}
