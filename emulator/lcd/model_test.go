package lcd_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/lcd"
	"github.com/posemu/posemu/profile"
)

var lcdProfile = profile.LCD{Width: 320, Height: 240, Firmware: "posemu-lcd 1.0", Baud: 115200}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	Expect(err).NotTo(HaveOccurred())
	return b
}

// darkIn counts pixels in r that are darker than mid-grey.
func darkIn(img *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if int(c.R)+int(c.G)+int(c.B) < 3*128 {
				n++
			}
		}
	}
	return n
}

var _ = Describe("Model", func() {
	var (
		host *hostSide
		bus  *events.Bus
		m    *lcd.Model
	)

	BeforeEach(func() {
		host = &hostSide{}
		bus = events.NewBus(4096, nil)
		m = lcd.New(lcdProfile, host, bus)
		// Time stands still unless a spec moves it: a slow, loaded test
		// machine must not trip the inter-byte gap between two Feed calls.
		m.SetClock(clock.NewVirtual(time.Unix(1700000000, 0)))
	})

	feed := func(frames ...[]byte) {
		for _, f := range frames {
			m.Feed(f)
		}
	}

	Describe("the spec's example frames", func() {
		It("are what the test encoder produces", func() {
			Expect(mkFrame(1, 0x10, clearP(0xFFFF))).To(Equal(unhex("02 01 02 00 10 B0 FF FF B8 3A")))
			Expect(mkFrame(2, 0x20, textP(0, 40, 320, 2, false, 1, 0x0000, 0xFFFF, "确认"))).To(Equal(
				unhex("02 02 12 00 20 B8 00 00 28 00 40 01 02 02 00 00 FF FF E7 A1 AE E8 AE A4 C5 09")))
		})

		It("are answered byte for byte as documented", func() {
			feed(unhex("02 01 02 00 10 B0 FF FF B8 3A"))
			Expect(host.buf).To(Equal(unhex("02 01 00 00 06 04 7F 51")))
			host.reset()
			feed(unhex("02 03 00 00 12 44 8F 92"))
			Expect(host.buf).To(Equal(unhex("02 03 16 00 92 12 40 01 F0 00 10 01 00 04 70 6F 73 65 6D 75 2D 6C 63 64 20 31 2E 30 EF 38")))
			host.reset()
			bad := unhex("02 02 12 00 20 B8 00 00 28 00 40 01 02 02 00 00 FF FF E7 A1 AE E8 AE A4 C5 09")
			bad[len(bad)-1] ^= 0xFF
			feed(bad)
			Expect(host.buf).To(Equal(unhex("02 02 01 00 15 2C 01 38 D4")))
		})
	})

	It("answers the info query with geometry, depth, protocol, maximum payload and firmware", func() {
		m = lcd.New(profile.LCD{Width: 480, Height: 272, Firmware: "LKL-LCD v2.3"}, host, nil)
		feed(mkFrame(9, 0x12, nil))
		r := host.replies()
		Expect(r).To(HaveLen(1))
		Expect(r[0].seq).To(Equal(byte(9)))
		Expect(r[0].cmd).To(Equal(byte(info)))
		p := r[0].payload
		Expect(p[:8]).To(Equal(cat(u16(480), u16(272), []byte{16, 1}, u16(1024))))
		Expect(string(p[8:])).To(Equal("LKL-LCD v2.3"))
		w, h := m.Size()
		Expect([]int{w, h}).To(Equal([]int{480, 272}))
	})

	It("decodes a stream split byte by byte exactly as one written at once", func() {
		stream := cat(
			mkFrame(1, 0x10, clearP(0xFFFF)),
			mkFrame(2, 0x20, textP(0, 0, 0, 1, false, 0, 0, 0xFFFF, "Total 12.50")),
			mkFrame(3, 0x30, rectP(10, 100, 50, 20, 0xF800)),
			mkFrame(4, 0x20, textP(0, 200, 320, 2, true, 1, 0, 0xFFFF, "确认")),
			mkFrame(5, 0x11, []byte{40}),
		)
		whole := lcd.New(lcdProfile, &hostSide{}, nil)
		whole.SetClock(clock.NewVirtual(time.Unix(0, 0)))
		whole.Feed(stream)
		for _, b := range stream {
			m.Feed([]byte{b})
		}
		Expect(m.Snapshot().Pix).To(Equal(whole.Snapshot().Pix))
		Expect(m.TextItems()).To(Equal(whole.TextItems()))
		Expect(m.Lines()).To(Equal([]string{"Total 12.50", "确认"}))
		Expect(m.Backlight()).To(Equal(40))
		Expect(m.Stats().Frames).To(Equal(5))
		for i, r := range host.replies() {
			Expect(r.cmd).To(Equal(byte(ack)))
			Expect(r.seq).To(Equal(byte(i + 1)))
		}
	})

	Context("corruption", func() {
		BeforeEach(func() {
			feed(mkFrame(1, 0x10, clearP(0xFFFF)), mkFrame(2, 0x20, textP(8, 8, 0, 1, false, 0, 0, 0xFFFF, "Amount")))
			host.reset()
		})

		It("NAKs a frame with a bad CRC and leaves the screen and text layer unchanged", func() {
			before, items := m.Snapshot(), m.TextItems()
			f := mkFrame(3, 0x10, clearP(0x0000))
			f[len(f)-3] ^= 0x40 // a payload bit flipped on the line
			feed(f)
			Expect(host.replies()).To(Equal([]reply{{seq: 3, cmd: nak, payload: []byte{0x01}}}))
			Expect(m.Snapshot().Pix).To(Equal(before.Pix))
			Expect(m.TextItems()).To(Equal(items))
			Expect(m.Stats().NAKs).To(Equal(1))
		})

		It("drops a frame whose header is unreadable without answering, then takes the next one", func() {
			f := mkFrame(3, 0x10, clearP(0x0000))
			f[2] ^= 0x01 // length corrupted: the header check fails
			feed(f, mkFrame(4, 0x11, []byte{10}))
			Expect(host.replies()).To(Equal([]reply{{seq: 4, cmd: ack, payload: []byte{}}}))
			Expect(m.Backlight()).To(Equal(10))
			Expect(m.Lines()).To(Equal([]string{"Amount"}))
			Expect(m.Stats().DecodeErrors).To(BeNumerically(">", 0))
		})

		It("NAKs a readable header that announces more than the maximum payload", func() {
			h := []byte{7, 0x01, 0x08, 0x20} // 2049 bytes
			feed(cat([]byte{0x02}, h, []byte{crc8(h)}), mkFrame(8, 0x11, []byte{55}))
			Expect(host.replies()).To(Equal([]reply{
				{seq: 7, cmd: nak, payload: []byte{0x02}},
				{seq: 8, cmd: ack, payload: []byte{}},
			}))
			Expect(m.Backlight()).To(Equal(55))
		})

		It("skips garbage between frames", func() {
			noise := []byte("\x00\xffhello\x02\x02\x13\x37 line noise \x02")
			feed(noise, mkFrame(3, 0x11, []byte{20}), noise, noise, mkFrame(4, 0x20, textP(0, 100, 0, 1, false, 0, 0, 0xFFFF, "OK")), noise)
			r := host.replies()
			Expect(r).To(ContainElements(
				reply{seq: 3, cmd: ack, payload: []byte{}},
				reply{seq: 4, cmd: ack, payload: []byte{}}))
			Expect(m.Backlight()).To(Equal(20))
			Expect(m.Lines()).To(Equal([]string{"Amount", "OK"}))
			Expect(m.Stats().Garbage).To(BeNumerically(">=", 2*len(noise)))
		})

		It("NAKs a frame cut short by the next one and finds the next one inside it", func() {
			cut := mkFrame(3, 0x20, textP(0, 50, 0, 1, false, 0, 0, 0xFFFF, "lost in transit"))
			next := mkFrame(4, 0x20, textP(0, 80, 0, 1, false, 0, 0, 0xFFFF, "Paid"))
			feed(cut[:15], next)
			Expect(m.Lines()).To(Equal([]string{"Amount", "Paid"}))
			Expect(host.replies()).To(Equal([]reply{
				{seq: 3, cmd: nak, payload: []byte{0x01}},
				{seq: 4, cmd: ack, payload: []byte{}}}))
		})

		It("abandons a frame in progress after the inter-byte gap", func() {
			clk := clock.NewVirtual(time.Unix(1700000000, 0))
			m.SetClock(clk)
			long := mkFrame(3, 0x20, textP(0, 50, 0, 1, false, 0, 0, 0xFFFF, strings.Repeat("lost in transit ", 20)))
			next := mkFrame(4, 0x20, textP(0, 80, 0, 1, false, 0, 0, 0xFFFF, "Paid"))
			feed(long[:15])
			clk.Advance(lcd.FrameGap - time.Millisecond)
			feed(long[15:30]) // still the same frame: no gap yet
			clk.Advance(lcd.FrameGap + time.Millisecond)
			feed(next)
			Expect(m.Lines()).To(Equal([]string{"Amount", "Paid"}))
			Expect(host.replies()).To(Equal([]reply{{seq: 4, cmd: ack, payload: []byte{}}}))
			Expect(m.Stats().Garbage).To(Equal(30))
		})
	})

	Context("retransmissions", func() {
		It("ACKs a duplicate sequence number again without applying the frame twice", func() {
			sub := bus.Subscribe(64)
			defer sub.Close()
			f := mkFrame(5, 0x20, textP(0, 0, 0, 1, false, 0, 0, 0xFFFF, "Sale"))
			feed(f, f)
			Expect(host.replies()).To(Equal([]reply{
				{seq: 5, cmd: ack, payload: []byte{}},
				{seq: 5, cmd: ack, payload: []byte{}},
			}))
			st := m.Stats()
			Expect(st.Frames).To(Equal(1))
			Expect(st.Duplicates).To(Equal(1))
			var kinds []string
			for len(sub.C()) > 0 {
				kinds = append(kinds, (<-sub.C()).Kind)
			}
			Expect(kinds).To(Equal([]string{"text", "duplicate"}))
		})

		It("answers a repeated info query with the same reply", func() {
			q := mkFrame(6, 0x12, nil)
			feed(q, q)
			r := host.replies()
			Expect(r).To(HaveLen(2))
			Expect(r[1]).To(Equal(r[0]))
			Expect(r[1].cmd).To(Equal(byte(info)))
		})

		It("applies a frame with the last sequence number but other content (a restarted host)", func() {
			feed(mkFrame(0, 0x11, []byte{30}), mkFrame(0, 0x11, []byte{70}))
			Expect(m.Backlight()).To(Equal(70))
			Expect(m.Stats().Duplicates).To(Equal(0))
		})

		It("NAKs busy while told to, then applies the retransmission", func() {
			m.BusyFor(1)
			f := mkFrame(1, 0x11, []byte{5})
			feed(f)
			Expect(m.Backlight()).To(Equal(100))
			feed(f)
			Expect(m.Backlight()).To(Equal(5))
			Expect(host.replies()).To(Equal([]reply{
				{seq: 1, cmd: nak, payload: []byte{0x05}},
				{seq: 1, cmd: ack, payload: []byte{}},
			}))
		})
	})

	Context("Chinese text", func() {
		BeforeEach(func() { feed(mkFrame(1, 0x10, clearP(0xFFFF))) })

		It("puts 支付宝 收款 确认 in Lines and sets pixels in its region of the PNG", func() {
			feed(
				mkFrame(2, 0x20, textP(10, 60, 0, 2, false, 0, 0x0000, 0xFFFF, "支付宝")),
				mkFrame(3, 0x20, textP(120, 60, 0, 2, false, 0, 0x0000, 0xFFFF, "收款")),
				mkFrame(4, 0x20, textP(200, 60, 0, 2, false, 0, 0x0000, 0xFFFF, "确认")),
			)
			Expect(m.Lines()).To(ContainElement("支付宝 收款 确认"))
			items := m.TextItems()
			Expect(items).To(HaveLen(3))
			Expect(items[0]).To(Equal(lcd.TextItem{X: 10, Y: 60, W: 96, H: 32, Text: "支付宝", Size: 2}))

			var buf bytes.Buffer
			Expect(m.WritePNG(&buf)).To(Succeed())
			img, err := png.Decode(&buf)
			Expect(err).NotTo(HaveOccurred())
			rgba := image.NewRGBA(img.Bounds())
			for y := 0; y < 240; y++ {
				for x := 0; x < 320; x++ {
					rgba.Set(x, y, img.At(x, y))
				}
			}
			for _, it := range items {
				Expect(darkIn(rgba, image.Rect(it.X, it.Y, it.X+it.W, it.Y+it.H))).To(BeNumerically(">", 100), it.Text)
			}
			Expect(darkIn(rgba, image.Rect(0, 0, 320, 60))).To(BeZero())
			Expect(darkIn(rgba, image.Rect(0, 92, 320, 240))).To(BeZero())
		})

		It("centres and right-aligns within the box and draws inverse", func() {
			feed(
				mkFrame(2, 0x20, textP(0, 0, 320, 1, false, 1, 0x0000, 0xFFFF, "确认")),
				mkFrame(3, 0x20, textP(0, 20, 320, 1, true, 2, 0x0000, 0xFFFF, "OK")),
			)
			snap := m.Snapshot()
			// 确认 is 32 px wide: centred, it spans x 144–175.
			Expect(darkIn(snap, image.Rect(0, 0, 144, 16))).To(BeZero())
			Expect(darkIn(snap, image.Rect(176, 0, 320, 16))).To(BeZero())
			Expect(darkIn(snap, image.Rect(144, 0, 176, 16))).To(BeNumerically(">", 20))
			// Inverse: the whole 320 px box is dark but for the glyphs.
			Expect(darkIn(snap, image.Rect(0, 20, 300, 36))).To(Equal(300 * 16))
			Expect(darkIn(snap, image.Rect(304, 20, 320, 36))).To(BeNumerically("<", 16*16))
			Expect(m.TextItems()[1]).To(Equal(lcd.TextItem{X: 0, Y: 20, W: 320, H: 16, Text: "OK", Size: 1, Inverse: true}))
		})
	})

	Context("the text layer", func() {
		BeforeEach(func() {
			feed(
				mkFrame(1, 0x10, clearP(0xFFFF)),
				mkFrame(2, 0x20, textP(0, 0, 0, 2, false, 0, 0, 0xFFFF, "Sale")),
				mkFrame(3, 0x20, textP(100, 8, 0, 1, false, 0, 0, 0xFFFF, "12.50")),
				mkFrame(4, 0x20, textP(0, 40, 0, 1, false, 0, 0, 0xFFFF, "Card")),
			)
		})

		It("groups overlapping rows left to right, top to bottom", func() {
			Expect(m.Lines()).To(Equal([]string{"Sale 12.50", "Card"}))
		})

		It("forgets text a filled rectangle covers, even in part", func() {
			feed(mkFrame(5, 0x30, rectP(110, 10, 4, 4, 0x001F)))
			Expect(m.Lines()).To(Equal([]string{"Sale", "Card"}))
		})

		It("keeps text a stroked rectangle only frames", func() {
			feed(mkFrame(5, 0x31, append(rectP(96, 4, 50, 24, 0), 2)))
			Expect(m.Lines()).To(Equal([]string{"Sale 12.50", "Card"}))
		})

		It("replaces text drawn over by text", func() {
			feed(mkFrame(5, 0x20, textP(0, 40, 0, 1, false, 0, 0, 0xFFFF, "Cash")))
			Expect(m.Lines()).To(Equal([]string{"Sale 12.50", "Cash"}))
		})

		It("forgets text under bitmaps and QR codes, and everything on clear", func() {
			feed(mkFrame(5, 0x41, bitmap565P(2, 2, 2, 2, []int{0, 0, 0, 0})))
			Expect(m.Lines()).To(Equal([]string{"12.50", "Card"}))
			feed(mkFrame(6, 0x50, qrP(0, 30, 2, 1, "https://qr.alipay.com/bax00001")))
			Expect(m.Lines()).To(Equal([]string{"12.50"}))
			feed(mkFrame(7, 0x10, clearP(0)))
			Expect(m.TextItems()).To(BeEmpty())
			Expect(m.Lines()).To(BeEmpty())
		})
	})

	Context("drawing", func() {
		BeforeEach(func() { feed(mkFrame(1, 0x10, clearP(0xFFFF))) })

		It("fills and strokes rectangles in RGB565 colours", func() {
			feed(mkFrame(2, 0x30, rectP(10, 10, 5, 5, 0xF800)), mkFrame(3, 0x31, append(rectP(50, 50, 10, 10, 0x07E0), 1)))
			s := m.Snapshot()
			Expect(s.RGBAAt(12, 12)).To(Equal(color.RGBA{255, 0, 0, 255}))
			Expect(s.RGBAAt(15, 15)).To(Equal(color.RGBA{255, 255, 255, 255}))
			Expect(s.RGBAAt(50, 55)).To(Equal(color.RGBA{0, 255, 0, 255}))
			Expect(s.RGBAAt(59, 59)).To(Equal(color.RGBA{0, 255, 0, 255}))
			Expect(s.RGBAAt(55, 55)).To(Equal(color.RGBA{255, 255, 255, 255}))
		})

		It("draws 1-bit bitmaps most significant bit first, rows padded to bytes", func() {
			// 10×2: row 0 = 1000000001, row 1 = 0100000000
			feed(mkFrame(2, 0x40, bitmap1P(0, 0, 10, 2, 0x001F, 0xFFE0, []byte{0x80, 0x40, 0x40, 0x00})))
			s := m.Snapshot()
			blue, yellow := color.RGBA{0, 0, 255, 255}, color.RGBA{255, 255, 0, 255}
			Expect([]color.RGBA{s.RGBAAt(0, 0), s.RGBAAt(1, 0), s.RGBAAt(9, 0), s.RGBAAt(1, 1), s.RGBAAt(9, 1), s.RGBAAt(10, 0)}).To(
				Equal([]color.RGBA{blue, yellow, blue, blue, yellow, {255, 255, 255, 255}}))
		})

		It("draws RGB565 bitmaps and clips them at the screen edge", func() {
			feed(mkFrame(2, 0x41, bitmap565P(318, 239, 3, 1, []int{0xF800, 0x07E0, 0x001F})))
			s := m.Snapshot()
			Expect(s.RGBAAt(318, 239)).To(Equal(color.RGBA{255, 0, 0, 255}))
			Expect(s.RGBAAt(319, 239)).To(Equal(color.RGBA{0, 255, 0, 255}))
			Expect(host.replies()[1].cmd).To(Equal(byte(ack)))
		})

		It("draws a QR code with its quiet zone and finder patterns", func() {
			feed(mkFrame(2, 0x50, qrP(20, 20, 4, 1, "https://qr.alipay.com/bax01234")))
			s := m.Snapshot()
			white, black := color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}
			Expect(s.RGBAAt(20, 20)).To(Equal(white))         // quiet zone
			Expect(s.RGBAAt(20+4*4, 20+4*4)).To(Equal(black)) // finder's outer ring
			Expect(s.RGBAAt(20+5*4, 20+5*4)).To(Equal(white)) // its light ring
			Expect(s.RGBAAt(20+7*4, 20+7*4)).To(Equal(black)) // its centre
			Expect(darkIn(s, image.Rect(20, 20, 200, 200))).To(BeNumerically(">", 1000))
			Expect(m.TextItems()).To(BeEmpty())
		})

		It("rejects malformed payloads with NAK bad payload and changes nothing", func() {
			before := m.Snapshot()
			bad := [][]byte{
				mkFrame(2, 0x10, []byte{0xFF}),
				mkFrame(3, 0x11, []byte{101}),
				mkFrame(4, 0x20, textP(0, 0, 0, 3, false, 0, 0, 0, "x")),
				mkFrame(5, 0x20, textP(0, 0, 0, 1, false, 3, 0, 0, "x")),
				mkFrame(6, 0x20, textP(0, 0, 0, 1, false, 0, 0, 0, "a\xffb")),
				mkFrame(7, 0x20, textP(0, 0, 0, 1, false, 0, 0, 0, "two\nlines")),
				mkFrame(8, 0x30, rectP(0, 0, 0, 5, 0)),
				mkFrame(9, 0x31, append(rectP(0, 0, 4, 4, 0), 3)),
				mkFrame(10, 0x40, bitmap1P(0, 0, 9, 1, 0, 0, []byte{0})),
				mkFrame(11, 0x41, bitmap565P(0, 0, 2, 1, []int{0})),
				mkFrame(12, 0x50, qrP(300, 0, 4, 0, "does not fit")),
				mkFrame(13, 0x50, qrP(0, 0, 1, 4, "bad level")),
				mkFrame(14, 0x12, []byte{1}),
			}
			feed(bad...)
			r := host.replies()[1:]
			Expect(r).To(HaveLen(len(bad)))
			for i, x := range r {
				Expect(x).To(Equal(reply{seq: byte(i + 2), cmd: nak, payload: []byte{0x04}}))
			}
			Expect(m.Snapshot().Pix).To(Equal(before.Pix))
			Expect(m.Backlight()).To(Equal(100))
		})

		It("NAKs an unknown command", func() {
			feed(mkFrame(2, 0x7E, nil))
			Expect(host.replies()[1]).To(Equal(reply{seq: 2, cmd: nak, payload: []byte{0x03}}))
		})
	})

	It("publishes one event per frame, with the text and NAK reasons", func() {
		sub := bus.Subscribe(64)
		defer sub.Close()
		bad := mkFrame(4, 0x11, []byte{1})
		bad[6] ^= 0xFF
		feed(mkFrame(1, 0x10, clearP(0xFFFF)), mkFrame(2, 0x20, textP(0, 0, 0, 1, false, 0, 0, 0xFFFF, "收款")),
			mkFrame(3, 0x11, []byte{50}), bad, []byte("junk"))
		var got []events.Event
		// Feed calls are one by one here, so every call has its own event.
		for len(sub.C()) > 0 {
			got = append(got, <-sub.C())
		}
		Expect(got).To(HaveLen(6))
		Expect(got[0].Kind).To(Equal("clear"))
		Expect(got[1].Kind).To(Equal("text"))
		Expect(got[1].Detail).To(HaveKeyWithValue("text", "收款"))
		Expect(got[2].Kind).To(Equal("frame"))
		Expect(got[2].Detail).To(HaveKeyWithValue("cmd", "backlight"))
		Expect(got[3].Kind).To(Equal("nak"))
		Expect(got[3].Detail).To(HaveKeyWithValue("reason", "bad-crc"))
		Expect(got[4].Kind).To(Equal("decode-error")) // the rest of the bad frame
		Expect(got[5].Kind).To(Equal("decode-error"))
		Expect(got[5].Detail).To(HaveKeyWithValue("bytes", 4))
		for _, e := range got {
			Expect(e.Device).To(Equal("lcd"))
		}
	})

	It("counts replies the host could not take (unplugged) and keeps going", func() {
		m = lcd.New(lcdProfile, failingWriter{}, nil)
		m.Feed(mkFrame(1, 0x11, []byte{3}))
		Expect(m.Backlight()).To(Equal(3))
		Expect(m.Stats().WriteErrors).To(Equal(1))
	})

	It("forgets everything on Reset", func() {
		feed(mkFrame(1, 0x20, textP(0, 0, 0, 1, false, 0, 0, 0xFFFF, "x")), mkFrame(2, 0x11, []byte{0}), []byte{0x02, 0x01})
		m.Reset()
		Expect(m.TextItems()).To(BeEmpty())
		Expect(m.Backlight()).To(Equal(100))
		feed(mkFrame(2, 0x11, []byte{0}))
		Expect(m.Backlight()).To(Equal(0))
	})
})

type failingWriter struct{}

func (failingWriter) Write(p []byte) (int, error) { return 0, errors.New("lcd: device unplugged") }
