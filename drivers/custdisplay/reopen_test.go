package custdisplay_test

import (
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/custdisplay"
	"github.com/posemu/posemu/drivers/port"
	emu "github.com/posemu/posemu/emulator/custdisplay"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/ptydev"
	"github.com/posemu/posemu/profile"
)

var _ = Describe("a display unplugged and plugged in again", func() {
	var (
		model *emu.Model
		dev   *ptydev.Device
	)
	// open starts the driver on the device's stable link, the way the
	// terminal finds it; reopen adds Config.Reopen.
	open := func(reopen bool) *custdisplay.Display {
		cfg := custdisplay.Config{Columns: 20, Rows: 2}
		if reopen {
			cfg.Reopen = port.Reopener(dev.Link())
		}
		p, err := port.Open(dev.Link())
		Expect(err).NotTo(HaveOccurred())
		d := custdisplay.New(p, cfg)
		DeferCleanup(d.Close)
		Expect(d.Init()).To(Succeed())
		return d
	}
	BeforeEach(func() {
		model = emu.New(profile.CustDisplay{Columns: 20, Rows: 2, CommandSet: custdisplay.DMD, Baud: 9600},
			events.NewBus(64, time.Now))
		var err error
		dev, err = ptydev.New("custdisplay", GinkgoT().TempDir(), model.Feed)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(dev.Close)
	})

	It("shows again on the new pty without a new driver, with Reopen", func() {
		d := open(true)
		Expect(d.Show("BEFORE", "")).To(Succeed())
		Eventually(model.Lines).Should(Equal([]string{"BEFORE", ""}))
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Replug()).To(Succeed())
		Expect(d.Show("AFTER", "REPLUG")).To(Succeed())
		Eventually(model.Lines).Should(Equal([]string{"AFTER", "REPLUG"}))
	})

	It("reports the unplug while the display is away, and shows once it is back", func() {
		d := open(true)
		Expect(dev.Unplug()).To(Succeed())
		var err error
		Eventually(func() error { err = d.Show("AWAY", ""); return err }).Should(MatchError(port.ErrDisconnected))
		Expect(err).To(MatchError(ContainSubstring("custdisplay " + dev.Link() + ": show")))
		// Still away: the next call tries again and fails the same way.
		Expect(d.Show("AWAY", "")).To(MatchError(port.ErrDisconnected))
		Expect(dev.Replug()).To(Succeed())
		Expect(d.Show("BACK", "")).To(Succeed())
		Eventually(model.Lines).Should(Equal([]string{"BACK", ""}))
	})

	It("keeps failing without Reopen, as before", func() {
		d := open(false)
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Replug()).To(Succeed())
		Eventually(func() error { return d.Show("LOST", "") }).Should(MatchError(port.ErrDisconnected))
		Expect(d.Show("LOST", "")).To(MatchError(port.ErrDisconnected))
	})

	It("closes the reopened port on Close", func() {
		d := open(true)
		Expect(dev.Unplug()).To(Succeed())
		Expect(dev.Replug()).To(Succeed())
		Expect(d.Clear()).To(Succeed())
		Expect(d.Close()).To(Succeed())
		err := d.Clear()
		Expect(err).To(MatchError(os.ErrClosed))
		Expect(err).NotTo(MatchError(port.ErrDisconnected))
	})
})
