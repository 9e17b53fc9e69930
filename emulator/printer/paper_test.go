package printer_test

import (
	"bytes"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/profile"
)

var _ = Describe("the paper", func() {
	var p *rig
	BeforeEach(func() { p = newRig(printer.Options{}) })

	DescribeTable("every GS V form cuts, feeding first where it says so",
		func(cut []byte, kind string, fed int) {
			p.Feed(cat("slip\n", cut, "next\n"))
			rs := p.Receipts()
			Expect(texts(rs)).To(Equal([][]string{{"slip"}, {"next"}}))
			Expect(rs[0].Cut).To(Equal(kind))
			Expect(rs[0].Height).To(Equal(30 + fed))
			Expect(rs[1].Cut).To(Equal(printer.CutNone))
		},
		Entry("GS V 0", []byte{0x1D, 0x56, 0}, printer.CutFull, 0),
		Entry("GS V 48", []byte{0x1D, 0x56, 48}, printer.CutFull, 0),
		Entry("GS V 1", []byte{0x1D, 0x56, 1}, printer.CutPartial, 0),
		Entry("GS V 49", []byte{0x1D, 0x56, 49}, printer.CutPartial, 0),
		Entry("GS V 65 n", []byte{0x1D, 0x56, 65, 40}, printer.CutFull, 40),
		Entry("GS V 66 n", []byte{0x1D, 0x56, 66, 40}, printer.CutPartial, 40),
		Entry("GS V 97 n", []byte{0x1D, 0x56, 97, 10}, printer.CutFull, 10),
		Entry("GS V 98 n", []byte{0x1D, 0x56, 98, 10}, printer.CutPartial, 10),
		Entry("GS V 103 n", []byte{0x1D, 0x56, 103, 5}, printer.CutFull, 5),
		Entry("GS V 104 n", []byte{0x1D, 0x56, 104, 5}, printer.CutPartial, 5),
		Entry("ESC i", []byte{0x1B, 0x69}, printer.CutFull, 0),
		Entry("ESC m", []byte{0x1B, 0x6D}, printer.CutPartial, 0),
	)

	It("rejects an unknown GS V mode without losing the stream", func() {
		p.Feed(cat("a\n", []byte{0x1D, 0x56, 7}, "b\n"))
		Expect(texts(p.Receipts())).To(Equal([][]string{{"a", "b"}}))
		Expect(p.DecodeErrors()[0].Msg).To(Equal("GS V mode 7 is not a cut; skipped"))
	})

	It("makes no receipt of a cut with nothing on the paper", func() {
		p.Feed(cat(escInit, fullCut, fullCut, "x\n", fullCut, fullCut))
		Expect(p.Receipts()).To(HaveLen(1))
	})

	It("stamps receipts with the injected clock and publishes each cut", func() {
		p.Feed([]byte("one\n"))
		p.clock.Advance(90 * time.Second)
		p.Feed(cat(fullCut, "two\nthree\n"))
		p.clock.Advance(time.Minute)
		p.Feed(partCut)
		rs := p.Receipts()
		Expect(rs[0].Time).To(Equal(epoch.Add(90 * time.Second)))
		Expect(rs[1].Time).To(Equal(epoch.Add(150 * time.Second)))
		Expect(rs[0].ID).To(Equal(1))
		Expect(rs[1].ID).To(Equal(2))
		evs := p.events("receipt")
		Expect(evs).To(HaveLen(2))
		Expect(evs[1].Detail).To(Equal(map[string]any{"id": 2, "lines": 2, "cut": "partial", "qr": 0, "barcodes": 0}))
	})

	It("tears off everything printed and keeps numbering", func() {
		p.Feed(cat("a\n", fullCut, "b\n"))
		p.TearOff()
		Expect(p.Receipts()).To(BeEmpty())
		p.Feed(cat("c\n", fullCut))
		rs := p.Receipts()
		Expect(rs).To(HaveLen(1))
		Expect(rs[0].ID).To(Equal(3))
		_, err := p.PNG(1)
		Expect(err).To(MatchError(printer.ErrNoReceipt))
	})

	It("keeps text composed but not yet printed across a tear-off", func() {
		p.Feed([]byte("half"))
		p.TearOff()
		p.Feed([]byte(" line\n"))
		Expect(p.Current().Text()).To(Equal([]string{"half line"}))
	})

	Describe("paper out in the middle of a receipt", func() {
		It("keeps what was printed, holds the rest, and prints it once on reload", func() {
			p.Feed(cat(escInit, "line 1\nline 2\nline 3 is half"))
			Expect(p.SetPaper("out")).To(Succeed())
			Expect(p.ask(cat(" done\nline 4\n", dleEOT(1), "line 5\n", fullCut)...)).To(Equal([]byte{0x1A}))
			Expect(p.Receipts()).To(HaveLen(1))
			Expect(p.Current().Text()).To(Equal([]string{"line 1", "line 2"}), "nothing more reaches paper while out")
			Expect(p.Status().Buffered).To(Equal(len(" done\nline 4\n") + 3 + len("line 5\n") + 3))

			Expect(p.SetPaper("ok")).To(Succeed())
			Expect(p.host.take()).To(BeEmpty(), "the DLE EOT already answered is not answered again")
			rs := p.Receipts()
			Expect(texts(rs)).To(Equal([][]string{{"line 1", "line 2", "line 3 is half done", "line 4", "line 5"}}))
			Expect(rs[0].Cut).To(Equal(printer.CutFull))
			Expect(p.Status().Buffered).To(BeZero())
			Expect(p.Status().Online).To(BeTrue())
		})

		It("prints nothing while the cover is open either, and answers status meanwhile", func() {
			p.SetCover(true)
			Expect(p.ask(cat("held\n", dleEOT(2))...)).To(Equal([]byte{0x16}))
			Expect(p.Receipts()).To(BeEmpty())
			p.SetCover(false)
			Expect(texts(p.Receipts())).To(Equal([][]string{{"held"}}))
		})

		It("keeps a command split at the moment the paper ran out in step", func() {
			img := raster(2, 4, 0x10) // 0x10 bytes: DLE inside the data
			p.Feed(img[:10])
			Expect(p.SetPaper("out")).To(Succeed())
			Expect(p.ask(cat(img[10:], dleEOT(4))...)).To(Equal([]byte{0x7E}))
			Expect(p.SetPaper("ok")).To(Succeed())
			p.Feed([]byte("after\n"))
			Expect(p.Current().Images).To(HaveLen(1))
			Expect(p.Current().Text()).To(Equal([]string{"after"}))
			Expect(p.DecodeErrors()).To(BeEmpty())
		})
	})

	Describe("the receive buffer while offline", func() {
		const size = 256
		BeforeEach(func() {
			pr := profile.Default().Printer
			pr.ReceiveBuffer = size
			p = newRigWith(pr, printer.Options{})
		})

		It("drops and counts what does not fit, answers status all along, and prints what fit", func() {
			Expect(p.SetPaper("out")).To(Succeed())
			line := []byte("0123456789abcdef\n") // 17 bytes
			for range 20 {                       // 340 bytes: 84 too many
				p.Feed(line)
			}
			Expect(p.ask(dleEOT(1)...)).To(Equal([]byte{0x1A}), "real-time requests are still answered with the buffer full")
			st := p.Status()
			Expect(st.Buffered).To(Equal(size))
			Expect(st.Dropped).To(Equal(int64(340 - size + 3)))
			Expect(p.Stats().Dropped).To(Equal(st.Dropped))
			Expect(p.events("overflow")).NotTo(BeEmpty())

			Expect(p.SetPaper("ok")).To(Succeed())
			lines := p.Current().Text()
			// 256 = 15 whole lines and 1 byte of the 16th, which waits
			// in the line buffer for the rest of its line.
			Expect(lines).To(HaveLen(15))
			Expect(lines).To(HaveEach("0123456789abcdef"))
			p.Feed([]byte("\n"))
			Expect(p.Current().Text()).To(HaveLen(16))
			Expect(p.Current().Text()[15]).To(Equal("0"))
		})

		It("empties on DLE ENQ 2 after a cutter error, and fills again", func() {
			p.SetCutterJammed(true)
			p.Feed(bytes.Repeat([]byte("x"), 300))
			Expect(p.Status().Buffered).To(Equal(size))
			p.Feed(cat("lost", []byte{0x10, 0x05, 0x02}, "kept\n"))
			Expect(p.Status().Buffered).To(Equal(len("kept\n")))
			p.SetCutterJammed(false)
			Expect(p.Current().Text()).To(Equal([]string{"kept"}))
		})

		It("reports offsets of the host's stream after bytes were dropped", func() {
			Expect(p.SetPaper("out")).To(Succeed())
			p.Feed(bytes.Repeat([]byte("y"), 300))
			Expect(p.SetPaper("ok")).To(Succeed())
			p.Feed([]byte{0x1B, 0x7A})
			Expect(p.DecodeErrors()).To(ConsistOf(printer.DecodeError{Offset: 300, Msg: "unknown command ESC z; skipped"}))
		})
	})
})

var _ = Describe("concurrent use", func() {
	It("takes bytes, faults, reads and tear-offs from many goroutines at once", func() {
		p := newRig(printer.Options{MaxReceipts: 4})
		slip := cat(textReceipt(), imageReceipt())
		done := make(chan struct{})
		var writers, wg sync.WaitGroup
		for range 3 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				defer GinkgoRecover()
				for range 20 {
					p.Feed(slip)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer GinkgoRecover()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				Expect(p.SetPaper([]string{"ok", "near-end", "out"}[i%3])).To(Succeed())
				p.SetCover(i%5 == 0)
				for _, r := range p.Receipts() {
					_, err := p.PNG(r.ID)
					if err != nil {
						Expect(err).To(MatchError(printer.ErrNoReceipt))
					}
				}
				_ = p.Status()
				if i%7 == 0 {
					p.TearOff()
				}
			}
		}()
		writers.Wait()
		close(done)
		wg.Wait()
		Expect(p.Stats().Received).To(Equal(int64(60 * len(slip))))
	})
})
