package integration_test

import (
	"bytes"
	"image"
	"image/png"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/emulator"
)

// corruptingPort flips one payload bit in each of the next `frames`
// frames it writes, as line noise on a real serial cable would.
type corruptingPort struct {
	port.Port
	frames atomic.Int32
}

func (c *corruptingPort) Write(p []byte) (int, error) {
	if len(p) > 8 && c.frames.Add(-1) >= 0 {
		q := append([]byte(nil), p...)
		q[7] ^= 0x40 // first payload byte: header intact, CRC now wrong
		return c.Port.Write(q)
	}
	return c.Port.Write(p)
}

var _ = Describe("the operator LCD", Label("integration", "lcd"), func() {
	var (
		r    *rig
		wire *corruptingPort
		d    *lcd.Display
	)
	BeforeEach(func() {
		r = startRig(GinkgoT().TempDir())
		p, err := port.Open(r.link(emulator.LCD))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		wire = &corruptingPort{Port: p}
		// Every frame here is answered (an ACK or a NAK): wait for it
		// generously. The display's inter-byte frame gap runs on a clock
		// that stands still, so a frame the pty hands over in pieces on a
		// loaded machine is never abandoned half way.
		r.emu.LCD().SetClock(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		d = lcd.New(wire, lcd.Config{Timeout: 5 * time.Second})
	})

	screenPNG := func() image.Image {
		resp, err := httpGet(r.url + "/api/v1/lcd.png")
		Expect(err).NotTo(HaveOccurred())
		img, err := png.Decode(bytes.NewReader(resp))
		Expect(err).NotTo(HaveOccurred())
		return img
	}
	screenLines := func() []string {
		var s struct{ Lines []string }
		r.getJSON("/api/v1/lcd", &s)
		return s.Lines
	}

	It("answers its info query with the profile's geometry", func() {
		info, err := d.Info()
		Expect(err).NotTo(HaveOccurred())
		Expect([]int{info.Width, info.Height}).To(Equal([]int{320, 240}))
		Expect(info.Firmware).NotTo(BeEmpty())
	})

	It("shows Chinese text in its text layer and in its PNG", func() {
		Expect(d.Clear(lcd.White)).To(Succeed())
		Expect(d.Text(8, 100, "支付宝 收款 确认", lcd.TextOpts{Size: 2})).To(Succeed())
		Expect(screenLines()).To(ContainElement("支付宝 收款 确认"))

		img := screenPNG()
		Expect(img.Bounds().Size()).To(Equal(image.Pt(320, 240)))
		dark := 0
		for y := 100; y < 132; y++ {
			for x := 8; x < 320; x++ {
				if r, g, b, _ := img.At(x, y).RGBA(); r+g+b < 3*0x8000 {
					dark++
				}
			}
		}
		Expect(dark).To(BeNumerically(">", 200), "the glyphs must put ink on the screen")
	})

	It("NAKs a corrupted frame and leaves the screen exactly as it was", func() {
		Expect(d.Text(0, 0, "金额 12.50", lcd.TextOpts{})).To(Succeed())
		before, beforeLines := screenPNG(), screenLines()

		wire.frames.Store(1000)
		err := d.Text(0, 40, "不应出现 MUST NOT SHOW", lcd.TextOpts{})
		Expect(err).To(HaveOccurred(), "a frame NAKed on every attempt must fail")
		Expect(r.emu.LCD().Stats().NAKs).To(BeNumerically(">=", 1))
		Expect(screenLines()).To(Equal(beforeLines))
		Expect(screenPNG()).To(Equal(before))

		wire.frames.Store(0)
		Expect(d.Text(0, 40, "OK", lcd.TextOpts{})).To(Succeed())
		Expect(screenLines()).To(ContainElement("OK"))
	})

	It("recovers from one corrupted frame by retransmitting it", func() {
		wire.frames.Store(1)
		Expect(d.Text(0, 0, "确认 ENTER", lcd.TextOpts{})).To(Succeed())
		Expect(r.emu.LCD().Stats().NAKs).To(Equal(1))
		Expect(d.Stats().Retransmits).To(Equal(1))
		Expect(screenLines()).To(Equal([]string{"确认 ENTER"}))
	})
})
