package lcd_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	emu "github.com/posemu/posemu/emulator/lcd"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	Expect(err).NotTo(HaveOccurred())
	return b
}

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

// rgbaOf is what the display shows for an RGB565 colour.
func rgbaOf(c lcd.Color) color.RGBA {
	r, g, b := uint8(c>>11)&0x1F, uint8(c>>5)&0x3F, uint8(c)&0x1F
	return color.RGBA{r<<3 | r>>2, g<<2 | g>>4, b<<3 | b>>2, 0xFF}
}

var _ = Describe("Display over a pty, against the emulated LCD", func() {
	var r *rig

	BeforeEach(func() {
		var err error
		// Every frame here expects an answer: wait generously for it (it
		// costs nothing when it comes). Frames the tap loses time out at
		// once (see tapPort).
		r, err = newRig(lcd.Config{Timeout: 5 * time.Second}, true)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.close)
	})

	It("asks the display about itself", func() {
		info, err := r.disp.Info()
		Expect(err).NotTo(HaveOccurred())
		Expect(info).To(Equal(lcd.Info{Width: 320, Height: 240, Depth: 16, Protocol: 1, MaxPayload: 1024, Firmware: "posemu-lcd 1.0"}))
	})

	It("sends the spec's example frames byte for byte", func() {
		_, err := r.disp.Info() // seq 0
		Expect(err).NotTo(HaveOccurred())
		Expect(r.disp.Clear(lcd.White)).To(Succeed())
		Expect(r.disp.Text(0, 40, "确认", lcd.TextOpts{Size: 2, Align: lcd.AlignCenter, Width: 320})).To(Succeed())
		w := r.tap.written()
		Expect(w[1]).To(Equal(unhex("02 01 02 00 10 B0 FF FF B8 3A")))
		Expect(w[2]).To(Equal(unhex("02 02 12 00 20 B8 00 00 28 00 40 01 02 02 00 00 FF FF E7 A1 AE E8 AE A4 C5 09")))
	})

	It("draws text, rectangles, bitmaps and a QR code, and sets the backlight", func() {
		d := r.disp
		Expect(d.Clear(lcd.White)).To(Succeed())
		Expect(d.Text(0, 0, "支付宝 收款", lcd.TextOpts{Size: 2})).To(Succeed())
		Expect(d.Text(0, 200, "确认", lcd.TextOpts{Inverse: true, Align: lcd.AlignRight, Width: 320})).To(Succeed())
		Expect(d.FillRect(300, 40, 10, 10, lcd.Red)).To(Succeed())
		Expect(d.StrokeRect(280, 60, 30, 20, 2, lcd.Blue)).To(Succeed())

		logo := image.NewGray(image.Rect(0, 0, 20, 10))
		for x := 0; x < 20; x++ {
			logo.SetGray(x, x%10, color.Gray{Y: 0}) // a dark diagonal on…
		}
		for y := 0; y < 10; y++ {
			for x := 0; x < 20; x++ {
				if x%10 != y {
					logo.SetGray(x, y, color.Gray{Y: 0xFF}) // …light ground
				}
			}
		}
		Expect(d.Bitmap1(250, 100, logo, lcd.Green, lcd.Black)).To(Succeed())
		Expect(d.QR(10, 40, 3, lcd.QRMedium, "https://qr.alipay.com/bax08431")).To(Succeed())
		Expect(d.Backlight(30)).To(Succeed())

		m := r.model
		Expect(m.Lines()).To(Equal([]string{"支付宝 收款", "确认"}))
		Expect(m.TextItems()[1]).To(Equal(emu.TextItem{X: 0, Y: 200, W: 320, H: 16, Text: "确认", Size: 1, Inverse: true}))
		Expect(m.Backlight()).To(Equal(30))
		s := m.Snapshot()
		Expect(s.RGBAAt(305, 45)).To(Equal(rgbaOf(lcd.Red)))
		Expect(s.RGBAAt(281, 61)).To(Equal(rgbaOf(lcd.Blue)))
		Expect(s.RGBAAt(290, 70)).To(Equal(rgbaOf(lcd.White)))
		Expect(s.RGBAAt(250, 100)).To(Equal(rgbaOf(lcd.Green)))
		Expect(s.RGBAAt(251, 100)).To(Equal(rgbaOf(lcd.Black)))
		Expect(s.RGBAAt(263, 103)).To(Equal(rgbaOf(lcd.Green)))
		// The QR code (quiet zone at 10,40) has dark modules and left the
		// text above it alone.
		Expect(darkIn(s, image.Rect(22, 52, 110, 140))).To(BeNumerically(">", 1000))
		Expect(s.RGBAAt(10, 40)).To(Equal(rgbaOf(lcd.White)))

		st := d.Stats()
		Expect(st.Commands).To(Equal(8))
		Expect(st.Retransmits).To(BeZero())
	})

	It("splits an image larger than a frame into tiles, by rows and by columns", func() {
		img := image.NewRGBA(image.Rect(0, 0, 600, 12)) // 1200 bytes a row: wider than a frame
		for y := 0; y < 12; y++ {
			for x := 0; x < 600; x++ {
				img.Set(x, y, color.RGBA{uint8(x), uint8(y * 20), uint8(x / 3), 0xFF})
			}
		}
		Expect(r.disp.BitmapRGB565(0, 100, img)).To(Succeed())
		small := img.SubImage(image.Rect(0, 0, 100, 12))
		Expect(r.disp.BitmapRGB565(50, 150, small)).To(Succeed())
		s := r.model.Snapshot()
		for y := 0; y < 12; y++ {
			for x := 0; x < 320; x++ {
				Expect(s.RGBAAt(x, 100+y)).To(Equal(rgbaOf(lcd.ColorOf(img.At(x, y)))), "at %d,%d", x, y)
			}
			for x := 0; x < 100; x++ {
				Expect(s.RGBAAt(50+x, 150+y)).To(Equal(rgbaOf(lcd.ColorOf(img.At(x, y)))), "at %d,%d", x, y)
			}
		}
		st := r.disp.Stats()
		Expect(st.Commands).To(Equal(2))
		Expect(st.Frames).To(Equal(2*12 + 3)) // 600 wide: two tiles a row; 100×12: 5 rows a frame
	})

	It("refuses text too long for a frame and bad arguments without sending anything", func() {
		d := r.disp
		Expect(d.Text(0, 0, strings.Repeat("收", 400), lcd.TextOpts{})).To(MatchError(lcd.ErrTooLarge))
		Expect(d.Text(0, 0, "a\nb", lcd.TextOpts{})).To(MatchError(lcd.ErrInvalid))
		Expect(d.Text(0, 0, "x", lcd.TextOpts{Size: 3})).To(MatchError(lcd.ErrInvalid))
		Expect(d.Text(-1, 0, "x", lcd.TextOpts{})).To(MatchError(lcd.ErrInvalid))
		Expect(d.Backlight(101)).To(MatchError(lcd.ErrInvalid))
		Expect(d.FillRect(0, 0, 0, 4, lcd.Red)).To(MatchError(lcd.ErrInvalid))
		Expect(d.QR(0, 0, 4, lcd.QRLow, strings.Repeat("x", 1100))).To(MatchError(lcd.ErrTooLarge))
		Expect(d.Bitmap1Bits(0, 0, 9, 1, []byte{0}, lcd.Black, lcd.White)).To(MatchError(lcd.ErrInvalid))
		Expect(r.tap.written()).To(BeEmpty())
	})

	It("reports a command the display refuses, without retransmitting it", func() {
		err := r.disp.QR(300, 0, 4, lcd.QRLow, "does not fit")
		Expect(err).To(MatchError(lcd.ErrRejected))
		var nak *lcd.NAKError
		Expect(errors.As(err, &nak)).To(BeTrue())
		Expect(nak.Reason).To(Equal(lcd.ReasonBadPayload))
		Expect(err.Error()).To(ContainSubstring("qr"))
		Expect(r.disp.Stats().Retransmits).To(BeZero())
	})

	It("retransmits a frame the display NAKed for a bad CRC", func() {
		r.tap.mangle = func(i int, p []byte) []byte {
			if i == 0 {
				p[len(p)-3] ^= 0x10 // one bit of the text hit by noise
			}
			return p
		}
		Expect(r.disp.Text(0, 0, "收款 12.50", lcd.TextOpts{})).To(Succeed())
		Expect(r.disp.Stats()).To(Equal(lcd.Stats{Commands: 1, Frames: 1, Retransmits: 1, NAKs: 1}))
		Expect(r.model.Stats().NAKs).To(Equal(1))
		Expect(r.model.Lines()).To(Equal([]string{"收款 12.50"}))
	})

	It("retransmits after a lost frame times out, and after a frame cut short", func() {
		r.tap.mangle = func(i int, p []byte) []byte {
			switch i {
			case 0:
				return nil // lost
			case 2:
				return p[:len(p)/2] // the line dropped the rest
			}
			return p
		}
		Expect(r.disp.Backlight(10)).To(Succeed())
		Expect(r.disp.Text(0, 0, strings.Repeat("long line ", 10), lcd.TextOpts{})).To(Succeed())
		Expect(r.disp.Stats()).To(Equal(lcd.Stats{Commands: 2, Frames: 2, Retransmits: 2, Timeouts: 2}))
		Expect(r.model.Backlight()).To(Equal(10))
		Expect(r.model.Lines()).To(HaveLen(1))
	})

	It("waits and retransmits while the display is busy", func() {
		r.model.BusyFor(2)
		Expect(r.disp.Clear(lcd.Black)).To(Succeed())
		Expect(r.disp.Stats()).To(Equal(lcd.Stats{Commands: 1, Frames: 1, Retransmits: 2, NAKs: 2}))
	})

	It("runs one command at a time when used from several goroutines", func() {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					errs <- r.disp.Text(g*80, i*20, fmt.Sprintf("g%d-%d", g, i), lcd.TextOpts{})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(r.model.TextItems()).To(HaveLen(40))
		Expect(r.model.Stats().Frames).To(Equal(40))
		Expect(r.disp.Stats().Retransmits).To(BeZero())
	})

	It("reports a display that was unplugged as disconnected", func() {
		Expect(r.disp.Clear(lcd.White)).To(Succeed())
		Expect(r.dev.Unplug()).To(Succeed())
		err := r.disp.Clear(lcd.Black)
		Expect(err).To(MatchError(port.ErrDisconnected))
		Expect(err.Error()).To(ContainSubstring(r.tap.Address()))
	})
})

var _ = Describe("Display with nothing answering", func() {
	It("gives up after the retransmissions and says the display is not answering", func() {
		r, err := newRig(lcd.Config{Timeout: 30 * time.Millisecond}, false)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.close)
		start := time.Now()
		err = r.disp.Backlight(50)
		Expect(err).To(MatchError(lcd.ErrNoResponse))
		Expect(err.Error()).To(ContainSubstring("not answering"))
		Expect(err.Error()).To(ContainSubstring(r.tap.Address()))
		Expect(time.Since(start)).To(BeNumerically(">=", 4*30*time.Millisecond))
		Expect(r.disp.Stats()).To(Equal(lcd.Stats{Retransmits: 3, Timeouts: 4}))
		Expect(r.tap.written()).To(HaveLen(4))
	})

	It("honours a configured retry count", func() {
		r, err := newRig(lcd.Config{Timeout: 20 * time.Millisecond, Retries: -1}, false)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.close)
		_, err = r.disp.Info()
		Expect(err).To(MatchError(lcd.ErrNoResponse))
		Expect(r.tap.written()).To(HaveLen(1))
	})
})
