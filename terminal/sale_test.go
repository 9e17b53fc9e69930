package terminal_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/journal"
)

var _ = Describe("Sale by the buyer's code", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn("01", "0000")
	})

	It("draws the whole page again once a display that went away is back", func() {
		r.press("1")
		r.see("请输入金额")
		r.scr.unplug()
		r.typ("1")
		Eventually(r.scr.failures).Should(BeNumerically(">", 0))
		r.scr.replug() // a real display comes back blank
		r.typ("2")
		r.see("请输入金额")
		r.see("￥12")
		r.see("确认 ENTER")
	})

	It("takes the amount in fen, mirrors it, pays, and prints both copies", func() {
		r.press("1")
		r.see("请输入金额")
		r.typ("12.5")
		r.see("￥12.5")
		Eventually(r.cust.Lines).Should(Equal("TOTAL | CNY 12.50"))
		r.press(terminal.KeyEnter)
		r.see("请扫描买家付款码")
		Eventually(r.cust.Lines).Should(Equal("PLEASE PAY | CNY 12.50"))
		r.scan.c <- "12345678"
		r.see("付款码无效，请重新扫描")
		Expect(r.pay.Pays()).To(BeEmpty())
		r.scan.c <- goodCode
		r.see("按任意键打印持卡人存根")
		Expect(r.pay.Pays()).To(HaveLen(1))
		req := r.pay.Pays()[0]
		Expect(req.Amount).To(Equal(payment.Fen(1250)))
		Expect(req.AuthCode).To(Equal(goodCode))
		Expect(req.OutTradeNo).To(Equal("10000001250301090000000001"))
		Expect(req.TerminalID).To(Equal("10000001"))
		Expect(req.OperatorID).To(Equal("01"))
		Eventually(r.cust.Lines).Should(Equal("PAID - THANK YOU | CNY 12.50"))

		slips := r.prn.Slips()
		Expect(slips).To(HaveLen(1))
		merchant := joined(slips[0])
		for _, want := range []string{"商户存根 MERCHANT COPY", "898310000000001", "10000001", "000001",
			"286012********1234", "扫码消费 SALE", "RMB 12.50", "2025/03/01 09:30:00", tradeNo(req.OutTradeNo), "测试 TESTING"} {
			Expect(merchant).To(ContainSubstring(want))
		}
		Expect(merchant).NotTo(ContainSubstring(goodCode))
		e, _ := r.j.ByVoucher(1)
		Expect(e.Slips).To(Equal(1))

		r.press(terminal.KeyEnter)
		r.see("交易成功 APPROVED")
		Eventually(r.prn.Slips).Should(HaveLen(2))
		Expect(joined(r.prn.Slips()[1])).To(ContainSubstring("持卡人存根 CARDHOLDER COPY"))
		e, _ = r.j.ByVoucher(1)
		Expect(e.State).To(Equal(journal.Approved))
		Expect(e.Slips).To(Equal(2))
		Expect(e.TradeNo).To(Equal(tradeNo(req.OutTradeNo)))
		Expect(r.journalText()).NotTo(ContainSubstring(goodCode))
		r.press(terminal.KeyEnter)
		r.see("主菜单 MENU")
	})

	It("accepts a code keyed in", func() {
		r.press("1")
		r.typ("1")
		r.press(terminal.KeyEnter)
		r.see("请扫描买家付款码")
		r.typ(goodCode)
		r.press(terminal.KeyEnter)
		r.see("按任意键打印持卡人存根")
		Expect(r.pay.Pays()[0].AuthCode).To(Equal(goodCode))
	})

	It("refuses a third decimal, a zero amount and amounts over the limits", func() {
		r.press("1")
		r.typ("1.234")
		r.see("最多两位小数")
		r.see("￥1.23")
		r.press(terminal.KeyClear)
		r.see("￥0.00")
		r.press(terminal.KeyEnter)
		r.see("金额无效")
		r.typ("5000.01")
		r.press(terminal.KeyEnter)
		r.see("超过单笔限额 ￥5000.00")
		r.press(terminal.KeyBackspace, terminal.KeyBackspace, terminal.KeyBackspace)
		r.see("￥5000\n")
	})

	It("shows a decline with the platform's reason and prints nothing", func() {
		r.pay.payFn = func(payment.PayRequest, func(payment.Progress)) payment.Outcome {
			return declined("ACQ.BUYER_BALANCE_NOT_ENOUGH")
		}
		r.sale("88", goodCode)
		r.see("交易失败 DECLINED")
		r.see("买家余额不足")
		Eventually(r.cust.Lines).Should(Equal("PAYMENT FAILED | "))
		Expect(r.prn.Slips()).To(BeEmpty())
		e, _ := r.j.ByVoucher(1)
		Expect(e.State).To(Equal(journal.Declined))
		Expect(e.SubCode).To(Equal("ACQ.BUYER_BALANCE_NOT_ENOUGH"))
	})

	It("shows the cashier's progress and counts down on the clock", func() {
		waiting := make(chan struct{})
		release := make(chan struct{})
		r.pay.payFn = func(req payment.PayRequest, progress func(payment.Progress)) payment.Outcome {
			progress(payment.Progress{Stage: payment.StageWaitingForBuyer, Remaining: 30 * time.Second,
				Message: payment.Message{ZH: "等待买家确认付款", EN: "Waiting for buyer"}})
			close(waiting)
			<-release
			return approved(req.OutTradeNo, int64(req.Amount))
		}
		r.sale("20", goodCode)
		Eventually(waiting).Should(BeClosed())
		r.see("等待买家确认付款")
		r.see("剩余 Remaining 30 秒 s")
		r.advance(time.Second)
		r.see("剩余 Remaining 29 秒 s")
		close(release)
		r.see("按任意键打印持卡人存根")
	})

	It("records a result in doubt and resolves it before the next payment", func() {
		r.pay.payFn = func(payment.PayRequest, func(payment.Progress)) payment.Outcome {
			return payment.Outcome{Result: payment.ResultInDoubt, InDoubt: &payment.InDoubt{Reason: "no reply"}}
		}
		r.sale("30", goodCode)
		r.see("交易结果未知 RESULT UNKNOWN")
		e, _ := r.j.ByVoucher(1)
		Expect(e.State).To(Equal(journal.InDoubt))
		r.pay.mu.Lock()
		r.pay.payFn = nil
		r.pay.resolveFn = func(out string) payment.Outcome { return approved(out, 3000) }
		r.pay.mu.Unlock()
		r.press(terminal.KeyEnter)
		r.press("1")
		r.see("按任意键打印持卡人存根") // the resolved trade's slips come first
		e, _ = r.j.ByVoucher(1)
		Expect(e.State).To(Equal(journal.Approved))
	})

	It("refuses a sale that would pass the daily total", func() {
		r.cfg.Limits.Daily = 6000_00
		r.sale("5000", goodCode)
		r.see("按任意键打印持卡人存根")
		r.press(terminal.KeyEnter)
		r.see("交易成功 APPROVED")
		r.press(terminal.KeyEnter, "1")
		r.typ("1000.01")
		r.press(terminal.KeyEnter)
		r.see("超过当日限额 ￥6000.00")
		r.press(terminal.KeyBackspace)
		r.press(terminal.KeyEnter)
		r.see("请扫描买家付款码")
	})
})

var _ = Describe("Sale by dynamic QR", func() {
	It("shows the platform's code on the screen and the amount to the customer", func() {
		r := newRig()
		r.start()
		r.signOn("01", "0000")
		r.press("2")
		r.see("二维码收款 QR SALE")
		r.typ("9.99")
		r.press(terminal.KeyEnter)
		r.see("按任意键打印持卡人存根")
		Expect(r.scr.QRText()).To(HavePrefix("https://qr.alipay.com/bax"))
		Expect(r.pay.qrs).To(HaveLen(1))
		Expect(r.pay.qrs[0].Amount).To(Equal(payment.Fen(999)))
		e, _ := r.j.ByVoucher(1)
		Expect(e.Kind).To(Equal(journal.SaleQR))
	})
})
