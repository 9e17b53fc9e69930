package usbip

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Why a URB's context ended.
var (
	errUnlinked  = errors.New("unlinked by the client")
	errUnplugged = errors.New("device unplugged")
	errConnGone  = errors.New("connection closed")
)

// maxInFlight bounds the URBs one connection may have queued: a host
// keeps a handful per endpoint, so thousands means a broken client.
const maxInFlight = 4096

// conn is one client connection: the operation phase, then, after an
// import, the URB phase.
type conn struct {
	srv *Server
	nc  net.Conn
	log *slog.Logger

	// mu guards the fields below and serialises writes to nc, so that a
	// RET_SUBMIT always precedes the RET_UNLINK that answers an unlink of
	// the same URB (vhci_hcd drops the device when a RET_SUBMIT names a
	// URB it has already given back).
	mu      sync.Mutex
	dev     *exported
	urbs    map[uint32]*urb
	queues  map[uint8]*queue
	gone    bool // the device was removed; new URBs fail at once
	workers sync.WaitGroup
	wbuf    []byte

	released chan struct{} // closed once release has run: the device is free
}

type urb struct {
	cmd       *command
	ctx       context.Context
	cancel    context.CancelCauseFunc
	unlinked  bool
	unlinkSeq uint32
}

// queue holds the URBs of one endpoint: the host expects them completed
// in order, each endpoint independently of the others.
type queue struct {
	items   []*urb
	running bool
}

func newConn(s *Server, nc net.Conn) *conn {
	return &conn{
		srv:      s,
		nc:       nc,
		log:      s.opts.Log.With("client", nc.RemoteAddr().String()),
		urbs:     map[uint32]*urb{},
		queues:   map[uint8]*queue{},
		released: make(chan struct{}),
	}
}

// serve runs the connection to its end.
func (c *conn) serve() {
	defer c.nc.Close()
	r := bufio.NewReaderSize(c.nc, 64<<10)
	req, err := readOpRequest(r)
	if err != nil {
		c.fail("operation phase", err)
		return
	}
	switch req.code {
	case opReqDevlist:
		if err := c.write(c.srv.appendDevlist(nil)); err != nil {
			c.fail("OP_REP_DEVLIST", err)
		}
		return
	case opReqImport:
		if !c.importDevice(req.busID) {
			return
		}
	}
	defer c.release()
	for {
		cmd, err := readCommand(r, c.srv.opts.MaxTransfer)
		if err != nil {
			c.fail("URB phase", err)
			return
		}
		if err := c.dispatch(cmd); err != nil {
			c.fail("URB phase", err)
			return
		}
	}
}

// fail logs why the connection ends; a client hanging up between PDUs is
// no failure.
func (c *conn) fail(phase string, err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return
	}
	c.log.Warn("usbip: closing connection", "phase", phase, "reason", err)
}

// importDevice answers OP_REQ_IMPORT; it reports whether the URB phase
// begins.
func (c *conn) importDevice(busID string) bool {
	// Taking the device under the server's lock orders this import
	// before or after a concurrent Remove, never in between.
	c.srv.mu.Lock()
	x := c.srv.devices[busID]
	status := uint32(stOK)
	if x == nil {
		status = stNoDev
	} else {
		x.mu.Lock()
		if x.owner != nil {
			status = stDevBusy
		} else {
			x.owner = c
		}
		x.mu.Unlock()
	}
	c.srv.mu.Unlock()
	if status != stOK {
		c.log.Info("usbip: import refused", "busid", busID, "status", status)
		c.write(appendOpHeader(nil, opRepImport, status)) //nolint:errcheck // the connection ends either way
		return false
	}
	x.reset()
	c.mu.Lock()
	c.dev = x
	c.mu.Unlock()
	if im, ok := x.dev.(Importer); ok {
		im.Imported()
	}
	if err := c.write(x.appendUdev(appendOpHeader(nil, opRepImport, stOK))); err != nil {
		c.fail("OP_REP_IMPORT", err)
		c.release()
		return false
	}
	return true
}

// release ends the URB phase: pending URBs are cancelled, their handlers
// waited for, and the device is free for the next client.
func (c *conn) release() {
	defer close(c.released)
	c.mu.Lock()
	x := c.dev
	c.dev = nil
	for _, u := range c.urbs {
		u.cancel(errConnGone)
	}
	c.mu.Unlock()
	c.nc.Close()
	c.workers.Wait()
	if x == nil {
		return
	}
	x.mu.Lock()
	if x.owner == c {
		x.owner = nil
	}
	x.mu.Unlock()
	if im, ok := x.dev.(Importer); ok {
		im.Released()
	}
}

// unplug fails every pending URB with ESHUTDOWN, waits (up to timeout)
// for those replies to go out, closes the connection and waits for its
// release, so that a replug right after finds the device's Released
// already called.
func (c *conn) unplug(timeout time.Duration) {
	c.mu.Lock()
	c.gone = true
	for _, u := range c.urbs {
		u.cancel(errUnplugged)
	}
	c.mu.Unlock()
	done := make(chan struct{})
	go func() { c.workers.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		c.log.Warn("usbip: device handlers did not return after unplug; closing anyway", "timeout", timeout)
		c.nc.Close()
		return
	}
	c.nc.Close()
	select {
	case <-c.released:
	case <-t.C:
	}
}

func (c *conn) write(b []byte) error {
	_, err := c.nc.Write(b)
	return err
}

// dispatch handles one command of the URB phase.
func (c *conn) dispatch(cmd *command) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	x := c.dev
	if x == nil {
		return net.ErrClosed
	}
	if cmd.devID != x.devID() {
		return protoErr("seq %d: devid %#x is not the imported device's %#x", cmd.seq, cmd.devID, x.devID())
	}
	if cmd.code == cmdUnlink {
		if u := c.urbs[cmd.unlinkSeq]; u != nil && !u.unlinked {
			u.unlinked, u.unlinkSeq = true, cmd.seq
			u.cancel(errUnlinked)
			return nil
		}
		// Already completed (its RET_SUBMIT has gone out) or never seen.
		return c.writeLocked(appendRetUnlink(c.wbuf[:0], cmd.seq, 0))
	}
	if _, dup := c.urbs[cmd.seq]; dup {
		return protoErr("seq %d is already pending", cmd.seq)
	}
	if len(c.urbs) >= maxInFlight {
		return protoErr("more than %d URBs in flight", maxInFlight)
	}
	if c.gone {
		return c.writeLocked(appendRetSubmit(c.wbuf[:0], cmd.seq, -errnoENODEV, 0, nil))
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	u := &urb{cmd: cmd, ctx: ctx, cancel: cancel}
	c.urbs[cmd.seq] = u
	key := uint8(cmd.ep)
	if cmd.ep != 0 && cmd.dir == dirIn {
		key |= 0x80
	}
	q := c.queues[key]
	if q == nil {
		q = &queue{}
		c.queues[key] = q
	}
	q.items = append(q.items, u)
	if !q.running {
		q.running = true
		c.workers.Add(1)
		go c.run(q)
	}
	return nil
}

// run completes the URBs of one endpoint in order.
func (c *conn) run(q *queue) {
	defer c.workers.Done()
	for {
		c.mu.Lock()
		if len(q.items) == 0 {
			q.running = false
			c.mu.Unlock()
			return
		}
		u := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		x := c.dev
		c.mu.Unlock()
		var data []byte
		var actual int
		var err error
		switch {
		case x == nil:
			err = errConnGone
		case u.ctx.Err() != nil:
			err = context.Cause(u.ctx)
		default:
			data, actual, err = c.transfer(x, u)
		}
		c.complete(u, data, actual, err)
	}
}

// transfer runs one URB through the standard requests or the device.
func (c *conn) transfer(x *exported, u *urb) (data []byte, actual int, err error) {
	cmd := u.cmd
	if cmd.iso() {
		return nil, 0, fmt.Errorf("isochronous transfer to endpoint %d: %w", cmd.ep, errInval)
	}
	if cmd.ep == 0 {
		s := parseSetup(cmd.setup)
		if s.In() {
			data, err = x.control(u.ctx, s, nil)
			data = data[:min(len(data), int(s.Length), int(cmd.length))]
			return data, len(data), err
		}
		_, err = x.control(u.ctx, s, cmd.data)
		return nil, len(cmd.data), err
	}
	addr := uint8(cmd.ep)
	if cmd.dir == dirIn {
		addr |= 0x80
	}
	ep, ok := x.endpoint(addr)
	if !ok || (cmd.dir == dirIn) != (ep.In != nil) {
		return nil, 0, fmt.Errorf("no endpoint %#02x in the current configuration: %w", addr, ErrStall)
	}
	if x.isHalted(addr) {
		return nil, 0, ErrStall
	}
	if cmd.dir == dirIn {
		data, err = ep.In(u.ctx, int(cmd.length))
		if len(data) > int(cmd.length) {
			return nil, 0, fmt.Errorf("endpoint %#02x answered %d bytes to a %d-byte read: %w", addr, len(data), cmd.length, errOverflow)
		}
		return data, len(data), err
	}
	n, err := ep.Out(u.ctx, cmd.data)
	if errors.Is(err, ErrStall) {
		x.setHalted(addr, true)
	}
	return nil, min(max(n, 0), len(cmd.data)), err
}

var (
	errInval    = errors.New("invalid request")
	errOverflow = errors.New("babble")
)

// complete answers a URB: RET_SUBMIT, or RET_UNLINK when the client's
// UNLINK won.
func (c *conn) complete(u *urb, data []byte, actual int, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.urbs, u.cmd.seq)
	u.cancel(nil)
	cause := context.Cause(u.ctx)
	cancelled := err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, cause))
	if u.unlinked && cancelled && errors.Is(cause, errUnlinked) {
		c.writeLocked(appendRetUnlink(c.wbuf[:0], u.unlinkSeq, -errnoECONNRESET)) //nolint:errcheck // the reader sees a dead connection
		return
	}
	status := int32(0)
	if err != nil {
		status = c.status(u, err, cause)
		data, actual = nil, 0
	}
	if u.cmd.dir == dirOut {
		data = nil // never a payload after an OUT RET_SUBMIT
	}
	if c.writeLocked(appendRetSubmit(c.wbuf[:0], u.cmd.seq, status, uint32(actual), data)) != nil {
		return
	}
	if u.unlinked {
		c.writeLocked(appendRetUnlink(c.wbuf[:0], u.unlinkSeq, 0)) //nolint:errcheck // as above
	}
}

// status is the negative errno a failed URB completes with.
func (c *conn) status(u *urb, err, cause error) int32 {
	switch {
	case errors.Is(err, ErrStall):
		return -errnoEPIPE
	case errors.Is(cause, errUnplugged):
		return -errnoESHUTDOWN
	case errors.Is(cause, errConnGone), errors.Is(cause, errUnlinked):
		return -errnoECONNRESET
	case errors.Is(err, errInval):
		return -errnoEINVAL
	case errors.Is(err, errOverflow):
		c.log.Warn("usbip: device error", "seq", u.cmd.seq, "ep", u.cmd.ep, "err", err)
		return -errnoEOVERFLOW
	}
	c.log.Warn("usbip: device error", "seq", u.cmd.seq, "ep", u.cmd.ep, "err", err)
	return -errnoEPROTO
}

// writeLocked writes with c.mu held; the buffer is reused for the next
// reply.
func (c *conn) writeLocked(b []byte) error {
	c.wbuf = b[:0]
	return c.write(b)
}
