package usb_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"sync"

	. "github.com/onsi/gomega"
)

// scriptServer is a USB/IP server written for these tests from the
// protocol description, independent of the emulator's: one printer at
// bus id 1-1 (devid 0x00010002), bulk OUT 0x01 recorded, bulk IN 0x82
// pending until Reply queues bytes.
type scriptServer struct {
	l net.Listener

	mu       sync.Mutex
	out      []byte
	queued   []byte
	pending  []uint32 // IN seqs waiting, oldest first
	conn     net.Conn
	wmu      sync.Mutex
	imported bool
	noUnlink bool // ignore UNLINKs (a broken server)
}

const scriptDevID = 0x00010002

var (
	scriptDeviceDesc = []byte{18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xb8, 0x04, 0x02, 0x02, 0x00, 0x01, 1, 2, 3, 1}
	scriptConfigDesc = []byte{9, 2, 32, 0, 1, 1, 0, 0xc0, 1,
		9, 4, 0, 0, 2, 7, 1, 2, 0,
		7, 5, 0x01, 2, 64, 0, 0,
		7, 5, 0x82, 2, 64, 0, 0}
	scriptDeviceID = "MFG:EPSON;CMD:ESC/POS;MDL:TM-T88V;"
)

func newScriptServer() *scriptServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	s := &scriptServer{l: l}
	go s.accept()
	return s
}

func (s *scriptServer) addr() string { return s.l.Addr().String() }

func (s *scriptServer) close() {
	s.l.Close()
	s.mu.Lock()
	if s.conn != nil {
		s.conn.Close()
	}
	s.mu.Unlock()
}

func (s *scriptServer) accept() {
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		go s.serve(c)
	}
}

func u32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

func udev() []byte {
	b := make([]byte, 288)
	copy(b[256:], "1-1")
	b = append(b, u32(1, 2, 2)...)
	b = append(b, 0x04, 0xb8, 0x02, 0x02, 0x01, 0x00, 0, 0, 0, 1, 1, 1)
	return b
}

func (s *scriptServer) write(b []byte) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.conn.Write(b)
}

func retSubmit(seq uint32, status int32, data []byte, actual int) []byte {
	b := u32(3, seq, 0, 0, 0, uint32(status), uint32(actual), 0, 0, 0, 0, 0)
	return append(b, data...)
}

func (s *scriptServer) serve(c net.Conn) {
	defer c.Close()
	h := make([]byte, 8)
	if _, err := io.ReadFull(c, h); err != nil {
		return
	}
	switch binary.BigEndian.Uint16(h[2:]) {
	case 0x8005:
		c.Write(append([]byte{1, 0x11, 0, 5, 0, 0, 0, 0}, append(u32(1), append(udev(), 7, 1, 2, 0)...)...))
		return
	case 0x8003:
		id := make([]byte, 32)
		io.ReadFull(c, id)
		s.mu.Lock()
		known := string(bytes.TrimRight(id, "\x00")) == "1-1"
		busy := known && s.imported
		if known && !busy {
			s.imported = true
			s.conn = c
		}
		s.mu.Unlock()
		switch {
		case busy:
			c.Write([]byte{1, 0x11, 0, 3, 0, 0, 0, 2})
			return
		case !known:
			c.Write([]byte{1, 0x11, 0, 3, 0, 0, 0, 1})
			return
		}
		c.Write(append([]byte{1, 0x11, 0, 3, 0, 0, 0, 0}, udev()...))
	}
	defer func() { s.mu.Lock(); s.imported = false; s.mu.Unlock() }()
	for {
		hdr := make([]byte, 48)
		if _, err := io.ReadFull(c, hdr); err != nil {
			return
		}
		cmd, seq := binary.BigEndian.Uint32(hdr), binary.BigEndian.Uint32(hdr[4:])
		dir, ep := binary.BigEndian.Uint32(hdr[12:]), binary.BigEndian.Uint32(hdr[16:])
		if cmd == 2 {
			s.unlink(seq, binary.BigEndian.Uint32(hdr[20:]))
			continue
		}
		length := int(binary.BigEndian.Uint32(hdr[24:]))
		var data []byte
		if dir == 0 && length > 0 {
			data = make([]byte, length)
			if _, err := io.ReadFull(c, data); err != nil {
				return
			}
		}
		switch {
		case ep == 0:
			s.control(seq, hdr[40:48], length)
		case dir == 0:
			s.mu.Lock()
			s.out = append(s.out, data...)
			s.mu.Unlock()
			s.write(retSubmit(seq, 0, nil, length))
		default:
			s.mu.Lock()
			s.pending = append(s.pending, seq)
			s.mu.Unlock()
			s.deliver()
		}
	}
}

func (s *scriptServer) control(seq uint32, setup []byte, length int) {
	rt, req := setup[0], setup[1]
	value := binary.LittleEndian.Uint16(setup[2:])
	var reply []byte
	switch {
	case rt == 0x80 && req == 6 && value == 0x0100:
		reply = scriptDeviceDesc
	case rt == 0x80 && req == 6 && value == 0x0200:
		reply = scriptConfigDesc
	case rt == 0x80 && req == 6 && value>>8 == 3:
		reply = []byte{10, 3, 'T', 0, 'E', 0, 'S', 0, 'T', 0}
	case rt == 0x80 && req == 8:
		reply = []byte{1}
	case rt == 0xa1 && req == 0:
		reply = append(binary.BigEndian.AppendUint16(nil, uint16(len(scriptDeviceID)+2)), scriptDeviceID...)
	case rt == 0xa1 && req == 1:
		reply = []byte{0x18}
	default:
		s.write(retSubmit(seq, -32, nil, 0))
		return
	}
	reply = reply[:min(len(reply), length)]
	s.write(retSubmit(seq, 0, reply, len(reply)))
}

func (s *scriptServer) unlink(seq, target uint32) {
	s.mu.Lock()
	if s.noUnlink {
		s.mu.Unlock()
		return
	}
	status := int32(0)
	for i, p := range s.pending {
		if p == target {
			s.pending = append(s.pending[:i:i], s.pending[i+1:]...)
			status = -104
			break
		}
	}
	s.mu.Unlock()
	s.write(u32(4, seq, 0, 0, 0, uint32(status), 0, 0, 0, 0, 0, 0))
}

// reply queues bytes for the pending and later bulk IN reads.
func (s *scriptServer) reply(b []byte) {
	s.mu.Lock()
	s.queued = append(s.queued, b...)
	s.mu.Unlock()
	s.deliver()
}

func (s *scriptServer) deliver() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.pending) > 0 && len(s.queued) > 0 {
		seq := s.pending[0]
		s.pending = s.pending[1:]
		data := s.queued
		s.queued = nil
		s.write(retSubmit(seq, 0, data, len(data)))
	}
}

// unplug fails the pending reads with ESHUTDOWN and hangs up.
func (s *scriptServer) unplug() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, seq := range s.pending {
		s.write(retSubmit(seq, -108, nil, 0))
	}
	s.pending = nil
	if s.conn != nil {
		s.conn.Close()
	}
}

func (s *scriptServer) received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.out...)
}

func (s *scriptServer) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}
