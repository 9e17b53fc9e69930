package printer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"golang.org/x/sys/unix"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
)

// testConfig waits generously for every answer the specs expect (a
// loaded machine may take its time; an answer that comes costs nothing),
// polls the status often while a chunk prints (a probe, whose outcome
// does not depend on when it runs) and keeps the window small, so that a
// job of 30 lines is still being sent when the paper runs out.
var testConfig = printer.Config{
	Timeout:      5 * time.Second,
	Poll:         20 * time.Millisecond,
	Checkpoint:   4,
	Window:       100,
	PrintTimeout: 10 * time.Second,
}

// silentTimeout is the status timeout of a driver whose printer is meant
// not to answer: only then may it be short.
const silentTimeout = 200 * time.Millisecond

func quickToGiveUp() printer.Config {
	cfg := testConfig
	cfg.Timeout = silentTimeout
	return cfg
}

// inputQueued counts the bytes waiting to be read on the pty slave at
// path (TIOCINQ on a second descriptor: the queue is the tty's). Opening
// the slave again past the serial library's TIOCEXCL needs root, as the
// tests run.
func inputQueued(path string) func() (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() error { return unix.Close(fd) })
	return func() (int, error) { return unix.IoctlGetInt(fd, unix.TIOCINQ) }
}

func lines(n int) (*printer.Document, []string) {
	d := doc()
	var want []string
	for i := 1; i <= n; i++ {
		s := fmt.Sprintf("LINE %02d", i)
		d.Text(s)
		want = append(want, s)
	}
	d.Cut(printer.PartialCut)
	return d, want
}

func ctx() context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	DeferCleanup(cancel)
	return c
}

var _ = Describe("the driver over a pty against a scripted printer", func() {
	var (
		f  *fakePrinter
		pr *printer.Printer
		p  port.Port
	)
	BeforeEach(func() {
		f = newFake()
		DeferCleanup(func() error { return f.dev().Close() })
		pr, p = f.open(testConfig)
		DeferCleanup(p.Close)
	})

	Describe("status", func() {
		It("reads a ready printer", func() {
			s, err := pr.Status(ctx())
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Ready()).To(BeTrue())
			Expect(f.bytesReceived()).To(Equal([]byte{0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 3, 0x10, 4, 4}))
		})

		It("maps what the printer answers", func() {
			f.set(func(f *fakePrinter) { f.status = [4]byte{0x1A, 0x16, 0x12, 0x12} })
			s, err := pr.Status(ctx())
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Conditions).To(Equal(printer.Offline | printer.CoverOpen))
		})

		It("reads replies among automatic status back frames", func() {
			f.set(func(f *fakePrinter) { f.asb, f.status = true, [4]byte{0x1A, 0x12, 0x12, 0x12} })
			s, err := pr.Status(ctx())
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Conditions).To(Equal(printer.Offline))
			c, ok := pr.AutoStatus()
			Expect(ok).To(BeTrue())
			Expect(c).To(Equal(printer.Offline))
		})

		It("reports a printer that does not answer as ErrNoResponse after the timeout", func() {
			f.set(func(f *fakePrinter) { f.silent = true })
			pr = printer.New(p, quickToGiveUp())
			start := time.Now()
			_, err := pr.Status(ctx())
			Expect(err).To(MatchError(printer.ErrNoResponse))
			// Its own timeout, not the context's (ErrNoResponse says
			// that much): it waited that long and returned long before
			// the context would have ended it. The upper bound leaves a
			// loaded machine room to run a late timer.
			Expect(time.Since(start)).To(BeNumerically(">=", silentTimeout))
			Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second))
			_, err = pr.Print(ctx(), doc().Text("x"))
			Expect(err).To(MatchError(printer.ErrNoResponse))
		})

		It("recovers after a silent spell, ignoring late replies", func() {
			queued := inputQueued(f.dev().Path())
			f.set(func(f *fakePrinter) { f.silent = true })
			pr = printer.New(p, quickToGiveUp())
			_, err := pr.Status(ctx())
			Expect(err).To(MatchError(printer.ErrNoResponse))
			f.dev().Write([]byte{0x16}) //nolint:errcheck // a late, stale reply
			// The driver drains what is already on the line; a reply later
			// than its quiet spell it cannot tell from a fresh one. So the
			// stale byte must be there before it asks again.
			Eventually(queued).Should(Equal(1))
			f.set(func(f *fakePrinter) { f.silent = false })
			pr.SetTimeout(testConfig.Timeout) // this answer is expected
			s, err := pr.Status(ctx())
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Conditions).To(BeZero())
		})

		It("gives up when the context is cancelled", func() {
			f.set(func(f *fakePrinter) { f.silent = true })
			pr = printer.New(p, quickToGiveUp()) // should the context fail to stop it
			c, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := pr.Status(c)
			Expect(err).To(MatchError(context.Canceled))
		})
	})

	Describe("printing", func() {
		It("prints a slip in confirmed chunks", func() {
			d, want := lines(30)
			res, err := pr.Print(ctx(), d)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Segments).To(Equal(31))
			Expect(res.Status.Ready()).To(BeTrue())
			Expect(f.printed()).To(Equal(want))
		})

		It("refuses to start without paper, sending nothing but the status request", func() {
			f.set(func(f *fakePrinter) { f.status = paperOutStatus })
			_, err := pr.Print(ctx(), doc().Text("x"))
			Expect(err).To(MatchError(printer.ErrPaperOut))
			var se *printer.StatusError
			Expect(errors.As(err, &se)).To(BeTrue())
			Expect(se.Status.Has(printer.PaperOut)).To(BeTrue())
			Expect(f.bytesReceived()).To(HaveLen(12))
		})

		It("refuses to start with the cover open", func() {
			f.set(func(f *fakePrinter) { f.status = [4]byte{0x1A, 0x16, 0x12, 0x12} })
			_, err := pr.Print(ctx(), doc().Text("x"))
			Expect(err).To(MatchError(printer.ErrCoverOpen))
		})

		It("refuses an invalid document before touching the printer", func() {
			_, err := pr.Print(ctx(), doc().Feed(0))
			Expect(err).To(MatchError(printer.ErrInvalid))
			Expect(f.bytesReceived()).To(BeEmpty())
		})
	})

	Describe("paper out in the middle of a slip", func() {
		var (
			d    *printer.Document
			want []string
			je   *printer.JobError
		)
		BeforeEach(func() {
			d, want = lines(30)
			f.set(func(f *fakePrinter) { f.outAfter = 10 })
			_, err := pr.Print(ctx(), d)
			Expect(err).To(MatchError(printer.ErrPaperOut))
			Expect(errors.As(err, &je)).To(BeTrue())
		})

		It("says how far the job got", func() {
			Expect(je.Total).To(Equal(31))
			Expect(je.Printed).To(Equal(8), "two chunks of 4 confirmed before the fault")
			Expect(je.Sent).To(Equal(12), "the third chunk was in the printer")
			Expect(je.Doc).To(BeIdenticalTo(d))
			Expect(f.printed()).To(Equal(want[:10]))
			Expect(je.Error()).To(ContainSubstring("8 of 31 segments confirmed printed (12 sent)"))
		})

		It("does not resume while the paper is still out", func() {
			_, err := pr.Resume(ctx(), je, printer.ContinueRemaining)
			Expect(err).To(MatchError(printer.ErrPaperOut))
			var again *printer.JobError
			Expect(errors.As(err, &again)).To(BeTrue())
			Expect(again.Printed).To(Equal(8))
			Expect(again.Sent).To(Equal(12))
		})

		It("continues with the rest after the reload, sending no line twice", func() {
			f.reload()
			res, err := pr.Resume(ctx(), je, printer.ContinueRemaining)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Segments).To(Equal(31 - 12))
			Expect(f.printed()).To(Equal(want), "every line exactly once")
			got := f.bytesReceived()
			for _, line := range want {
				Expect(bytes.Count(got, []byte(line+"\n"))).To(Equal(1), line)
			}
			Expect(bytes.Count(got, []byte{0x1D, 0x56})).To(Equal(1), "one cut")
		})

		It("resends the unconfirmed lines when asked, printing them twice", func() {
			f.reload()
			_, err := pr.Resume(ctx(), je, printer.ResendUnconfirmed)
			Expect(err).NotTo(HaveOccurred())
			Expect(f.printed()).To(Equal(append(append(append([]string{}, want[:12]...), want[8:12]...), want[12:]...)))
		})

		It("reprints the whole slip with the duplicate mark when asked", func() {
			f.reload()
			res, err := pr.Resume(ctx(), je, printer.ReprintWhole|printer.MarkDuplicate)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Doc.Lines()[0]).To(Equal("重打印 DUPLICATED"))
			Expect(f.printed()).To(HaveLen(12 + 1 + 30))
			Expect(f.printed()[13:]).To(Equal(want))
			mark := body(doc().Text("重打印 DUPLICATED"))
			Expect(f.bytesReceived()).To(ContainSubstring(string(mark)))
		})

		It("reprints the whole slip without a mark", func() {
			f.reload()
			_, err := pr.Resume(ctx(), je, printer.ReprintWhole)
			Expect(err).NotTo(HaveOccurred())
			Expect(f.printed()[12:]).To(Equal(want))
		})

		It("can run out again while resuming, and resume again", func() {
			f.reload()
			f.set(func(f *fakePrinter) { f.outAfter = 20 })
			_, err := pr.Resume(ctx(), je, printer.ContinueRemaining)
			var je2 *printer.JobError
			Expect(errors.As(err, &je2)).To(BeTrue())
			Expect(je2.Printed).To(BeNumerically(">=", 12))
			Expect(je2.Sent).To(BeNumerically(">", je2.Printed))
			f.reload()
			_, err = pr.Resume(ctx(), je2, printer.ContinueRemaining)
			Expect(err).NotTo(HaveOccurred())
			Expect(f.printed()).To(Equal(want))
		})

		It("lets a new job wait for the old one's buffer", func() {
			f.reload()
			_, err := pr.Print(ctx(), doc().Text("NEXT"))
			Expect(err).NotTo(HaveOccurred())
			Expect(f.printed()).To(Equal(append(append([]string{}, want[:12]...), "NEXT")))
		})
	})

	It("reports a printer that lost its buffer as ErrUnconfirmed on resume", func() {
		d, want := lines(30)
		f.set(func(f *fakePrinter) { f.outAfter = 10 })
		_, err := pr.Print(ctx(), d)
		var je *printer.JobError
		Expect(errors.As(err, &je)).To(BeTrue())
		// Switched off and on: the buffer and its markers are gone.
		f.set(func(f *fakePrinter) { f.queue, f.out, f.outAfter, f.status = nil, false, 0, readyStatus })
		// The markers that did come are answered in stream order, before
		// the status the driver asks for once PrintTimeout has passed; a
		// short PrintTimeout only shortens the wait for the lost ones.
		cfg := testConfig
		cfg.PrintTimeout = 300 * time.Millisecond
		pr2 := printer.New(p, cfg)
		_, err = pr2.Resume(ctx(), je, printer.ContinueRemaining) // a fresh driver owes no markers
		Expect(err).NotTo(HaveOccurred())
		Expect(f.printed()).To(Equal(append(append([]string{}, want[:10]...), want[12:]...)), "lines 11–12 lost, none twice")

		f2 := newFake()
		DeferCleanup(func() error { return f2.dev().Close() })
		pr3, p3 := f2.open(cfg)
		DeferCleanup(p3.Close)
		f2.set(func(f *fakePrinter) { f.outAfter = 10 })
		_, err = pr3.Print(ctx(), d)
		Expect(errors.As(err, &je)).To(BeTrue())
		f2.set(func(f *fakePrinter) { f.queue, f.out, f.outAfter, f.status = nil, false, 0, readyStatus })
		_, err = pr3.Resume(ctx(), je, printer.ContinueRemaining)
		Expect(err).To(MatchError(printer.ErrUnconfirmed))
		var again *printer.JobError
		Expect(errors.As(err, &again)).To(BeTrue())
		_, err = pr3.Resume(ctx(), again, printer.ResendUnconfirmed)
		Expect(err).NotTo(HaveOccurred())
		Expect(f2.printed()).To(Equal(append(append([]string{}, want[:10]...), want[8:]...)),
			"from the last confirmed line: nothing lost, 09–10 twice, as asked")
	})

	It("reports a disconnect mid-job as port.ErrDisconnected with the progress", func() {
		d, _ := lines(30)
		f.set(func(f *fakePrinter) { f.unplugAt = 6 })
		_, err := pr.Print(ctx(), d)
		Expect(err).To(MatchError(port.ErrDisconnected))
		var je *printer.JobError
		Expect(errors.As(err, &je)).To(BeTrue())
		Expect(je.Printed).To(BeNumerically("<=", 8))
		Expect(je.Total).To(Equal(31))
	})
})
