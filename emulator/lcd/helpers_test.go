package lcd_test

import (
	"bytes"
	"sync"
)

// The test side has its own encoder, written from docs/protocols/lcd.md,
// so the model is checked against the spec and not against itself.

func crc16(b []byte) uint16 {
	c := uint16(0xFFFF)
	for _, x := range b {
		for i := 7; i >= 0; i-- {
			bit := (x>>i)&1 != 0
			top := c&0x8000 != 0
			c <<= 1
			if bit != top {
				c ^= 0x1021
			}
		}
	}
	return c
}

func crc8(b []byte) byte {
	var c byte
	for _, x := range b {
		for i := 7; i >= 0; i-- {
			bit := (x>>i)&1 != 0
			top := c&0x80 != 0
			c <<= 1
			if bit != top {
				c ^= 0x07
			}
		}
	}
	return c
}

func mkFrame(seq, cmd byte, payload []byte) []byte {
	h := []byte{seq, byte(len(payload)), byte(len(payload) >> 8), cmd}
	f := append([]byte{0x02}, h...)
	f = append(f, crc8(h))
	f = append(f, payload...)
	c := crc16(f[1:])
	return append(f, byte(c), byte(c>>8))
}

func u16(v int) []byte { return []byte{byte(v), byte(v >> 8)} }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func clearP(color int) []byte { return u16(color) }

// textP builds a TEXT payload; align 0 left, 1 centre, 2 right.
func textP(x, y, w, size int, inverse bool, align int, fg, bg int, s string) []byte {
	flags := byte(align << 1)
	if inverse {
		flags |= 1
	}
	return cat(u16(x), u16(y), u16(w), []byte{byte(size), flags}, u16(fg), u16(bg), []byte(s))
}

func rectP(x, y, w, h, color int) []byte { return cat(u16(x), u16(y), u16(w), u16(h), u16(color)) }

func bitmap1P(x, y, w, h, on, off int, bits []byte) []byte {
	return cat(u16(x), u16(y), u16(w), u16(h), u16(on), u16(off), bits)
}

func bitmap565P(x, y, w, h int, px []int) []byte {
	b := cat(u16(x), u16(y), u16(w), u16(h))
	for _, p := range px {
		b = append(b, u16(p)...)
	}
	return b
}

func qrP(x, y, module, level int, s string) []byte {
	return cat(u16(x), u16(y), []byte{byte(module), byte(level), 0, 0}, []byte(s))
}

// reply is one frame the display sent back.
type reply struct {
	seq, cmd byte
	payload  []byte
}

// hostSide collects what the model writes and splits it into frames,
// checking both CRCs of each.
type hostSide struct {
	mu  sync.Mutex
	buf []byte
	bad int
}

func (h *hostSide) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.buf = append(h.buf, p...)
	return len(p), nil
}

func (h *hostSide) replies() []reply {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []reply
	b := h.buf
	for len(b) >= 8 {
		if b[0] != 0x02 || crc8(b[1:5]) != b[5] {
			h.bad++
			b = b[1:]
			continue
		}
		n := int(b[2]) | int(b[3])<<8
		if len(b) < 8+n {
			break
		}
		c := crc16(b[1 : 6+n])
		if byte(c) != b[6+n] || byte(c>>8) != b[7+n] {
			h.bad++
			b = b[1:]
			continue
		}
		out = append(out, reply{seq: b[1], cmd: b[4], payload: append([]byte{}, b[6:6+n]...)})
		b = b[8+n:]
	}
	return out
}

func (h *hostSide) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.buf = nil
}

const (
	ack  = 0x06
	nak  = 0x15
	info = 0x92
)
