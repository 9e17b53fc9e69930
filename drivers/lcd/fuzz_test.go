package lcd

import (
	"testing"
)

// FuzzReplies feeds arbitrary bytes, in two pieces, to the decoder of the
// display's replies: it must never panic, keep at most one incomplete frame,
// and find a valid reply appended after any garbage once the garbage's
// partial frames have been resolved.
func FuzzReplies(f *testing.F) {
	f.Add(appendFrame(nil, 1, replyACK, nil), uint16(3))
	f.Add(appendFrame(nil, 2, replyNAK, []byte{byte(ReasonBadCRC)}), uint16(1))
	f.Add(appendFrame(nil, 3, replyInfo, append([]byte{0x40, 1, 0xF0, 0, 16, 1, 0, 4}, "posemu-lcd 1.0"...)), uint16(9))
	f.Add([]byte("\x02\x02\x00\x00noise\x02"), uint16(2))
	f.Add([]byte{0x02, 0x07, 0x01, 0x08, 0x20, 0xAD}, uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		var d replyDecoder
		cut := int(split) % (len(data) + 1)
		for _, part := range [][]byte{data[:cut], data[cut:]} {
			d.buf = append(d.buf, part...)
			for {
				r, ok := d.next()
				if !ok {
					break
				}
				if len(r.payload) > maxPayload {
					t.Fatalf("payload of %d bytes", len(r.payload))
				}
			}
			if n := len(d.buf); n >= headerLen+maxPayload+crcLen || (n > 0 && d.buf[0] != sof) {
				t.Fatalf("decoder keeps %d bytes", n)
			}
		}
		// Whatever is pending, the host resets before each attempt; a
		// reply that follows must then come through intact.
		d.reset()
		want := appendFrame(nil, 0xA5, replyACK, nil)
		d.buf = append(d.buf, want...)
		r, ok := d.next()
		if !ok || r.seq != 0xA5 || r.cmd != replyACK || len(r.payload) != 0 {
			t.Fatalf("clean reply not decoded: %+v %v", r, ok)
		}
	})
}
