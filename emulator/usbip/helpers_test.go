package usbip_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/usbip"
)

// The test client writes PDUs byte by byte from the protocol description
// (docs/usbip.md), not with the server's encoder, so that a mistake in
// one does not hide in the other.

func dial(addr string) net.Conn {
	c, err := net.Dial("tcp", addr)
	Expect(err).NotTo(HaveOccurred())
	return c
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func opReq(code uint16, busID string) []byte {
	b := cat(be16(0x0111), be16(code), be32(0))
	if code == 0x8003 {
		id := make([]byte, 32)
		copy(id, busID)
		b = append(b, id...)
	}
	return b
}

func readN(c net.Conn, n int) []byte {
	b := make([]byte, n)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.ReadFull(c, b)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// importDev imports busID and returns the OP_REP_IMPORT status and the
// devid (bus<<16|dev) it names.
func importDev(c net.Conn, busID string) (status uint32, devID uint32) {
	_, err := c.Write(opReq(0x8003, busID))
	Expect(err).NotTo(HaveOccurred())
	h := readN(c, 8)
	Expect(binary.BigEndian.Uint16(h[0:])).To(Equal(uint16(0x0111)))
	Expect(binary.BigEndian.Uint16(h[2:])).To(Equal(uint16(0x0003)))
	status = binary.BigEndian.Uint32(h[4:])
	if status != 0 {
		return status, 0
	}
	udev := readN(c, 312)
	Expect(string(bytes.TrimRight(udev[256:288], "\x00"))).To(Equal(busID))
	return 0, binary.BigEndian.Uint32(udev[288:])<<16 | binary.BigEndian.Uint32(udev[292:])
}

func submit(seq, devID, dir, ep, length uint32, setup []byte, data []byte) []byte {
	if setup == nil {
		setup = make([]byte, 8)
	}
	return cat(be32(1), be32(seq), be32(devID), be32(dir), be32(ep),
		be32(0), be32(length), be32(0), be32(0xffffffff), be32(0), setup, data)
}

func unlink(seq, devID, target uint32) []byte {
	return cat(be32(2), be32(seq), be32(devID), be32(0), be32(0), be32(target), make([]byte, 24))
}

func setup(rt, req uint8, value, index, length uint16) []byte {
	b := []byte{rt, req}
	b = binary.LittleEndian.AppendUint16(b, value)
	b = binary.LittleEndian.AppendUint16(b, index)
	return binary.LittleEndian.AppendUint16(b, length)
}

type reply struct {
	command uint32
	seq     uint32
	status  int32
	actual  uint32
	data    []byte
}

// readReply reads one RET_SUBMIT or RET_UNLINK; in says whether a
// RET_SUBMIT carries a payload (an IN transfer).
func readReply(c net.Conn, in bool) reply {
	h := readN(c, 48)
	r := reply{command: binary.BigEndian.Uint32(h[0:]), seq: binary.BigEndian.Uint32(h[4:]),
		status: int32(binary.BigEndian.Uint32(h[20:]))}
	Expect(h[8:20]).To(Equal(make([]byte, 12)), "devid, direction, ep are 0 in replies")
	if r.command == 3 {
		r.actual = binary.BigEndian.Uint32(h[24:])
		if in && r.actual > 0 {
			r.data = readN(c, int(r.actual))
		}
	}
	return r
}

func send(c net.Conn, b []byte) {
	_, err := c.Write(b)
	Expect(err).NotTo(HaveOccurred())
}

// control runs one control transfer and returns its reply.
func control(c net.Conn, seq, devID uint32, rt, req uint8, value, index, length uint16, data []byte) reply {
	dir := uint32(0)
	if rt&0x80 != 0 {
		dir = 1
	}
	n := uint32(length)
	send(c, submit(seq, devID, dir, 0, n, setup(rt, req, value, index, length), data))
	r := readReply(c, dir == 1)
	Expect(r.command).To(Equal(uint32(3)))
	Expect(r.seq).To(Equal(seq))
	return r
}

// loopDevice is a test device: bulk OUT 0x01 collects, bulk IN 0x82
// hands out what was queued with Push, vendor request 0x42 echoes wValue.
type loopDevice struct {
	vid, pid uint16

	mu       sync.Mutex
	out      []byte
	in       chan []byte
	waiting  chan struct{} // a bulk IN has started waiting
	imported int
	released int
}

func newLoopDevice(vid, pid uint16) *loopDevice {
	return &loopDevice{vid: vid, pid: pid, in: make(chan []byte, 16), waiting: make(chan struct{}, 16)}
}

func (d *loopDevice) Descriptor() usbip.Descriptor {
	return usbip.Descriptor{
		VendorID: d.vid, ProductID: d.pid, DeviceVersion: 0x0100,
		Manufacturer: "posemu", Product: "Loop", Serial: "L1",
		MaxPowerMA: 100,
		Interfaces: []usbip.Interface{
			{Number: 0, Class: 0xff, SubClass: 1, Protocol: 2, Name: "loop", Endpoints: []usbip.Endpoint{
				{Address: 0x01, Type: usbip.TransferBulk, MaxPacketSize: 64, Out: d.bulkOut},
				{Address: 0x82, Type: usbip.TransferBulk, MaxPacketSize: 64, In: d.bulkIn},
			}},
			{Number: 0, Alt: 1, Class: 0xff},
		},
	}
}

func (d *loopDevice) Control(ctx context.Context, s usbip.Setup, data []byte) ([]byte, error) {
	if s.RequestType == 0xc0 && s.Request == 0x42 {
		return be16(s.Value), nil
	}
	return nil, usbip.ErrStall
}

func (d *loopDevice) bulkOut(ctx context.Context, data []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.out = append(d.out, data...)
	return len(data), nil
}

func (d *loopDevice) bulkIn(ctx context.Context, max int) ([]byte, error) {
	select {
	case d.waiting <- struct{}{}:
	default:
	}
	select {
	case b := <-d.in:
		return b[:min(len(b), max)], nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (d *loopDevice) Imported() { d.mu.Lock(); d.imported++; d.mu.Unlock() }
func (d *loopDevice) Released() { d.mu.Lock(); d.released++; d.mu.Unlock() }

func (d *loopDevice) received() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]byte(nil), d.out...)
}

func (d *loopDevice) counts() [2]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return [2]int{d.imported, d.released}
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
