package printer_test

import (
	"errors"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/emulator/ptydev"
)

var _ = Describe("a printer unplugged and plugged in again", func() {
	var f *fakePrinter
	BeforeEach(func() {
		// The fake on a pty with a stable link, as the emulator's are:
		// Reopen finds the new pty through it.
		f = &fakePrinter{status: readyStatus}
		dev, err := ptydev.New("printer", GinkgoT().TempDir(), f.feed)
		Expect(err).NotTo(HaveOccurred())
		f.device.Store(dev)
		DeferCleanup(func() error { return f.dev().Close() })
	})
	// open starts the driver on the link; reopen adds Config.Reopen.
	open := func(reopen bool) *printer.Printer {
		cfg := testConfig
		if reopen {
			cfg.Reopen = port.Reopener(f.dev().Link())
		}
		p, err := port.Open(f.dev().Link())
		Expect(err).NotTo(HaveOccurred())
		pr := printer.New(p, cfg)
		DeferCleanup(pr.Close)
		return pr
	}
	// back plugs the printer in again, fresh: what the old one held is gone.
	back := func() {
		var unplugged chan struct{}
		f.set(func(f *fakePrinter) { unplugged = f.unplugged })
		if unplugged != nil {
			Eventually(unplugged).Should(BeClosed())
		}
		f.set(func(f *fakePrinter) {
			f.gone, f.unplugAt, f.unplugged, f.in, f.queue, f.cur = false, 0, nil, nil, nil, nil
		})
		Expect(f.dev().Replug()).To(Succeed())
	}

	It("prints the next slip on the new pty without a new driver, with Reopen", func() {
		pr := open(true)
		d, want := lines(3)
		_, err := pr.Print(ctx(), d)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.dev().Unplug()).To(Succeed())
		back()
		d2, want2 := lines(5)
		res, err := pr.Print(ctx(), d2)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Segments).To(Equal(res.Total))
		Expect(f.printed()).To(Equal(append(want, want2...)))
		_, err = pr.Status(ctx())
		Expect(err).NotTo(HaveOccurred())
	})

	It("reports the unplug while the printer is away, and prints once it is back", func() {
		pr := open(true)
		Expect(f.dev().Unplug()).To(Succeed())
		_, err := pr.Status(ctx())
		Expect(err).To(MatchError(port.ErrDisconnected))
		Expect(err).To(MatchError(ContainSubstring("printer " + f.dev().Link())))
		d, want := lines(3)
		_, err = pr.Print(ctx(), d)
		Expect(err).To(MatchError(port.ErrDisconnected))
		var je *printer.JobError
		Expect(errors.As(err, &je)).To(BeFalse(), "nothing of the slip was sent")
		back()
		_, err = pr.Print(ctx(), d)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.printed()).To(Equal(want))
	})

	It("leaves a slip cut short by the unplug to Resume, which finishes it on the new pty", func() {
		pr := open(true)
		d, want := lines(30)
		f.set(func(f *fakePrinter) { f.unplugAt = 6 })
		_, err := pr.Print(ctx(), d)
		Expect(err).To(MatchError(port.ErrDisconnected))
		var je *printer.JobError
		Expect(errors.As(err, &je)).To(BeTrue())
		Expect(je.Sent).To(BeNumerically(">", 0))
		if je.Sent > je.Printed {
			Expect(err).To(MatchError(printer.ErrUnconfirmed), "what the old printer held is not counted as printed")
		}
		Expect(f.printed()).To(HaveLen(6), "the driver did not print the slip again by itself")
		back()
		_, err = pr.Resume(ctx(), je, printer.ContinueRemaining)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.printed()).To(ContainElement(want[len(want)-1]))
	})

	It("keeps failing without Reopen, as before", func() {
		pr := open(false)
		Expect(f.dev().Unplug()).To(Succeed())
		back()
		_, err := pr.Status(ctx())
		Expect(err).To(MatchError(port.ErrDisconnected))
		_, err = pr.Status(ctx())
		Expect(err).To(MatchError(port.ErrDisconnected))
	})

	It("closes the reopened port on Close", func() {
		pr := open(true)
		Expect(f.dev().Unplug()).To(Succeed())
		back()
		_, err := pr.Status(ctx())
		Expect(err).NotTo(HaveOccurred())
		Expect(pr.Close()).To(Succeed())
		_, err = pr.Status(ctx())
		Expect(err).To(MatchError(os.ErrClosed))
		Expect(err).NotTo(MatchError(port.ErrDisconnected))
	})
})
