package usb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// USB/IP wire format (protocol 0x0111, big-endian), client side. This is
// the driver's own codec: it shares nothing with the emulator's server.
const (
	usbipVersion = 0x0111

	opReqDevlist = 0x8005
	opRepDevlist = 0x0005
	opReqImport  = 0x8003
	opRepImport  = 0x0003

	cmdSubmit = 1
	cmdUnlink = 2
	retSubmit = 3
	retUnlink = 4

	usbipHeaderSize = 48
	udevSize        = 312
	busIDSize       = 32

	urbDirIn     = 0x0200 // URB_DIR_IN, as vhci_hcd sets it
	noISOPackets = 0xffffffff

	// maxDevlist bounds a device list: a server that claims more is
	// broken, and must not make the client allocate for it.
	maxDevlist = 4096
)

// Linux errno values seen (negated) in URB status.
const (
	errnoENOENT     = 2
	errnoENODEV     = 19
	errnoEPIPE      = 32
	errnoETIMEDOUT  = 110
	errnoECONNRESET = 104
	errnoESHUTDOWN  = 108
	errnoEPROTO     = 71
	errnoEOVERFLOW  = 75
)

// RemoteDevice is one device a USB/IP server exports.
type RemoteDevice struct {
	BusID      string
	Path       string
	BusNum     uint32
	DevNum     uint32
	Speed      uint32
	VendorID   uint16
	ProductID  uint16
	Class      uint8
	SubClass   uint8
	Protocol   uint8
	Interfaces [][3]uint8 // class, subclass, protocol of each interface
}

// ID is VID:PID as lsusb writes it.
func (r RemoteDevice) ID() string { return fmt.Sprintf("%04x:%04x", r.VendorID, r.ProductID) }

// opStatusError is a refused OP_REQ_*: status as the Linux tools name
// them.
func opStatusError(status uint32, busID string) error {
	switch status {
	case 2:
		return fmt.Errorf("%w: %s is already imported by another client (status 2, device busy)", ErrBusy, busID)
	case 1, 4:
		return fmt.Errorf("%w: the server exports no device %s (status %d)", ErrNoDevice, busID, status)
	}
	return fmt.Errorf("import of %s refused by the server (status %d)", busID, status)
}

func wireErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))
}

// readOpReply reads an OP_REP_* header and checks its code.
func readOpReply(r io.Reader, code uint16) (status uint32, err error) {
	var h [8]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, fmt.Errorf("reading the reply header: %w", eofAsProtocol(err))
	}
	if v := binary.BigEndian.Uint16(h[0:]); v != usbipVersion {
		return 0, wireErr("server speaks USB/IP version %#04x, not %#04x", v, usbipVersion)
	}
	if c := binary.BigEndian.Uint16(h[2:]); c != code {
		return 0, wireErr("reply code %#04x, expected %#04x", c, code)
	}
	return binary.BigEndian.Uint32(h[4:]), nil
}

func eofAsProtocol(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return wireErr("the server hung up mid-reply")
	}
	return err
}

// parseUdev decodes struct usbip_usb_device.
func parseUdev(b []byte) RemoteDevice {
	cstr := func(b []byte) string {
		if i := strings.IndexByte(string(b), 0); i >= 0 {
			return string(b[:i])
		}
		return string(b)
	}
	return RemoteDevice{
		Path:      cstr(b[0:256]),
		BusID:     cstr(b[256:288]),
		BusNum:    binary.BigEndian.Uint32(b[288:]),
		DevNum:    binary.BigEndian.Uint32(b[292:]),
		Speed:     binary.BigEndian.Uint32(b[296:]),
		VendorID:  binary.BigEndian.Uint16(b[300:]),
		ProductID: binary.BigEndian.Uint16(b[302:]),
		Class:     b[306], SubClass: b[307], Protocol: b[308],
		Interfaces: make([][3]uint8, 0, b[311]),
	}
}

// readDevlist decodes OP_REP_DEVLIST after its header.
func readDevlist(r io.Reader) ([]RemoteDevice, error) {
	var nb [4]byte
	if _, err := io.ReadFull(r, nb[:]); err != nil {
		return nil, eofAsProtocol(err)
	}
	n := binary.BigEndian.Uint32(nb[:])
	if n > maxDevlist {
		return nil, wireErr("device list claims %d devices", n)
	}
	var out []RemoteDevice
	for i := uint32(0); i < n; i++ {
		var u [udevSize]byte
		if _, err := io.ReadFull(r, u[:]); err != nil {
			return nil, eofAsProtocol(err)
		}
		d := parseUdev(u[:])
		for j := 0; j < int(u[311]); j++ {
			var in [4]byte
			if _, err := io.ReadFull(r, in[:]); err != nil {
				return nil, eofAsProtocol(err)
			}
			d.Interfaces = append(d.Interfaces, [3]uint8{in[0], in[1], in[2]})
		}
		out = append(out, d)
	}
	return out, nil
}

func appendOpRequest(b []byte, code uint16, busID string) []byte {
	b = binary.BigEndian.AppendUint16(b, usbipVersion)
	b = binary.BigEndian.AppendUint16(b, code)
	b = binary.BigEndian.AppendUint32(b, 0)
	if code == opReqImport {
		var id [busIDSize]byte
		copy(id[:busIDSize-1], busID)
		b = append(b, id[:]...)
	}
	return b
}

// appendSubmit encodes USBIP_CMD_SUBMIT; ep is the endpoint number, in
// the direction.
func appendSubmit(b []byte, seq, devID uint32, in bool, ep uint8, length int, setup [8]byte, out []byte) []byte {
	dir, flags := uint32(0), uint32(0)
	if in {
		dir, flags = 1, urbDirIn
	}
	for _, v := range []uint32{cmdSubmit, seq, devID, dir, uint32(ep & 0x0f), flags, uint32(length), 0, noISOPackets, 0} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = append(b, setup[:]...)
	return append(b, out...)
}

func appendUnlink(b []byte, seq, devID, target uint32) []byte {
	for _, v := range []uint32{cmdUnlink, seq, devID, 0, 0, target} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return append(b, make([]byte, 24)...)
}

// reply is one RET_SUBMIT or RET_UNLINK.
type reply struct {
	unlink bool
	seq    uint32
	status int32
	actual int
	data   []byte // IN payload
}

// readReply decodes one reply. inLen says, for a RET_SUBMIT's seq,
// whether its URB was IN and how long its buffer is (ok false: a seq the
// client never sent, which leaves the stream undecodable).
func readReply(r io.Reader, inLen func(seq uint32) (in bool, max int, ok bool)) (reply, error) {
	var h [usbipHeaderSize]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return reply{}, wireErr("the server hung up mid-reply")
		}
		return reply{}, err
	}
	rp := reply{seq: binary.BigEndian.Uint32(h[4:]), status: int32(binary.BigEndian.Uint32(h[20:]))}
	switch c := binary.BigEndian.Uint32(h[0:]); c {
	case retUnlink:
		rp.unlink = true
		return rp, nil
	case retSubmit:
	default:
		return reply{}, wireErr("unknown reply command %#x (seq %d)", c, rp.seq)
	}
	actual := binary.BigEndian.Uint32(h[24:])
	if np := binary.BigEndian.Uint32(h[32:]); np != 0 && np != noISOPackets {
		return reply{}, wireErr("seq %d: isochronous reply (%d packets) to a non-isochronous URB", rp.seq, np)
	}
	in, max, ok := inLen(rp.seq)
	if !ok {
		return reply{}, wireErr("RET_SUBMIT for seq %d, which is not pending", rp.seq)
	}
	if uint64(actual) > uint64(max) {
		return reply{}, wireErr("seq %d: actual_length %d exceeds the %d-byte buffer", rp.seq, actual, max)
	}
	rp.actual = int(actual)
	if in && actual > 0 {
		rp.data = make([]byte, actual)
		if _, err := io.ReadFull(r, rp.data); err != nil {
			return reply{}, eofAsProtocol(err)
		}
	}
	return rp, nil
}

// statusError turns a failed URB's status into an error.
func statusError(status int32) error {
	switch -status {
	case errnoEPIPE:
		return ErrStall
	case errnoENODEV, errnoESHUTDOWN:
		return ErrDisconnected
	case errnoETIMEDOUT:
		return fmt.Errorf("device timed out (ETIMEDOUT)")
	case errnoEPROTO:
		return fmt.Errorf("%w: the device reported a transfer error (EPROTO)", ErrProtocol)
	case errnoEOVERFLOW:
		return fmt.Errorf("%w: the device sent more than was asked for (EOVERFLOW)", ErrProtocol)
	}
	return fmt.Errorf("URB failed with status %d", status)
}
