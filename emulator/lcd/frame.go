package lcd

import "bytes"

// Wire constants from docs/protocols/lcd.md. They are spelled out here and
// not shared with drivers/lcd on purpose: each side decodes the bytes on its
// own, so a misreading of the spec shows up as a failing cross-test instead
// of hiding behind a common codec.
const (
	sof        = 0x02
	headerLen  = 6 // SOF SEQ LEN(2) CMD HCS
	crcLen     = 2
	MaxPayload = 1024 // largest payload the model accepts (announced in INFO)
	Protocol   = 1    // protocol version announced in INFO
)

// Command and reply codes.
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

// NAK reason codes.
const (
	NakBadCRC     byte = 0x01
	NakBadLength  byte = 0x02
	NakUnknownCmd byte = 0x03
	NakBadPayload byte = 0x04
	NakBusy       byte = 0x05
)

// NakReason names a NAK reason code for events and messages.
func NakReason(code byte) string {
	switch code {
	case NakBadCRC:
		return "bad-crc"
	case NakBadLength:
		return "bad-length"
	case NakUnknownCmd:
		return "unknown-command"
	case NakBadPayload:
		return "bad-payload"
	case NakBusy:
		return "busy"
	}
	return "unknown-reason"
}

func cmdName(cmd byte) string {
	switch cmd {
	case cmdClear:
		return "clear"
	case cmdBacklight:
		return "backlight"
	case cmdInfo:
		return "info"
	case cmdText:
		return "text"
	case cmdFillRect:
		return "fill-rect"
	case cmdStrokeRect:
		return "stroke-rect"
	case cmdBitmap1:
		return "bitmap1"
	case cmdBitmap565:
		return "bitmap565"
	case cmdQR:
		return "qr"
	}
	return "unknown"
}

// crc16 is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection).
func crc16(b []byte) uint16 {
	c := uint16(0xFFFF)
	for _, x := range b {
		c ^= uint16(x) << 8
		for i := 0; i < 8; i++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// crc8 is CRC-8/SMBUS (poly 0x07, init 0x00), the header check.
func crc8(b []byte) byte {
	var c byte
	for _, x := range b {
		c ^= x
		for i := 0; i < 8; i++ {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func le16(b []byte) int { return int(b[0]) | int(b[1])<<8 }

// encodeFrame builds a reply frame.
func encodeFrame(seq, cmd byte, payload []byte) []byte {
	f := make([]byte, 0, headerLen+len(payload)+crcLen)
	f = append(f, sof, seq, byte(len(payload)), byte(len(payload)>>8), cmd)
	f = append(f, crc8(f[1:5]))
	f = append(f, payload...)
	c := crc16(f[1:])
	return append(f, byte(c), byte(c>>8))
}

// frame is one frame that passed both checks.
type frame struct {
	seq     byte
	cmd     byte
	payload []byte
	crc     uint16
}

// decoder applies the receiver rules of the spec to a byte stream. It keeps
// the unconsumed bytes so that, after a failed check, it can hunt for the
// next start of frame inside what it has already received.
type decoder struct {
	buf []byte
}

// decodeSink receives what the decoder found.
type decodeSink interface {
	frame(f frame)
	nak(seq, reason byte)
	garbage(n int) // bytes discarded while hunting or with a bad header
}

// feed appends p and emits every complete frame, NAK and discarded run.
func (d *decoder) feed(p []byte, s decodeSink) {
	d.buf = append(d.buf, p...)
	buf := d.buf
	for len(buf) > 0 {
		if buf[0] != sof {
			i := bytes.IndexByte(buf, sof)
			if i < 0 {
				s.garbage(len(buf))
				buf = buf[len(buf):]
				break
			}
			s.garbage(i)
			buf = buf[i:]
		}
		if len(buf) < headerLen {
			break
		}
		if crc8(buf[1:5]) != buf[5] {
			s.garbage(1)
			buf = buf[1:]
			continue
		}
		seq, n := buf[1], le16(buf[2:4])
		if n > MaxPayload {
			s.nak(seq, NakBadLength)
			buf = buf[1:]
			continue
		}
		total := headerLen + n + crcLen
		if len(buf) < total {
			break
		}
		got := uint16(le16(buf[headerLen+n:]))
		if crc16(buf[1:headerLen+n]) != got {
			s.nak(seq, NakBadCRC)
			buf = buf[1:]
			continue
		}
		s.frame(frame{seq: seq, cmd: buf[4], payload: buf[headerLen : headerLen+n], crc: got})
		buf = buf[total:]
	}
	// Keep the tail at the front of the buffer so it never grows past one
	// frame plus one read, however long the stream runs.
	d.buf = append(d.buf[:0], buf...)
}
