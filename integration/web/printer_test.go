package web_test

import (
	"context"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/emulator"
	emuprinter "github.com/posemu/posemu/emulator/printer"
)

var _ = Describe("the web page's printer", Label("web", "printer"), func() {
	var (
		r *rig
		p *page
	)
	BeforeEach(func() {
		r = startRig(rigOptions{})
		p = openPage(r)
	})
	AfterEach(func() {
		Expect(p.scriptErrors()).To(BeEmpty(), "the page's scripts failed")
	})

	// print sends a slip through the printer driver over the pty.
	print := func(pr *printer.Printer, title string) {
		GinkgoHelper()
		doc := printer.NewDocument(printer.Paper58).
			Text(title, printer.Centered, printer.Size(2, 2)).
			Columns("金额 AMOUNT", "RMB 12.50").
			Text("谢谢惠顾 THANK YOU").
			Cut(printer.PartialCut)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := pr.Print(ctx, doc)
		Expect(err).NotTo(HaveOccurred())
	}
	slips := func() any { return p.eval(`[...document.querySelectorAll("#roll li.slip")].map(s => s.dataset.id)`) }

	It("puts each slip on the roll as the printer's PNG, newest first, and tears it off", func() {
		pr := printer.New(openPort(r, emulator.Printer), printerConfig)
		print(pr, "商户存根 ONE")
		Eventually(slips).Should(Equal([]any{"1"}))
		Eventually(p.js(`(() => { const i = document.querySelector('#roll li[data-id="1"] img');
			return [i.complete, i.naturalWidth, i.alt.includes("商户存根 ONE")]; })()`)).Should(Equal([]any{true, 384.0, true}))
		Expect(p.text(`#roll li[data-id="1"] .time`)()).To(MatchRegexp(`^\d\d:\d\d:\d\d\.\d{3}$`))

		print(pr, "持卡人存根 TWO")
		Eventually(slips).Should(Equal([]any{"2", "1"}))

		p.click("#tear")
		Eventually(slips).Should(BeEmpty())
		Expect(r.emu.Printer().Receipts()).To(BeEmpty())
		Expect(p.eval(`document.getElementById("tear").disabled`)).To(BeTrue())
	})

	It("flips paper, cover and cutter from the fault switches, and shows the state", func() {
		p.do(chromedp.SetValue(chromedp.CSS("#paper"), "out"))
		p.eval(`document.getElementById("paper").dispatchEvent(new Event("change"))`)
		Eventually(func() string { return r.emu.Printer().Status().Paper }).Should(Equal(emuprinter.PaperOut))
		Eventually(p.js(`document.getElementById("printer-panel").dataset.paper`)).Should(Equal("out"))
		Expect(p.text(`#printer-status dd[data-field="paper"]`)()).To(Equal("out"))
		Expect(p.text(`#printer-status dd[data-field="state"]`)()).To(Equal("offline"))

		p.click("#cover")
		Eventually(func() bool { return r.emu.Printer().Status().CoverOpen }).Should(BeTrue())
		Eventually(p.js(`document.getElementById("printer-panel").dataset.cover`)).Should(Equal("open"))
		p.click("#cutter")
		Eventually(func() bool { return r.emu.Printer().Status().CutterJammed }).Should(BeTrue())
	})

	It("follows a printer fault set elsewhere", func() {
		Expect(r.emu.Printer().SetPaper(emuprinter.PaperNearEnd)).To(Succeed())
		Eventually(p.js(`document.getElementById("printer-panel").dataset.paper`)).Should(Equal("near-end"))
		Expect(p.eval(`document.getElementById("paper").value`)).To(Equal("near-end"))
		r.emu.Printer().SetCover(true)
		Eventually(p.js(`document.getElementById("cover").checked`)).Should(BeTrue())
	})
})
