package usbip

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ProtocolVersion is the USB/IP version this server speaks (and that the
// Linux usbip tools and vhci_hcd send).
const ProtocolVersion = 0x0111

// Operation codes of the phase before import.
const (
	opReqDevlist = 0x8005
	opRepDevlist = 0x0005
	opReqImport  = 0x8003
	opRepImport  = 0x0003
)

// Status values of OP_REP_*, as the Linux tools name them.
const (
	stOK      = 0
	stNA      = 1
	stDevBusy = 2
	stNoDev   = 4
)

// Commands of the URB phase.
const (
	cmdSubmit = 1
	cmdUnlink = 2
	retSubmit = 3
	retUnlink = 4
)

const (
	dirOut = 0
	dirIn  = 1
)

// Linux errno values that travel, negated, in RET_SUBMIT and RET_UNLINK.
const (
	errnoENODEV     = 19
	errnoEPIPE      = 32
	errnoEPROTO     = 71
	errnoEOVERFLOW  = 75
	errnoECONNRESET = 104
	errnoESHUTDOWN  = 108
	errnoEINVAL     = 22
)

const (
	busIDSize      = 32
	pathSize       = 256
	opHeaderSize   = 8
	urbHeaderSize  = 48
	isoDescSize    = 16
	maxISOPackets  = 1024
	noISOPackets   = 0xffffffff
	udevSize       = pathSize + busIDSize + 24
	udevIfaceSize  = 4
	setupPacketLen = 8
)

// DefaultMaxTransfer bounds the data of one URB: far above what usbfs
// submits in one go, far below what would let a client make the server
// allocate without limit.
const DefaultMaxTransfer = 16 << 20

// ProtocolError is a PDU the server refuses: the connection that sent it
// is closed, and only that one.
type ProtocolError struct{ Reason string }

func (e *ProtocolError) Error() string { return "usbip: " + e.Reason }

func protoErr(format string, args ...any) error {
	return &ProtocolError{Reason: fmt.Sprintf(format, args...)}
}

// opRequest is the first PDU of a connection.
type opRequest struct {
	version uint16
	code    uint16
	busID   string // OP_REQ_IMPORT only
}

// readOpRequest decodes OP_REQ_DEVLIST or OP_REQ_IMPORT.
func readOpRequest(r io.Reader) (opRequest, error) {
	var h [opHeaderSize]byte
	if err := readFull(r, h[:], "operation header"); err != nil {
		return opRequest{}, err
	}
	req := opRequest{version: be16(h[0:]), code: be16(h[2:])}
	if req.version != ProtocolVersion {
		return req, protoErr("protocol version %#04x, want %#04x", req.version, ProtocolVersion)
	}
	switch req.code {
	case opReqDevlist:
		return req, nil
	case opReqImport:
		var b [busIDSize]byte
		if err := readFull(r, b[:], "OP_REQ_IMPORT bus id"); err != nil {
			return req, err
		}
		req.busID = cString(b[:])
		return req, nil
	}
	return req, protoErr("unknown operation code %#04x", req.code)
}

// command is one decoded USBIP_CMD_SUBMIT or USBIP_CMD_UNLINK.
type command struct {
	code      uint32
	seq       uint32
	devID     uint32
	dir       uint32
	ep        uint32
	flags     uint32
	length    uint32
	interval  uint32
	packets   uint32 // number_of_packets as sent; 0 or 0xffffffff when not isochronous
	setup     [setupPacketLen]byte
	data      []byte // OUT payload
	unlinkSeq uint32
}

func (c *command) iso() bool { return c.packets != 0 && c.packets != noISOPackets }

// readCommand decodes one PDU of the URB phase, payload included; max
// bounds transfer_buffer_length.
func readCommand(r io.Reader, max int) (*command, error) {
	var h [urbHeaderSize]byte
	if err := readFull(r, h[:], "URB header"); err != nil {
		return nil, err
	}
	c := &command{
		code:  be32(h[0:]),
		seq:   be32(h[4:]),
		devID: be32(h[8:]),
		dir:   be32(h[12:]),
		ep:    be32(h[16:]),
	}
	if c.dir != dirOut && c.dir != dirIn {
		return nil, protoErr("seq %d: direction %d is neither 0 (out) nor 1 (in)", c.seq, c.dir)
	}
	if c.ep > 15 {
		return nil, protoErr("seq %d: endpoint %d is above 15", c.seq, c.ep)
	}
	switch c.code {
	case cmdUnlink:
		c.unlinkSeq = be32(h[20:])
		return c, nil
	case cmdSubmit:
	default:
		return nil, protoErr("seq %d: unknown command %#x", c.seq, c.code)
	}
	c.flags = be32(h[20:])
	c.length = be32(h[24:])
	c.packets = be32(h[32:])
	c.interval = be32(h[36:])
	copy(c.setup[:], h[40:48])
	if uint64(c.length) > uint64(max) {
		return nil, protoErr("seq %d: transfer_buffer_length %d is above the limit of %d", c.seq, c.length, max)
	}
	if c.iso() && c.packets > maxISOPackets {
		return nil, protoErr("seq %d: number_of_packets %d is above %d", c.seq, c.packets, maxISOPackets)
	}
	if c.dir == dirOut && c.length > 0 {
		data, err := readGrowing(r, int(c.length), fmt.Sprintf("seq %d: OUT payload", c.seq))
		if err != nil {
			return nil, err
		}
		c.data = data
	}
	if c.iso() {
		// The descriptors are read only to stay in step with the stream:
		// no device here has an isochronous endpoint.
		if _, err := readGrowing(r, int(c.packets)*isoDescSize, fmt.Sprintf("seq %d: ISO descriptors", c.seq)); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// readGrowing reads n bytes without trusting n for the allocation: a
// header that claims megabytes and then ends costs only what arrived.
func readGrowing(r io.Reader, n int, what string) ([]byte, error) {
	const step = 64 << 10
	buf := make([]byte, 0, min(n, step))
	for len(buf) < n {
		k := min(n-len(buf), step)
		start := len(buf)
		buf = append(buf, make([]byte, k)...)
		if err := readFull(r, buf[start:], what); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// readFull is io.ReadFull that names what was cut short; a stream that
// ends between PDUs gives io.EOF, one that ends inside a PDU a
// ProtocolError.
func readFull(r io.Reader, b []byte, what string) error {
	n, err := io.ReadFull(r, b)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF) && n == 0 && (what == "operation header" || what == "URB header"):
		return io.EOF // a clean end between PDUs
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return protoErr("truncated PDU: %s ends after %d of %d bytes", what, n, len(b))
	}
	return err
}

func appendOpHeader(b []byte, code uint16, status uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, ProtocolVersion)
	b = binary.BigEndian.AppendUint16(b, code)
	return binary.BigEndian.AppendUint32(b, status)
}

// appendRetSubmit encodes RET_SUBMIT; data is the IN payload (nil for
// OUT: Linux vhci_hcd reads no payload for an OUT URB and drops the
// device when one follows).
func appendRetSubmit(b []byte, seq uint32, status int32, actual uint32, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, retSubmit)
	b = binary.BigEndian.AppendUint32(b, seq)
	b = append(b, make([]byte, 12)...) // devid, direction, ep: 0 in replies
	b = binary.BigEndian.AppendUint32(b, uint32(status))
	b = binary.BigEndian.AppendUint32(b, actual)
	b = append(b, make([]byte, 20)...) // start_frame, number_of_packets, error_count, padding
	return append(b, data...)
}

func appendRetUnlink(b []byte, seq uint32, status int32) []byte {
	b = binary.BigEndian.AppendUint32(b, retUnlink)
	b = binary.BigEndian.AppendUint32(b, seq)
	b = append(b, make([]byte, 12)...)
	b = binary.BigEndian.AppendUint32(b, uint32(status))
	return append(b, make([]byte, 24)...)
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func putCString(dst []byte, s string) {
	n := copy(dst[:len(dst)-1], s)
	clear(dst[n:])
}
