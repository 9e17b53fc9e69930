package terminal_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/journal"
)

// headOf is a slip's lines down to its copy label: where the mark goes.
func headOf(slip []string) []string {
	for i, l := range slip {
		if l == "商户存根 MERCHANT COPY" || l == "持卡人存根 CARDHOLDER COPY" {
			return slip[:i+1]
		}
	}
	return slip
}

var markedHead = []string{"支付宝签购单", "ALIPAY SALES SLIP", "*** 测试 TESTING ***", terminal.DuplicateMark, "商户存根 MERCHANT COPY"}

var _ = Describe("A slip abandoned part way", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn("01", "0000")
	})

	// abandon runs a sale whose merchant copy stops after 8 segments, of
	// which the printer holds held in its buffer, and gives it up.
	abandon := func(held int) {
		GinkgoHelper()
		r.prn.paperOutAfter, r.prn.held = 8, held
		r.sale("5", goodCode)
		r.see("打印中断 PRINT STOPPED")
		r.press(terminal.KeyCancel)
		r.see("交易成功 APPROVED")
		e, _ := r.j.ByVoucher(1)
		Expect(e.Slips).To(Equal(0))
		Expect(e.SlipStarted).To(BeTrue(), "part of the merchant copy went to the printer")
		r.prn.setStatus(paperOutFixed)
	}

	// owedAtStart restarts the application and expects the merchant copy
	// marked, the customer copy not.
	owedAtStart := func() {
		GinkgoHelper()
		before := len(r.prn.Slips())
		r.restart()
		r.see("按任意键打印持卡人存根")
		merchant := r.prn.Slips()[before]
		Expect(headOf(merchant)).To(Equal(markedHead))
		Expect(joined(merchant)).To(ContainSubstring("RMB 5.00"))
		r.press(terminal.KeyEnter)
		r.see("恢复 RECOVERY")
		customer := r.prn.Slips()[before+1]
		Expect(customer).To(ContainElement("持卡人存根 CARDHOLDER COPY"))
		Expect(customer).NotTo(ContainElement(terminal.DuplicateMark))
		e, _ := r.j.ByVoucher(1)
		Expect(e.Slips).To(Equal(2))
		Expect(e.SlipStarted).To(BeFalse())
	}

	It("is printed marked when it is owed later: part of it is on paper", func() {
		abandon(0)
		owedAtStart()
	})

	It("is printed marked even when all of it that went out was still in the printer's buffer", func() {
		abandon(8) // nothing confirmed printed: the printer prints it once the paper is back
		owedAtStart()
	})

	It("that never left the terminal is printed later unmarked", func() {
		r.pay.payFn = func(req payment.PayRequest, _ func(payment.Progress)) payment.Outcome {
			r.prn.setStatus(paperOut) // after the check before the payment, before the slip
			return approved(req.OutTradeNo, int64(req.Amount))
		}
		r.sale("5", goodCode)
		r.see("打印中断 PRINT STOPPED")
		Expect(r.screen()).NotTo(ContainSubstring("续打"), "nothing to continue")
		r.press(terminal.KeyCancel)
		r.see("交易成功 APPROVED")
		e, _ := r.j.ByVoucher(1)
		Expect(e.State).To(Equal(journal.Approved))
		Expect(e.Slips).To(Equal(0))
		Expect(e.SlipStarted).To(BeFalse())
		r.prn.setStatus(paperOutFixed)
		r.restart()
		r.see("按任意键打印持卡人存根")
		Expect(r.prn.Slips()).To(HaveLen(1))
		Expect(r.prn.Slips()[0]).To(ContainElement("商户存根 MERCHANT COPY"))
		Expect(r.prn.Slips()[0]).NotTo(ContainElement(terminal.DuplicateMark))
	})

	It("is recorded as started before it is sent: stopped while printing, it is printed marked at the next start", func() {
		hanging := r.prn.hangNext()
		r.sale("5", goodCode)
		Eventually(hanging).Should(BeClosed())
		e, _ := r.j.ByVoucher(1)
		Expect(e.State).To(Equal(journal.Approved))
		Expect(e.SlipStarted).To(BeTrue())
		owedAtStart()
	})
})
