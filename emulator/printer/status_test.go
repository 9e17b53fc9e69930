package printer_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/printer"
)

var _ = Describe("printer status", func() {
	var p *rig
	BeforeEach(func() { p = newRig(printer.Options{}) })

	// dle asks DLE EOT 1–4 and returns the four replies.
	dle := func() []byte {
		return p.ask(cat(dleEOT(1), dleEOT(2), dleEOT(3), dleEOT(4))...)
	}

	DescribeTable("DLE EOT 1–4 replies, bit for bit",
		func(set func(), want []byte) {
			set()
			Expect(dle()).To(Equal(want))
			st := p.Status()
			Expect(st.DLEEOT[:]).To(Equal(want))
		},
		Entry("all clear: 0x12 for every n", func() {}, []byte{0x12, 0x12, 0x12, 0x12}),
		Entry("paper near end: only n=4 bits 2–3", func() { Expect(p.SetPaper("near-end")).To(Succeed()) }, []byte{0x12, 0x12, 0x12, 0x1E}),
		Entry("paper out: n=1 0x1A offline, n=2 0x32 paper end stop, n=4 0x7E", func() { Expect(p.SetPaper("out")).To(Succeed()) }, []byte{0x1A, 0x32, 0x12, 0x7E}),
		Entry("cover open: n=1 offline, n=2 bit 2", func() { p.SetCover(true) }, []byte{0x1A, 0x16, 0x12, 0x12}),
		Entry("cutter jammed: n=1 offline + waiting for recovery, n=2 error, n=3 autocutter", func() { p.SetCutterJammed(true) }, []byte{0x3A, 0x52, 0x1A, 0x12}),
		Entry("drawer open: n=1 bit 2", func() { p.SetDrawerOpen(true) }, []byte{0x16, 0x12, 0x12, 0x12}),
		Entry("cover open and paper out together", func() {
			p.SetCover(true)
			Expect(p.SetPaper("out")).To(Succeed())
		}, []byte{0x1A, 0x36, 0x12, 0x7E}),
	)

	It("refuses an unknown paper state", func() {
		Expect(p.SetPaper("wet")).To(MatchError(`paper state "wet" is not ok, near-end or out`))
	})

	It("answers DLE EOT split across reads and between other commands", func() {
		p.Feed([]byte{0x1B, 0x40, 0x10})
		p.Feed([]byte{0x04})
		p.Feed([]byte{0x01, 'A', 0x10, 0x04, 0x04, '\n'})
		Expect(p.host.take()).To(Equal([]byte{0x12, 0x12}))
		Expect(p.Current().Text()).To(Equal([]string{"A"}))
	})

	It("ignores DLE EOT with n out of range, reporting it", func() {
		Expect(p.ask(0x10, 0x04, 0x09)).To(BeEmpty())
		Expect(p.DecodeErrors()).To(ConsistOf(printer.DecodeError{Offset: 0, Msg: "DLE EOT 9 is not a status request (1–4, 7, 8); skipped"}))
	})

	DescribeTable("GS r",
		func(paper string, drawer bool, n byte, want byte) {
			Expect(p.SetPaper(paper)).To(Succeed())
			p.SetDrawerOpen(drawer)
			Expect(p.ask(0x1D, 0x72, n)).To(Equal([]byte{want}))
		},
		Entry("1: paper ok", "ok", false, byte(1), byte(0x00)),
		Entry("49: paper ok", "ok", false, byte(49), byte(0x00)),
		Entry("1: near end", "near-end", false, byte(1), byte(0x03)),
		Entry("2: drawer closed", "ok", false, byte(2), byte(0x00)),
		Entry("50: drawer open", "ok", true, byte(50), byte(0x01)),
	)

	It("answers GS r 1 with 0x0F once paper that ran out is back (GS r waits its turn)", func() {
		Expect(p.SetPaper("out")).To(Succeed())
		Expect(p.ask(0x1D, 0x72, 0x01)).To(BeEmpty(), "not a real-time command: it waits in the buffer")
		p.host.take()
		Expect(p.SetPaper("ok")).To(Succeed())
		Expect(p.host.take()).To(Equal([]byte{0x00}))
	})

	Describe("automatic status back (GS a)", func() {
		It("sends the 4 status bytes on enable and on every change", func() {
			Expect(p.ask(0x1D, 0x61, 0x0F)).To(Equal([]byte{0x10, 0x00, 0x00, 0x00}))
			Expect(p.SetPaper("near-end")).To(Succeed())
			Expect(p.host.take()).To(Equal([]byte{0x10, 0x00, 0x03, 0x00}))
			Expect(p.SetPaper("out")).To(Succeed())
			Expect(p.host.take()).To(Equal([]byte{0x18, 0x00, 0x0F, 0x00}))
			p.SetCover(true)
			Expect(p.host.take()).To(Equal([]byte{0x38, 0x00, 0x0F, 0x00}))
			Expect(p.SetPaper("ok")).To(Succeed())
			p.SetCover(false)
			Expect(p.host.take()).To(Equal([]byte{0x38, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00}))
			p.SetCutterJammed(true)
			Expect(p.host.take()).To(Equal([]byte{0x18, 0x08, 0x00, 0x00}))
			p.SetCutterJammed(false)
			p.SetDrawerOpen(true)
			Expect(p.host.take()).To(Equal([]byte{0x10, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00}))
		})

		It("only reports the groups that were enabled", func() {
			Expect(p.ask(0x1D, 0x61, 0x08)).To(Equal([]byte{0x10, 0x00, 0x00, 0x00})) // paper only
			p.SetDrawerOpen(true)
			p.SetCutterJammed(true)
			Expect(p.host.take()).To(BeEmpty())
			p.SetCutterJammed(false)
			Expect(p.SetPaper("near-end")).To(Succeed())
			Expect(p.host.take()).To(Equal([]byte{0x14, 0x00, 0x03, 0x00}))
		})

		It("stops with GS a 0", func() {
			p.ask(0x1D, 0x61, 0xFF)
			Expect(p.ask(0x1D, 0x61, 0x00)).To(BeEmpty())
			Expect(p.SetPaper("out")).To(Succeed())
			Expect(p.host.take()).To(BeEmpty())
		})
	})

	It("publishes a status event on every change", func() {
		Expect(p.SetPaper("out")).To(Succeed())
		Expect(p.SetPaper("out")).To(Succeed())
		p.SetCover(true)
		evs := p.events("status")
		Expect(evs).To(HaveLen(2))
		Expect(evs[0].Detail).To(HaveKeyWithValue("paper", "out"))
		Expect(evs[0].Detail).To(HaveKeyWithValue("online", false))
		Expect(evs[1].Detail).To(HaveKeyWithValue("cover_open", true))
	})

	It("answers the common client handshake ESC @ ESC = 1 DLE EOT 1", func() {
		Expect(p.ask(cat(escInit, []byte{0x1B, 0x3D, 0x01}, dleEOT(1))...)).To(Equal([]byte{0x12}))
	})

	It("identifies itself with GS I", func() {
		Expect(p.ask(0x1D, 0x49, 0x42)).To(Equal([]byte("_POSEMU\x00")))
		Expect(p.ask(0x1D, 0x49, 0x43)).To(Equal([]byte("_POSEMU-58\x00")))
	})

	It("reports a drawer pulse from ESC p and from DLE DC4 1", func() {
		p.Feed([]byte{0x1B, 0x70, 0x00, 0x19, 0xFA, 0x10, 0x14, 0x01, 0x01, 0x02})
		evs := p.events("drawer")
		Expect(evs).To(HaveLen(2))
		Expect(evs[0].Detail).To(Equal(map[string]any{"pin": 2, "on_ms": 50, "off_ms": 500}))
		Expect(evs[1].Detail).To(Equal(map[string]any{"pin": 5, "on_ms": 200, "off_ms": 200}))
	})
})
