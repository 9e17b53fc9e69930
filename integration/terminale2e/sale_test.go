package terminale2e_test

import (
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
	emuprinter "github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/terminal/journal"
)

var _ = Describe("Sale by the buyer's code, through the emulated hardware", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn()
	})

	It("succeeds at once: screen, customer display, both slips, journal and platform agree", func() {
		before := r.balance(buyerZhang)
		r.see("主菜单 MENU")
		r.press("1")
		r.typ("12.5")
		Eventually(r.customer).Should(ContainSubstring("CNY 12.50"))
		r.press("ENTER")
		r.see("请扫描买家付款码")
		r.scan(buyerZhang)
		r.see("按任意键打印持卡人存根")
		Eventually(r.customer).Should(ContainSubstring("PAID - THANK YOU"))
		Expect(r.receiptCount()).To(Equal(1))
		r.finish()

		trades := r.trades()
		Expect(trades).To(HaveLen(1))
		t := trades[0]
		Expect(t.Status).To(Equal("TRADE_SUCCESS"))
		Expect(t.Total).To(Equal(int64(1250)))
		Expect(t.TerminalID).To(Equal("10000001"))
		Expect(r.balance(buyerZhang)).To(Equal(before - 1250))

		slips := r.receipts()
		Expect(slips).To(HaveLen(2))
		Expect(slips[0]).To(ContainSubstring("商户存根 MERCHANT COPY"))
		Expect(slips[1]).To(ContainSubstring("持卡人存根 CARDHOLDER COPY"))
		for _, want := range []string{"898310000000001", "10000001", "000001", "281234********3456", "RMB 12.50",
			t.TradeNo, t.OutTradeNo, "测试 TESTING"} {
			Expect(slips[0]).To(ContainSubstring(want))
		}
		Expect(slips[0]).NotTo(ContainSubstring(buyerZhang))
		Expect(r.cut()[0].QR).To(Equal([]string{t.TradeNo}))

		es := r.entries()
		Expect(es).To(HaveLen(1))
		Expect(es[0].State).To(Equal(journal.Approved))
		Expect(es[0].TradeNo).To(Equal(t.TradeNo))
		Expect(es[0].Slips).To(Equal(2))
	})

	It("waits for a buyer who confirms on the phone after 20 s of virtual time", func() {
		t0 := r.clk.Now()
		r.sale("100", buyerLi)
		r.see("等待买家确认付款")
		r.runClock(func() bool { return r.clk.Now().Sub(t0) >= 20*time.Second })
		Expect(r.screen()).To(ContainSubstring("剩余 Remaining"))
		trades := r.trades()
		Expect(trades).To(HaveLen(1))
		Expect(trades[0].Status).To(Equal("WAIT_BUYER_PAY"))
		_, err := r.sim.Confirm(buyerLi, trades[0].OutTradeNo)
		Expect(err).NotTo(HaveOccurred())
		r.runClock(func() bool { return strings.Contains(r.screen(), "按任意键打印持卡人存根") })
		r.finish()
		t := r.trades()[0]
		Expect(t.Status).To(Equal("TRADE_SUCCESS"))
		Expect(t.Paid.Sub(t.Created)).To(BeNumerically(">=", 20*time.Second), "paid on the phone, 20 s after the scan")
		Expect(r.entries()[0].State).To(Equal(journal.Approved))
		Expect(r.receipts()).To(HaveLen(2))
	})

	It("cancels a trade the buyer never confirms, when the time is up", func() {
		before := r.balance(buyerLi)
		r.sale("100", buyerLi)
		r.see("等待买家确认付款")
		r.runClock(func() bool { return strings.Contains(r.screen(), "交易已撤销 CANCELLED") })
		r.see("买家未付款") // the rows below the heading may still be on their way
		Expect(r.trades()[0].Status).To(Equal("TRADE_CLOSED"))
		Expect(r.balance(buyerLi)).To(Equal(before))
		Expect(r.receiptCount()).To(BeZero())
		Eventually(r.customer).Should(ContainSubstring("PAYMENT FAILED"))
		es := r.entries()
		Expect(es[0].State).To(Equal(journal.Cancelled))
	})

	It("declines for insufficient balance", func() {
		r.sale("6", buyerWang)
		r.see("交易失败 DECLINED")
		r.see("买家余额不足")
		Expect(r.receiptCount()).To(BeZero())
		Expect(r.entries()[0].SubCode).To(Equal("ACQ.BUYER_BALANCE_NOT_ENOUGH"))
	})

	It("refuses a code that is not a payment code, and declines one nobody owns", func() {
		r.see("主菜单 MENU")
		r.press("1")
		r.typ("5")
		r.press("ENTER")
		r.see("请扫描买家付款码")
		r.scan("6901234567892")
		r.see("付款码无效，请重新扫描")
		Expect(r.trades()).To(BeEmpty())
		r.scan(unknownCode)
		r.see("交易失败 DECLINED")
		r.see("付款码无效")
		Expect(r.entries()[0].SubCode).To(Equal("ACQ.PAYMENT_AUTH_CODE_INVALID"))
	})

	It("resolves an unknown result (20000) by querying", func() {
		Expect(r.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultUnknown, Method: "alipay.trade.pay", Count: 1, Commit: true})).To(Succeed())
		r.sale("20", buyerZhang)
		r.runClock(func() bool { return strings.Contains(r.screen(), "按任意键打印持卡人存根") })
		r.finish()
		Expect(r.trades()).To(HaveLen(1))
		Expect(r.trades()[0].Status).To(Equal("TRADE_SUCCESS"))
		Expect(r.entries()[0].State).To(Equal(journal.Approved))
	})

	It("resolves a reply lost after the charge to one trade, one charge, one set of slips", func() {
		before := r.balance(buyerZhang)
		Expect(r.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultLostReply, Method: "alipay.trade.pay", Count: 1})).To(Succeed())
		r.sale("33", buyerZhang)
		r.runClock(func() bool { return strings.Contains(r.screen(), "按任意键打印持卡人存根") })
		r.finish()
		Expect(r.trades()).To(HaveLen(1))
		Expect(r.balance(buyerZhang)).To(Equal(before - 3300))
		Expect(r.receipts()).To(HaveLen(2))
		es := r.entries()
		Expect(es).To(HaveLen(1))
		Expect(es[0].State).To(Equal(journal.Approved))
	})
})

var _ = Describe("Paper out in the middle of a slip", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn()
		r.paperOutWhen("REF:")
		r.sale("8.8", buyerZhang)
		r.see("打印中断 PRINT STOPPED")
		r.see("打印机缺纸")
		Expect(r.receiptCount()).To(BeZero())
		Expect(r.emu.Printer().SetPaper(emuprinter.PaperOK)).To(Succeed())
	})

	It("completes the slip after reloading, nothing printed twice", func() {
		r.press("ENTER")
		r.finish()
		slips := r.receipts()
		Expect(slips).To(HaveLen(2))
		Expect(strings.Count(slips[0], "商户存根 MERCHANT COPY")).To(Equal(1))
		Expect(strings.Count(slips[0], "REF:")).To(Equal(1))
		Expect(slips[0]).To(ContainSubstring("RMB 8.80"))
		Expect(slips[0]).NotTo(ContainSubstring("DUPLICATED"))
	})

	It("or reprints it whole, marked as a duplicate", func() {
		r.press("1")
		r.finish()
		// What the printer held when the paper ran out prints first (the
		// driver waits for it), then the whole slip again under the mark;
		// whether the held part reached the cut depends on how much was in
		// flight, so the two may share one piece of paper.
		slips := r.receipts()
		all := strings.Join(slips, "\n")
		Expect(strings.Count(all, "重打印 DUPLICATED")).To(Equal(1))
		Expect(markedSlip(all)).To(ContainSubstring("RMB 8.80"))
		Expect(slips[len(slips)-1]).To(ContainSubstring("持卡人存根 CARDHOLDER COPY"))
	})

	It("abandoned with CANCEL: what the printer held prints on reload, and the slip owed comes out whole and marked at the next start", func() {
		r.press("CANCEL")
		r.see("交易成功 APPROVED")
		r.press("ENTER")
		r.see("主菜单 MENU")
		es := r.entries()
		Expect(es).To(HaveLen(1))
		Expect(es[0].Slips).To(Equal(0))
		Expect(es[0].SlipStarted).To(BeTrue(), "part of the merchant copy went to the printer")

		r.start()
		r.see("按任意键打印持卡人存根")
		r.press("ENTER")
		r.see("恢复 RECOVERY")
		Eventually(func() string { return strings.Join(r.receipts(), "\n") }).Should(ContainSubstring("持卡人存根 CARDHOLDER COPY"))
		slips := r.receipts()
		all := strings.Join(slips, "\n")
		// How much of the first copy the printer held when the paper ran
		// out depends on how fast it was printing: a part, or all of it
		// down to its cut. Either way it is on paper before the copy
		// printed again, which says it is a duplicate.
		Expect(strings.Count(all, "商户存根 MERCHANT COPY")).To(Equal(2))
		Expect(strings.Count(all, "重打印 DUPLICATED")).To(Equal(1))
		Expect(strings.Index(all, "商户存根 MERCHANT COPY")).To(BeNumerically("<", strings.Index(all, "重打印 DUPLICATED")),
			"the part printed first, unmarked")
		whole, _, _ := strings.Cut(markedSlip(all), "持卡人存根 CARDHOLDER COPY")
		Expect(whole).To(ContainSubstring("RMB 8.80"))
		Expect(strings.Count(whole, "REF:")).To(Equal(1))
		Expect(slips[len(slips)-1]).To(ContainSubstring("持卡人存根 CARDHOLDER COPY"))
		Expect(slips[len(slips)-1]).NotTo(ContainSubstring("DUPLICATED"))
		es = r.entries()
		Expect(es[0].Slips).To(Equal(2))
		Expect(es[0].SlipStarted).To(BeFalse())
		Expect(r.trades()).To(HaveLen(1))
	})
})

// markedSlip is the slip in text marked 重打印 DUPLICATED, from its title
// on, after checking that the mark sits under the title (and the test-mode
// line), above the copy label, as on a Lakala slip.
func markedSlip(text string) string {
	GinkgoHelper()
	lines := strings.Split(text, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "重打印 DUPLICATED") })
	Expect(i).To(BeNumerically(">=", 3), "the mark under the title:\n%s", text)
	head := lines[i-3 : i+2]
	for n, want := range []string{"支付宝签购单", "ALIPAY SALES SLIP", "测试 TESTING", "重打印 DUPLICATED", "商户存根 MERCHANT COPY"} {
		Expect(head[n]).To(ContainSubstring(want), "the mark under the title:\n%s", text)
	}
	return strings.Join(lines[i-3:], "\n")
}
