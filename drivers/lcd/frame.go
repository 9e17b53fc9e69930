package lcd

import (
	"bytes"
	"fmt"
)

// Wire constants from docs/protocols/lcd.md, written out here on their own:
// the emulator's decoder is a separate implementation of the same spec.
const (
	sof        = 0x02
	headerLen  = 6 // SOF SEQ LEN(2) CMD HCS
	crcLen     = 2
	maxPayload = 1024
)

const (
	cmdClear      = 0x10
	cmdBacklight  = 0x11
	cmdInfo       = 0x12
	cmdText       = 0x20
	cmdFillRect   = 0x30
	cmdStrokeRect = 0x31
	cmdBitmap1    = 0x40
	cmdBitmap565  = 0x41
	cmdQR         = 0x50

	replyACK  = 0x06
	replyNAK  = 0x15
	replyInfo = 0x92
)

var cmdNames = map[byte]string{
	cmdClear: "clear", cmdBacklight: "backlight", cmdInfo: "info", cmdText: "text",
	cmdFillRect: "fill-rect", cmdStrokeRect: "stroke-rect", cmdBitmap1: "bitmap1",
	cmdBitmap565: "bitmap565", cmdQR: "qr",
}

func cmdName(c byte) string {
	if n, ok := cmdNames[c]; ok {
		return n
	}
	return fmt.Sprintf("command 0x%02X", c)
}

// Reason is why the display NAKed a frame.
type Reason byte

// NAK reasons.
const (
	ReasonBadCRC     Reason = 0x01
	ReasonBadLength  Reason = 0x02
	ReasonUnknownCmd Reason = 0x03
	ReasonBadPayload Reason = 0x04
	ReasonBusy       Reason = 0x05
)

func (r Reason) String() string {
	switch r {
	case ReasonBadCRC:
		return "bad CRC"
	case ReasonBadLength:
		return "bad length"
	case ReasonUnknownCmd:
		return "unknown command"
	case ReasonBadPayload:
		return "bad payload"
	case ReasonBusy:
		return "busy"
	}
	return fmt.Sprintf("reason 0x%02X", byte(r))
}

// transient reports whether a retransmission can cure the NAK: the frame
// was damaged on the line, or the display was busy. A command the display
// understood and refused will be refused again.
func (r Reason) transient() bool {
	return r == ReasonBadCRC || r == ReasonBadLength || r == ReasonBusy
}

// crc16 is CRC-16/CCITT-FALSE, table-driven: the driver runs on the
// terminal's small CPU and checksums every frame it sends.
func crc16(b []byte) uint16 {
	c := uint16(0xFFFF)
	for _, x := range b {
		c = c<<8 ^ crc16Table[byte(c>>8)^x]
	}
	return c
}

var crc16Table = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for j := 0; j < 8; j++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crc8 is CRC-8/SMBUS, the header check.
func crc8(b []byte) byte {
	var c byte
	for _, x := range b {
		c ^= x
		for j := 0; j < 8; j++ {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func appendFrame(dst []byte, seq, cmd byte, payload []byte) []byte {
	start := len(dst)
	dst = append(dst, sof, seq, byte(len(payload)), byte(len(payload)>>8), cmd)
	dst = append(dst, crc8(dst[start+1:start+5]))
	dst = append(dst, payload...)
	c := crc16(dst[start+1:])
	return append(dst, byte(c), byte(c>>8))
}

// reply is a frame the display sent.
type reply struct {
	seq, cmd byte
	payload  []byte
}

// replyDecoder splits the display's byte stream into frames with the same
// receiver rules the display applies, minus the NAKs: a host answers
// nothing, it only drops what it cannot read.
type replyDecoder struct {
	buf []byte
}

func (d *replyDecoder) reset() { d.buf = d.buf[:0] }

// next returns the next complete, valid frame in the buffer, if any.
func (d *replyDecoder) next() (reply, bool) {
	for {
		i := bytes.IndexByte(d.buf, sof)
		if i < 0 {
			d.buf = d.buf[:0]
			return reply{}, false
		}
		d.buf = d.buf[i:]
		if len(d.buf) < headerLen {
			return reply{}, false
		}
		n := int(d.buf[2]) | int(d.buf[3])<<8
		if crc8(d.buf[1:5]) != d.buf[5] || n > maxPayload {
			d.buf = d.buf[1:]
			continue
		}
		total := headerLen + n + crcLen
		if len(d.buf) < total {
			return reply{}, false
		}
		c := crc16(d.buf[1 : headerLen+n])
		if byte(c) != d.buf[headerLen+n] || byte(c>>8) != d.buf[headerLen+n+1] {
			d.buf = d.buf[1:]
			continue
		}
		r := reply{seq: d.buf[1], cmd: d.buf[4], payload: append([]byte(nil), d.buf[headerLen:headerLen+n]...)}
		d.buf = append(d.buf[:0], d.buf[total:]...)
		return r, true
	}
}
