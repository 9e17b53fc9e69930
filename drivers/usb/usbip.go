package usb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// DefaultUSBIPPort is the TCP port of usbipd.
const DefaultUSBIPPort = 3240

// UnlinkGrace bounds how long a cancelled transfer waits for the server
// to confirm the UNLINK before the caller gets its error anyway.
const UnlinkGrace = 2 * time.Second

// describeTimeout bounds each descriptor request while opening.
const describeTimeout = 5 * time.Second

// ListUSBIP asks the USB/IP server at hostport ("127.0.0.1:3240") what it
// exports, as `usbip list -r` does.
func ListUSBIP(ctx context.Context, hostport string) ([]RemoteDevice, error) {
	nc, err := dialUSBIP(ctx, hostport)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	if _, err := nc.Write(appendOpRequest(nil, opReqDevlist, "")); err != nil {
		return nil, fmt.Errorf("usbip %s: list: %w", hostport, err)
	}
	r := bufio.NewReader(nc)
	if _, err := readOpReply(r, opRepDevlist); err != nil {
		return nil, fmt.Errorf("usbip %s: list: %w", hostport, ctxErr(ctx, err))
	}
	list, err := readDevlist(r)
	if err != nil {
		return nil, fmt.Errorf("usbip %s: list: %w", hostport, ctxErr(ctx, err))
	}
	return list, nil
}

func dialUSBIP(ctx context.Context, hostport string) (net.Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, fmt.Errorf("usbip %s: %w (is a USB/IP server running there? posemu serves one with --usbip)", hostport, err)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true) // status round trips are a few bytes each way
	}
	return nc, nil
}

// ctxErr prefers the context's reason over the I/O error it caused.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// OpenUSBIP imports busID ("1-1") from the USB/IP server at hostport, as
// `usbip attach` does, but into this process: no kernel module is
// involved. The server may be posemu's or a Linux usbipd exporting a
// physical device. ctx bounds the import and the descriptor reads.
func OpenUSBIP(ctx context.Context, hostport, busID string) (Device, error) {
	addr := "usbip://" + hostport + "/" + busID
	nc, err := dialUSBIP(ctx, hostport)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	r := bufio.NewReaderSize(nc, 64<<10)
	rd, err := importDevice(nc, r, busID)
	if !stop() || err != nil {
		nc.Close()
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("usbip import %s: %w", addr, ctxErr(ctx, err))
	}
	d := &usbipDevice{
		addr:    addr,
		nc:      nc,
		devID:   rd.BusNum<<16 | rd.DevNum,
		pending: map[uint32]*call{},
		unlinks: map[uint32]uint32{},
		done:    make(chan struct{}),
	}
	go d.readLoop(r)
	info, err := describe(ctx, d, addr)
	if err != nil {
		d.Close()
		return nil, err
	}
	d.info = info
	return d, nil
}

func importDevice(nc net.Conn, r *bufio.Reader, busID string) (RemoteDevice, error) {
	if len(busID) == 0 || len(busID) >= busIDSize {
		return RemoteDevice{}, fmt.Errorf("%w: bus id %q", ErrNoDevice, busID)
	}
	if _, err := nc.Write(appendOpRequest(nil, opReqImport, busID)); err != nil {
		return RemoteDevice{}, err
	}
	status, err := readOpReply(r, opRepImport)
	if err != nil {
		return RemoteDevice{}, err
	}
	if status != 0 {
		return RemoteDevice{}, opStatusError(status, busID)
	}
	var u [udevSize]byte
	if _, err := io.ReadFull(r, u[:]); err != nil {
		return RemoteDevice{}, eofAsProtocol(err)
	}
	rd := parseUdev(u[:])
	if rd.BusID != busID {
		return RemoteDevice{}, wireErr("asked for %s, the server sent %s", busID, rd.BusID)
	}
	return rd, nil
}

// usbipDevice is a Device imported over USB/IP.
type usbipDevice struct {
	addr  string
	nc    net.Conn
	devID uint32
	info  Info

	wmu sync.Mutex // one PDU at a time on the wire

	mu      sync.Mutex
	seq     uint32
	pending map[uint32]*call
	unlinks map[uint32]uint32 // unlink seq → the seq it cancels
	dead    error             // why the connection ended
	done    chan struct{}
}

type call struct {
	in        bool
	length    int
	buf       []byte // where IN data goes
	res       chan result
	abandoned bool
}

type result struct {
	n        int
	status   int32
	unlinked bool
	err      error
}

func (d *usbipDevice) Info() Info { return d.info }

func (d *usbipDevice) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	setup := [8]byte{rType, request, byte(value), byte(value >> 8), byte(index), byte(index >> 8), byte(len(data)), byte(len(data) >> 8)}
	in := rType&0x80 != 0
	n, err := d.submit(ctx, in, 0, setup, data)
	if err != nil {
		return n, &TransferError{Op: "control", Address: d.addr, Err: err}
	}
	return n, nil
}

func (d *usbipDevice) BulkOut(ctx context.Context, ep uint8, data []byte) (int, error) {
	n, err := d.submit(ctx, false, ep, [8]byte{}, data)
	if err != nil {
		return n, &TransferError{Op: "bulk out", Address: d.addr, EP: ep, Err: err}
	}
	return n, nil
}

func (d *usbipDevice) BulkIn(ctx context.Context, ep uint8, buf []byte) (int, error) {
	n, err := d.submit(ctx, true, ep, [8]byte{}, buf)
	if err != nil {
		return n, &TransferError{Op: "bulk in", Address: d.addr, EP: ep | 0x80, Err: err}
	}
	return n, nil
}

// submit sends one URB and waits for its completion; a cancelled ctx
// sends an UNLINK. When the server completes the URB before the UNLINK
// reaches it, the data counts: nothing the device sent is lost.
func (d *usbipDevice) submit(ctx context.Context, in bool, ep uint8, setup [8]byte, data []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	c := &call{in: in, length: len(data), res: make(chan result, 1)}
	var out []byte
	if in {
		c.buf = data
	} else {
		out = data
	}
	d.mu.Lock()
	if d.dead != nil {
		err := d.dead
		d.mu.Unlock()
		return 0, err
	}
	d.seq++
	seq := d.seq
	d.pending[seq] = c
	d.mu.Unlock()
	if err := d.send(appendSubmit(nil, seq, d.devID, in, ep, len(data), setup, out)); err != nil {
		return 0, err
	}
	select {
	case r := <-c.res:
		return r.complete(ctx)
	case <-ctx.Done():
	}
	d.mu.Lock()
	if _, still := d.pending[seq]; !still || d.dead != nil {
		d.mu.Unlock()
		return (<-c.res).complete(ctx)
	}
	d.seq++
	useq := d.seq
	d.unlinks[useq] = seq
	d.mu.Unlock()
	if err := d.send(appendUnlink(nil, useq, d.devID, seq)); err != nil {
		return 0, err
	}
	t := time.NewTimer(UnlinkGrace)
	defer t.Stop()
	select {
	case r := <-c.res:
		return r.complete(ctx)
	case <-t.C:
		d.mu.Lock()
		c.abandoned = true
		d.mu.Unlock()
		return 0, fmt.Errorf("%w (and the server did not confirm the UNLINK within %s)", ctx.Err(), UnlinkGrace)
	}
}

func (r result) complete(ctx context.Context) (int, error) {
	switch {
	case r.err != nil:
		return 0, r.err
	case r.unlinked:
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return 0, context.Canceled
	case r.status != 0:
		return 0, statusError(r.status)
	}
	return r.n, nil
}

func (d *usbipDevice) send(b []byte) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	if _, err := d.nc.Write(b); err != nil {
		d.mu.Lock()
		dead := d.dead
		d.mu.Unlock()
		if dead != nil {
			return dead
		}
		return fmt.Errorf("%w: %v", ErrDisconnected, err)
	}
	return nil
}

// readLoop hands every reply to its waiting call until the connection
// ends; then every call still waiting fails with the reason.
func (d *usbipDevice) readLoop(r *bufio.Reader) {
	lookup := func(seq uint32) (bool, int, bool) {
		d.mu.Lock()
		defer d.mu.Unlock()
		c := d.pending[seq]
		if c == nil {
			return false, 0, false
		}
		return c.in, c.length, true
	}
	var err error
	for {
		var rp reply
		if rp, err = readReply(r, lookup); err != nil {
			break
		}
		d.mu.Lock()
		if rp.unlink {
			target, ok := d.unlinks[rp.seq]
			delete(d.unlinks, rp.seq)
			// Status 0: the URB completed first, its RET_SUBMIT has
			// already been delivered.
			if c := d.pending[target]; ok && c != nil && rp.status != 0 {
				delete(d.pending, target)
				c.res <- result{unlinked: true}
			}
		} else if c := d.pending[rp.seq]; c != nil {
			delete(d.pending, rp.seq)
			if !c.abandoned {
				copy(c.buf, rp.data)
				c.res <- result{n: rp.actual, status: rp.status}
			}
		}
		d.mu.Unlock()
	}
	d.mu.Lock()
	switch {
	case d.dead != nil: // closed here
	case errors.Is(err, ErrProtocol):
		d.dead = fmt.Errorf("usbip %s: %w", d.addr, err)
		d.nc.Close()
	default:
		d.dead = fmt.Errorf("%w: usbip %s: the server closed the connection (device unplugged, or the server stopped)", ErrDisconnected, d.addr)
	}
	for seq, c := range d.pending {
		delete(d.pending, seq)
		c.res <- result{err: d.dead}
	}
	d.mu.Unlock()
	close(d.done)
}

// Close ends the import; the server frees the device for other clients.
func (d *usbipDevice) Close() error {
	d.mu.Lock()
	if d.dead == nil {
		d.dead = fmt.Errorf("usbip %s: %w", d.addr, ErrClosed)
	}
	d.mu.Unlock()
	err := d.nc.Close()
	<-d.done
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
