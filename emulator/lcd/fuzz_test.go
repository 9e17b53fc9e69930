package lcd

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/profile"
)

func fuzzSeeds() [][]byte {
	u16 := func(v int) []byte { return []byte{byte(v), byte(v >> 8)} }
	j := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	text := j(u16(4), u16(8), u16(200), []byte{2, 0x03}, u16(0), u16(0xFFFF), []byte("支付宝 收款 确认"))
	return [][]byte{
		encodeFrame(1, cmdClear, u16(0xFFFF)),
		encodeFrame(2, cmdBacklight, []byte{60}),
		encodeFrame(3, cmdInfo, nil),
		encodeFrame(4, cmdText, text),
		encodeFrame(5, cmdFillRect, j(u16(10), u16(10), u16(30), u16(20), u16(0xF800))),
		encodeFrame(6, cmdStrokeRect, j(u16(0), u16(0), u16(320), u16(240), u16(0x001F), []byte{3})),
		encodeFrame(7, cmdBitmap1, j(u16(300), u16(230), u16(30), u16(12), u16(0), u16(0xFFFF), bytes.Repeat([]byte{0xA5}, 4*12))),
		encodeFrame(8, cmdBitmap565, j(u16(5), u16(5), u16(4), u16(2), bytes.Repeat([]byte{0x1F, 0xF8}, 8))),
		encodeFrame(9, cmdQR, j(u16(100), u16(60), []byte{3, 1, 0, 0}, []byte("https://qr.alipay.com/bax03384"))),
		j(encodeFrame(10, cmdText, text), encodeFrame(10, cmdText, text)), // duplicate
		j([]byte("noise\x02\x02"), encodeFrame(11, cmdClear, u16(0)), []byte{0x02, 0x0B, 0x01}),
		{0x02, 0x07, 0x01, 0x08, 0x20, 0xAD},
	}
}

type fuzzState struct {
	pix       []byte
	items     []TextItem
	backlight int
	replies   []byte
	frames    int
	naks      int
}

func runFuzz(t *testing.T, chunks [][]byte) fuzzState {
	var out bytes.Buffer
	m := New(profile.LCD{Width: 320, Height: 240, Firmware: "fuzz"}, &out, nil)
	m.SetClock(clock.NewVirtual(time.Unix(0, 0)))
	for _, c := range chunks {
		m.Feed(c)
		// At most one incomplete frame is ever kept.
		if n := len(m.dec.buf); n >= headerLen+MaxPayload+crcLen || (n > 0 && m.dec.buf[0] != sof) {
			t.Fatalf("decoder keeps %d bytes starting % X", n, m.dec.buf[:min(n, 8)])
		}
	}
	if b := m.Backlight(); b < 0 || b > 100 {
		t.Fatalf("backlight %d", b)
	}
	snap := m.Snapshot()
	if w, h := m.Size(); snap.Rect.Dx() != w || snap.Rect.Dy() != h || len(snap.Pix) != 4*w*h {
		t.Fatalf("framebuffer is %v for %dx%d", snap.Rect, w, h)
	}
	items := m.TextItems()
	for _, it := range items {
		if it.X < 0 || it.Y < 0 || it.W <= 0 || it.H <= 0 || it.X+it.W > 320 || it.Y+it.H > 240 || it.Text == "" {
			t.Fatalf("text item out of bounds: %+v", it)
		}
	}
	if len(m.Lines()) > len(items) {
		t.Fatalf("more lines than items")
	}
	st := m.Stats()
	return fuzzState{snap.Pix, items, m.Backlight(), out.Bytes(), st.Frames, st.NAKs}
}

// FuzzDecodeFrames feeds arbitrary bytes to the model, whole and split at an
// arbitrary point: it must never panic, keep its state in bounds, and end
// in the same state however the bytes were split.
func FuzzDecodeFrames(f *testing.F) {
	seeds := fuzzSeeds()
	for i, s := range seeds {
		f.Add(s, uint16(i*3))
	}
	f.Add(bytes.Join(seeds, nil), uint16(100))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		whole := runFuzz(t, [][]byte{data})
		cut := int(split) % (len(data) + 1)
		parts := runFuzz(t, [][]byte{data[:cut], data[cut:]})
		if !bytes.Equal(whole.pix, parts.pix) || !slices.Equal(whole.items, parts.items) ||
			whole.backlight != parts.backlight || !bytes.Equal(whole.replies, parts.replies) ||
			whole.frames != parts.frames || whole.naks != parts.naks {
			t.Fatalf("split at %d changes the outcome", cut)
		}
	})
}
