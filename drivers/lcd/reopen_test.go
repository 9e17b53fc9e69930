package lcd_test

import (
	"io"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	emu "github.com/posemu/posemu/emulator/lcd"
	"github.com/posemu/posemu/emulator/ptydev"
)

var _ = Describe("a display unplugged and plugged in again", func() {
	var (
		model *emu.Model
		dev   *ptydev.Device
	)
	// open starts the driver on the device's stable link, the way the
	// terminal finds it; reopen adds Config.Reopen.
	open := func(reopen bool) *lcd.Display {
		// Generous: an answer is expected to every command here.
		cfg := lcd.Config{Timeout: 2 * time.Second}
		if reopen {
			cfg.Reopen = port.Reopener(dev.Link())
		}
		p, err := port.Open(dev.Link())
		Expect(err).NotTo(HaveOccurred())
		d := lcd.New(p, cfg)
		DeferCleanup(d.Close)
		_, err = d.Info()
		Expect(err).NotTo(HaveOccurred())
		return d
	}
	BeforeEach(func() {
		var err error
		dev, err = ptydev.Attach("lcd", GinkgoT().TempDir(), func(host io.Writer) func([]byte) {
			model = emu.New(lcdProfile, host, nil)
			return model.Feed
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dev.Close)
	})

	It("draws again on the new pty without a new driver, with Reopen", func() {
		d := open(true)
		Expect(d.Text(0, 0, "BEFORE", lcd.TextOpts{})).To(Succeed())
		old := dev.Path()
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Replug()).To(Succeed())
		Expect(dev.Path()).NotTo(Equal(old))
		Expect(d.Clear(lcd.White)).To(Succeed())
		Expect(d.Text(0, 0, "AFTER", lcd.TextOpts{})).To(Succeed())
		Eventually(model.Lines).Should(Equal([]string{"AFTER"}))
	})

	It("reports the unplug while the display is away, and draws once it is back", func() {
		d := open(true)
		Expect(dev.Unplug()).To(Succeed())
		err := d.Text(0, 0, "AWAY", lcd.TextOpts{})
		Expect(err).To(MatchError(port.ErrDisconnected))
		Expect(err).To(MatchError(ContainSubstring("lcd " + dev.Link())))
		// Still away: the next command tries again and fails the same way.
		Expect(d.Text(0, 0, "AWAY", lcd.TextOpts{})).To(MatchError(port.ErrDisconnected))
		Expect(dev.Replug()).To(Succeed())
		Expect(d.Text(0, 0, "BACK", lcd.TextOpts{})).To(Succeed())
		Eventually(model.Lines).Should(ContainElement("BACK"))
	})

	It("keeps failing without Reopen, as before", func() {
		d := open(false)
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Replug()).To(Succeed())
		Expect(d.Text(0, 0, "LOST", lcd.TextOpts{})).To(MatchError(port.ErrDisconnected))
		Expect(d.Text(0, 0, "LOST", lcd.TextOpts{})).To(MatchError(port.ErrDisconnected))
	})

	It("closes the reopened port on Close", func() {
		d := open(true)
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Replug()).To(Succeed())
		Expect(d.Clear(lcd.White)).To(Succeed())
		Expect(d.Close()).To(Succeed())
		err := d.Clear(lcd.White)
		Expect(err).To(MatchError(os.ErrClosed))
		Expect(err).NotTo(MatchError(port.ErrDisconnected))
	})
})
