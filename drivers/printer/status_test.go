package printer_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/printer"
)

var _ = Describe("status replies", func() {
	DescribeTable("DLE EOT n reply bits (POS-FACTS)",
		func(n int, b byte, want printer.Condition) {
			Expect(printer.IsEOTReply(b)).To(BeTrue())
			Expect(printer.EOTCondition(n, b)).To(Equal(want))
		},
		Entry("n=1 all clear", 1, byte(0x12), printer.Condition(0)),
		Entry("n=1 bit2 drawer", 1, byte(0x16), printer.DrawerOpen),
		Entry("n=1 bit3 offline", 1, byte(0x1A), printer.Offline),
		Entry("n=1 bit5 waiting recovery", 1, byte(0x32), printer.WaitingRecovery),
		Entry("n=1 bit6 feed button", 1, byte(0x52), printer.FeedButton),
		Entry("n=2 all clear", 2, byte(0x12), printer.Condition(0)),
		Entry("n=2 bit2 cover open", 2, byte(0x16), printer.CoverOpen),
		Entry("n=2 bit3 feeding by button", 2, byte(0x1A), printer.FeedingByButton),
		Entry("n=2 bit5 stopped at paper end", 2, byte(0x32), printer.PaperEndStop),
		Entry("n=2 bit6 error", 2, byte(0x52), printer.ErrorOccurred),
		Entry("n=3 all clear", 3, byte(0x12), printer.Condition(0)),
		Entry("n=3 bit2 recoverable", 3, byte(0x16), printer.RecoverableError),
		Entry("n=3 bit3 autocutter", 3, byte(0x1A), printer.CutterError),
		Entry("n=3 bit5 unrecoverable", 3, byte(0x32), printer.Unrecoverable),
		Entry("n=3 bit6 auto-recoverable", 3, byte(0x52), printer.AutoRecoverable),
		Entry("n=4 all clear", 4, byte(0x12), printer.Condition(0)),
		Entry("n=4 bits2–3 near end", 4, byte(0x1E), printer.PaperNearEnd),
		Entry("n=4 bit2 alone near end", 4, byte(0x16), printer.PaperNearEnd),
		Entry("n=4 bits5–6 end", 4, byte(0x72), printer.PaperOut),
		Entry("n=4 out of paper (0x7E)", 4, byte(0x7E), printer.PaperNearEnd|printer.PaperOut),
	)

	It("tells a DLE EOT reply from an ASB header and a GS r reply", func() {
		Expect(printer.IsEOTReply(0x12)).To(BeTrue())
		Expect(printer.IsEOTReply(0x10)).To(BeFalse()) // ASB byte 1
		Expect(printer.IsEOTReply(0x0F)).To(BeFalse()) // GS r paper out
		Expect(printer.IsEOTReply(0x92)).To(BeFalse())
	})

	DescribeTable("automatic status back frames (GS a)",
		func(f [4]byte, want printer.Condition) { Expect(printer.ASBCondition(f)).To(Equal(want)) },
		Entry("all clear", [4]byte{0x10, 0, 0, 0}, printer.Condition(0)),
		Entry("byte1 bit2 drawer", [4]byte{0x14, 0, 0, 0}, printer.DrawerOpen),
		Entry("byte1 bit3 offline", [4]byte{0x18, 0, 0, 0}, printer.Offline),
		Entry("byte1 bit5 cover open", [4]byte{0x30, 0, 0, 0}, printer.CoverOpen),
		Entry("byte1 bit6 feed button", [4]byte{0x50, 0, 0, 0}, printer.FeedButton),
		Entry("byte2 bit3 autocutter", [4]byte{0x10, 0x08, 0, 0}, printer.CutterError),
		Entry("byte2 bit5 unrecoverable", [4]byte{0x10, 0x20, 0, 0}, printer.Unrecoverable),
		Entry("byte2 bit6 auto-recoverable", [4]byte{0x10, 0x40, 0, 0}, printer.AutoRecoverable),
		Entry("byte3 bits0–1 near end", [4]byte{0x10, 0, 0x03, 0}, printer.PaperNearEnd),
		Entry("byte3 bits2–3 paper end", [4]byte{0x18, 0, 0x0F, 0}, printer.Offline|printer.PaperNearEnd|printer.PaperOut),
	)

	Describe("ParseStatus", func() {
		It("maps four all-clear replies to a ready printer", func() {
			s, err := printer.ParseStatus([]byte{0x12, 0x12, 0x12, 0x12})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Ready()).To(BeTrue())
			Expect(s.Conditions).To(BeZero())
			Expect(s.String()).To(Equal("ready [12 12 12 12]"))
		})

		It("maps the out-of-paper replies (1A 32 12 7E)", func() {
			s, err := printer.ParseStatus([]byte{0x1A, 0x32, 0x12, 0x7E})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Conditions).To(Equal(printer.Offline | printer.PaperEndStop | printer.PaperNearEnd | printer.PaperOut))
			Expect(s.Ready()).To(BeFalse())
			Expect(s.Raw).To(Equal([4]byte{0x1A, 0x32, 0x12, 0x7E}))
			err = &printer.StatusError{Port: "p", Op: "print", Status: s}
			Expect(errors.Is(err, printer.ErrPaperOut)).To(BeTrue())
			Expect(errors.Is(err, printer.ErrNotReady)).To(BeTrue())
			Expect(errors.Is(err, printer.ErrOffline)).To(BeTrue())
			Expect(errors.Is(err, printer.ErrCoverOpen)).To(BeFalse())
			Expect(err.Error()).To(ContainSubstring("paper out"))
		})

		It("keeps paper near end a warning, not a fault", func() {
			s, err := printer.ParseStatus([]byte{0x12, 0x12, 0x12, 0x1E})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Has(printer.PaperNearEnd)).To(BeTrue())
			Expect(s.Ready()).To(BeTrue())
		})

		It("maps cover open and cutter error to their errors", func() {
			s, _ := printer.ParseStatus([]byte{0x1A, 0x16, 0x1A, 0x12})
			err := &printer.StatusError{Status: s}
			Expect(errors.Is(err, printer.ErrCoverOpen)).To(BeTrue())
			Expect(errors.Is(err, printer.ErrCutterError)).To(BeTrue())
			Expect(errors.Is(err, printer.ErrPaperOut)).To(BeFalse())
		})

		It("skips automatic status back frames before and between replies", func() {
			s, err := printer.ParseStatus([]byte{
				0x18, 0x00, 0x0C, 0x00, // ASB: offline, paper end
				0x1A,
				0x10, 0x00, 0x00, 0x00, // ASB: all clear
				0x32, 0x12, 0x7E,
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Raw).To(Equal([4]byte{0x1A, 0x32, 0x12, 0x7E}))
		})

		It("does not take an ASB body byte for a reply", func() {
			// An ASB frame whose body bytes are junk that would
			// otherwise look like replies.
			s, err := printer.ParseStatus([]byte{0x10, 0x12, 0x12, 0x12, 0x16, 0x12, 0x12, 0x12})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Raw).To(Equal([4]byte{0x16, 0x12, 0x12, 0x12}))
		})

		It("skips GS r replies and bytes that fit no pattern", func() {
			s, err := printer.ParseStatus([]byte{0x00, 0x12, 0x0F, 0x80, 0x12, 0xFF, 0x12, 0x12})
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Ready()).To(BeTrue())
		})

		It("fails on fewer than four replies", func() {
			_, err := printer.ParseStatus([]byte{0x12, 0x12, 0x12})
			Expect(err).To(MatchError(printer.ErrMalformed))
			_, err = printer.ParseStatus(nil)
			Expect(err).To(MatchError(printer.ErrMalformed))
		})
	})

	It("names conditions", func() {
		Expect((printer.PaperOut | printer.CoverOpen).String()).To(Equal("cover open, paper out"))
		Expect(printer.Condition(0).String()).To(Equal("ready"))
	})
})
