package usb

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
)

// Fake is an in-memory Device for unit tests of code that takes a Device
// (or a port on one). Bulk OUT data is recorded per endpoint; bulk IN
// reads take what Queue queued, waiting for it like a real device.
type Fake struct {
	info Info

	mu        sync.Mutex
	out       map[uint8][]byte
	in        map[uint8][]byte
	ready     chan struct{} // closed and replaced whenever something is queued or the state changes
	onOut     func(ep uint8, data []byte)
	control   func(rType, request uint8, value, index uint16, data []byte) (int, error)
	unplugged bool
	closed    bool
}

// NewFake returns a fake device described by info.
func NewFake(info Info) *Fake {
	return &Fake{info: info, out: map[uint8][]byte{}, in: map[uint8][]byte{}, ready: make(chan struct{})}
}

// NewFakePrinter returns a bidirectional printer-class fake (interface 0,
// bulk OUT 0x01, bulk IN 0x82) that answers GET_DEVICE_ID with deviceID
// and GET_PORT_STATUS with "selected, no error".
func NewFakePrinter(vid, pid uint16, deviceID string) *Fake {
	f := NewFake(Info{
		Address: fmt.Sprintf("fake:%04x:%04x", vid, pid), VendorID: vid, ProductID: pid,
		Config: Config{Value: 1, Interfaces: []Interface{{Number: 0, Class: ClassPrinter, SubClass: 1, Protocol: 2,
			Endpoints: []Endpoint{{Address: 0x01, Type: Bulk, MaxPacketSize: 64}, {Address: 0x82, Type: Bulk, MaxPacketSize: 64}}}}},
	})
	f.control = func(rType, request uint8, _, _ uint16, data []byte) (int, error) {
		switch {
		case rType == 0xa1 && request == 0:
			b := binary.BigEndian.AppendUint16(nil, uint16(len(deviceID)+2))
			return copy(data, append(b, deviceID...)), nil
		case rType == 0xa1 && request == 1 && len(data) > 0:
			data[0] = PortSelected | PortNoError
			return 1, nil
		case rType == 0x21 && request == 2:
			return 0, nil
		}
		return 0, ErrStall
	}
	return f
}

// OnControl sets what answers control transfers (default: stall).
func (f *Fake) OnControl(fn func(rType, request uint8, value, index uint16, data []byte) (int, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.control = fn
}

// OnBulkOut sets a hook called with every bulk OUT, after it is
// recorded; it may Queue a reply, as a printer answers DLE EOT.
func (f *Fake) OnBulkOut(fn func(ep uint8, data []byte)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onOut = fn
}

// Queue makes b available to bulk IN reads of ep.
func (f *Fake) Queue(ep uint8, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.in[ep] = append(f.in[ep], b...)
	f.wake()
}

// Written returns everything written to OUT endpoint ep.
func (f *Fake) Written(ep uint8) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte(nil), f.out[ep]...)
}

// Unplug makes every transfer, pending or later, fail with
// ErrDisconnected.
func (f *Fake) Unplug() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unplugged = true
	f.wake()
}

func (f *Fake) wake() {
	close(f.ready)
	f.ready = make(chan struct{})
}

// check reports why a transfer cannot run; the caller holds f.mu.
func (f *Fake) check() error {
	switch {
	case f.closed:
		return ErrClosed
	case f.unplugged:
		return ErrDisconnected
	}
	return nil
}

func (f *Fake) Info() Info { return f.info }

func (f *Fake) Control(ctx context.Context, rType, request uint8, value, index uint16, data []byte) (int, error) {
	f.mu.Lock()
	err := f.check()
	fn := f.control
	f.mu.Unlock()
	if err == nil {
		err = ctx.Err()
	}
	if err == nil && fn == nil {
		err = ErrStall
	}
	if err != nil {
		return 0, &TransferError{Op: "control", Address: f.info.Address, Err: err}
	}
	n, err := fn(rType, request, value, index, data)
	if err != nil {
		return n, &TransferError{Op: "control", Address: f.info.Address, Err: err}
	}
	return n, nil
}

func (f *Fake) BulkOut(ctx context.Context, ep uint8, data []byte) (int, error) {
	f.mu.Lock()
	err := f.check()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		f.mu.Unlock()
		return 0, &TransferError{Op: "bulk out", Address: f.info.Address, EP: ep, Err: err}
	}
	f.out[ep] = append(f.out[ep], data...)
	hook := f.onOut
	f.mu.Unlock()
	if hook != nil {
		hook(ep, append([]byte(nil), data...))
	}
	return len(data), nil
}

func (f *Fake) BulkIn(ctx context.Context, ep uint8, buf []byte) (int, error) {
	for {
		f.mu.Lock()
		if err := f.check(); err != nil {
			f.mu.Unlock()
			return 0, &TransferError{Op: "bulk in", Address: f.info.Address, EP: ep, Err: err}
		}
		if q := f.in[ep]; len(q) > 0 {
			n := copy(buf, q)
			f.in[ep] = q[n:]
			f.mu.Unlock()
			return n, nil
		}
		ready := f.ready
		f.mu.Unlock()
		select {
		case <-ready:
		case <-ctx.Done():
			return 0, &TransferError{Op: "bulk in", Address: f.info.Address, EP: ep, Err: ctx.Err()}
		}
	}
}

// Close makes every transfer, pending or later, fail with ErrClosed.
func (f *Fake) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		f.wake()
	}
	return nil
}
