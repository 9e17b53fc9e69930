package integration_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/emulator"
	emuprinter "github.com/posemu/posemu/emulator/printer"
)

// hookPort lets a test act just before a given write reaches the line,
// e.g. take the paper out while a chunk of the slip is on its way.
type hookPort struct {
	port.Port
	mu     sync.Mutex
	before func(p []byte)
}

func (h *hookPort) Write(p []byte) (int, error) {
	h.mu.Lock()
	fn := h.before
	h.mu.Unlock()
	if fn != nil {
		fn(p)
	}
	return h.Port.Write(p)
}

// normalized is a line as a reader compares it: spaces collapsed.
func normalized(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}

// salesSlip is a Lakala-style 签购单 with the fields of POS-FACTS.
func salesSlip(tradeNo string) *printer.Document {
	d := printer.NewDocument(printer.Paper58)
	d.Text("签购单 POS SALES SLIP", printer.Bold, printer.Centered, printer.DoubleHeight)
	d.Text("商户存根 MERCHANT COPY", printer.Centered)
	d.Rule()
	for _, kv := range [][2]string{
		{"商户名称 MERCHANT NAME", "测试商户"},
		{"商户编号 MERCHANT NO", "123456789012345"},
		{"终端编号 TERMINAL NO", "12345678"},
		{"操作员号 OPERATOR", "01"},
		{"卡号 CARD NO", "622202******1234"},
		{"交易类型 TRANS TYPE", "消费 SALE"},
		{"批次号 BATCH", fmt.Sprintf("%06d", 1)},
		{"凭证号 VOUCHER", fmt.Sprintf("%06d", 123)},
		{"授权码 AUTH", "A12345"},
		{"参考号 REF", "240101123456"},
		{"日期时间", "2024/01/01 12:34:56"},
	} {
		d.Columns(kv[0], kv[1])
	}
	d.Columns("金额 AMOUNT", "¥12.50", printer.Bold, printer.DoubleHeight)
	d.Text("备注 REFERENCE")
	d.QR(tradeNo, 6, printer.ECMedium, printer.Centered)
	d.Text(tradeNo, printer.Centered)
	d.Rule()
	d.Text("持卡人签名 CARDHOLDER SIGNATURE")
	d.Feed(3)
	d.Cut(printer.PartialCut)
	return d
}

var _ = Describe("the printer driver against the emulated printer", Label("integration"), func() {
	var (
		r     *rig
		model *emuprinter.Model
		hook  *hookPort
		drv   *printer.Printer
	)
	BeforeEach(func() {
		r = startRig(GinkgoT().TempDir())
		model = r.emu.Printer()
		p, err := port.Open(r.link(emulator.Printer))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		hook = &hookPort{Port: p}
		// Generous where an answer is expected (status replies, markers:
		// the model answers both in stream order), a short Poll for the
		// status probes while a chunk prints.
		drv = printer.New(hook, printer.Config{Timeout: 5 * time.Second, Poll: 20 * time.Millisecond,
			Checkpoint: 4, Window: 256, PrintTimeout: 10 * time.Second})
	})

	ctx := func() context.Context {
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		DeferCleanup(cancel)
		return c
	}

	// cut returns the receipts the model has cut so far.
	cut := func() []emuprinter.Receipt {
		var out []emuprinter.Receipt
		for _, rc := range model.Receipts() {
			if rc.Cut != "" {
				out = append(out, rc)
			}
		}
		return out
	}

	It("prints a full sales slip that the model reads back line for line, with the QR payload", func() {
		const tradeNo = "2024010122001412345678901234"
		doc := salesSlip(tradeNo)
		res, err := drv.Print(ctx(), doc)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Segments).To(Equal(doc.Len()))
		Expect(res.Status.Ready()).To(BeTrue())

		Eventually(cut).Should(HaveLen(1))
		rc := cut()[0]
		Expect(rc.Cut).To(ContainSubstring("partial"))
		Expect(normalized(rc.Text())).To(Equal(normalized(doc.Lines())))
		Expect(rc.QR).To(Equal([]string{tradeNo}))

		Expect(rc.Lines[0].Bold).To(BeTrue())
		Expect(rc.Lines[0].Align).To(Equal("center"))
		Expect(rc.Lines[0].Height).To(Equal(2))
		var amount emuprinter.Line
		for _, l := range rc.Lines {
			if strings.HasPrefix(l.Text, "金额") {
				amount = l
			}
		}
		Expect(strings.TrimSpace(amount.Text)).To(Equal("金额 AMOUNT" + strings.Repeat(" ", 14) + "￥12.50"))
		Expect(amount.Bold).To(BeTrue())
		Expect(amount.Height).To(Equal(2))
		Expect(strings.Join(rc.Text(), "\n")).To(ContainSubstring("622202******1234"))
		Expect(model.DecodeErrors()).To(BeEmpty())
	})

	It("refuses to print without paper and prints nothing", func() {
		Expect(model.SetPaper(emuprinter.PaperOut)).To(Succeed())
		_, err := drv.Print(ctx(), salesSlip("1"))
		Expect(err).To(MatchError(printer.ErrPaperOut))
		Expect(model.Receipts()).To(BeEmpty())
	})

	It("reads the model's status conditions", func() {
		Expect(model.SetPaper(emuprinter.PaperNearEnd)).To(Succeed())
		model.SetCover(true)
		s, err := drv.Status(ctx())
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Has(printer.PaperNearEnd | printer.CoverOpen)).To(BeTrue())
		Expect(s.Ready()).To(BeFalse())
	})

	DescribeTable("a fault in the middle of a slip, cleared, then ContinueRemaining: every line exactly once",
		func(fault, clear func()) {
			doc := printer.NewDocument(printer.Paper58)
			var want []string
			for i := 1; i <= 40; i++ {
				s := fmt.Sprintf("LINE %02d 第%02d行", i, i)
				doc.Text(s)
				want = append(want, s)
			}
			doc.QR("TRADE-40", 0, 0)
			doc.Cut(printer.PartialCut)

			var sent bytes.Buffer
			hook.before = func(p []byte) {
				sent.Write(p)
				if bytes.Contains(p, []byte("LINE 18")) {
					fault()
				}
			}
			_, err := drv.Print(ctx(), doc)
			var je *printer.JobError
			Expect(errors.As(err, &je)).To(BeTrue(), "%v", err)
			Expect(err).To(MatchError(printer.ErrNotReady))
			Expect(je.Printed).To(BeNumerically("<", 18))
			Expect(je.Sent).To(BeNumerically(">=", 18))
			Expect(je.Sent).To(BeNumerically("<", doc.Len()))
			Expect(cut()).To(BeEmpty())

			clear()
			res, err := drv.Resume(ctx(), je, printer.ContinueRemaining)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Segments).To(Equal(doc.Len() - je.Sent))

			Eventually(cut).Should(HaveLen(1))
			rc := cut()[0]
			Expect(rc.Text()).To(Equal(want), "every line once, in order")
			Expect(rc.QR).To(Equal([]string{"TRADE-40"}))
			for _, w := range want {
				Expect(bytes.Count(sent.Bytes(), []byte(w[:7]))).To(Equal(1), "%s sent once", w[:7])
			}
			Expect(model.Status().Dropped).To(BeZero())
		},
		Entry("paper out, then reloaded",
			func() { Expect(model.SetPaper(emuprinter.PaperOut)).To(Succeed()) },
			func() { Expect(model.SetPaper(emuprinter.PaperOK)).To(Succeed()) }),
		Entry("cover opened, then closed",
			func() { model.SetCover(true) },
			func() { model.SetCover(false) }),
	)

	It("keeps its footing when automatic status back frames interleave with its replies", func() {
		// Another program on the terminal turned GS a on: the printer now
		// sends a 4-byte frame on every change, among the driver's replies.
		_, err := hook.Port.Write([]byte{0x1D, 0x61, 0xFF})
		Expect(err).NotTo(HaveOccurred())
		doc := salesSlip("ASB-1")
		hook.before = func(p []byte) {
			if bytes.Contains(p, []byte("12345678")) {
				Expect(model.SetPaper(emuprinter.PaperOut)).To(Succeed())
			}
		}
		_, err = drv.Print(ctx(), doc)
		var je *printer.JobError
		Expect(errors.As(err, &je)).To(BeTrue(), "%v", err)
		hook.before = nil
		Expect(model.SetPaper(emuprinter.PaperOK)).To(Succeed())
		_, err = drv.Resume(ctx(), je, printer.ContinueRemaining)
		Expect(err).NotTo(HaveOccurred())
		Eventually(cut).Should(HaveLen(1))
		Expect(normalized(cut()[0].Text())).To(Equal(normalized(doc.Lines())))
		_, ok := drv.AutoStatus()
		Expect(ok).To(BeTrue())
	})

	It("reprints a whole slip marked 重打印 DUPLICATED when the caller asks", func() {
		doc := salesSlip("REPRINT-1")
		hook.before = func(p []byte) {
			if bytes.Contains(p, []byte("12345678")) {
				Expect(model.SetPaper(emuprinter.PaperOut)).To(Succeed())
			}
		}
		_, err := drv.Print(ctx(), doc)
		var je *printer.JobError
		Expect(errors.As(err, &je)).To(BeTrue(), "%v", err)
		hook.before = nil
		Expect(model.SetPaper(emuprinter.PaperOK)).To(Succeed())
		_, err = drv.Resume(ctx(), je, printer.ReprintWhole|printer.MarkDuplicate)
		Expect(err).NotTo(HaveOccurred())
		Eventually(cut).Should(HaveLen(1))
		text := normalized(cut()[0].Text())
		Expect(text).To(ContainElement("重打印 DUPLICATED"))
		at := -1
		for i, l := range text {
			if l == "重打印 DUPLICATED" {
				at = i
			}
		}
		Expect(text[at+1:]).To(Equal(normalized(doc.Lines())))
	})
})
