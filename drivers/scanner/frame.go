package scanner

// aimLen is the length of an AIM symbology identifier: ']', a symbology
// letter and a modifier character, e.g. "]Q1" for QR Code, "]C0" Code 128.
const aimLen = 3

// framer cuts a byte stream into codes. It is the only code in this package
// that looks at the bytes, so the fuzz target exercises all of it.
type framer struct {
	term   [256]bool // bytes that end a code
	prefix string
	aim    bool
	max    int // longest code returned
	limit  int // most bytes a frame may hold before it is too long

	buf        []byte
	discarding bool // skipping the rest of a too-long frame
}

// newFramer ends codes at any byte of suffix and at CR and LF: scanners
// configured for CRLF sometimes send a bare CR and the other way round, and
// a code never legitimately contains either.
func newFramer(suffix, prefix string, aim bool, max int) *framer {
	f := &framer{prefix: prefix, aim: aim, max: max, limit: len(prefix) + max}
	if aim {
		f.limit += aimLen
	}
	for i := 0; i < len(suffix); i++ {
		f.term[suffix[i]] = true
	}
	f.term['\r'], f.term['\n'] = true, true
	return f
}

// push consumes one byte. done is true when a frame ended with a code, or
// with ErrTooLong when the frame outgrew the limit (the rest of it, up to
// the next suffix, is then skipped). Empty frames, such as the LF of a
// CRLF, end nothing.
func (f *framer) push(b byte) (code string, done bool, err error) {
	if f.term[b] {
		if f.discarding {
			f.discarding = false
			return "", false, nil
		}
		if len(f.buf) == 0 {
			return "", false, nil
		}
		c := f.strip(f.buf)
		f.buf = f.buf[:0]
		if len(c) == 0 {
			return "", false, nil
		}
		if len(c) > f.max {
			return "", true, ErrTooLong
		}
		return string(c), true, nil
	}
	if f.discarding {
		return "", false, nil
	}
	f.buf = append(f.buf, b)
	if len(f.buf) > f.limit {
		f.buf = f.buf[:0]
		f.discarding = true
		return "", true, ErrTooLong
	}
	return "", false, nil
}

// strip removes the configured prefix and an AIM identifier when they are
// there. A frame without them is kept whole rather than refused: a scanner
// reconfigured at the counter should still work, and the length limit still
// holds.
func (f *framer) strip(frame []byte) []byte {
	if f.prefix != "" && len(frame) >= len(f.prefix) && string(frame[:len(f.prefix)]) == f.prefix {
		frame = frame[len(f.prefix):]
	}
	if f.aim && len(frame) >= aimLen && frame[0] == ']' && isAlpha(frame[1]) && isAlnum(frame[2]) {
		frame = frame[aimLen:]
	}
	return frame
}

// partial reports whether part of a code has arrived.
func (f *framer) partial() bool { return len(f.buf) > 0 && !f.discarding }

// abandon throws away whatever is buffered and returns how many bytes that
// was; it also ends the skipping of a too-long frame.
func (f *framer) abandon() int {
	n := len(f.buf)
	f.buf = f.buf[:0]
	f.discarding = false
	return n
}

func isAlpha(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isAlnum(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' }
