package terminal_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/journal"
)

var _ = Describe("Start-up", func() {
	It("checks every device, then asks for sign-on", func() {
		r := newRig()
		r.start()
		r.see("操作员号 Operator no.")
		Expect(r.app.Status()).To(Equal("sign-on"))
	})

	It("shows a printer fault with what to do and refuses payments until it is fixed", func() {
		r := newRig()
		r.prn.setStatus(paperOut)
		r.start()
		r.see("开机自检 SELF-CHECK")
		r.see("打印机缺纸 Printer out of paper: 请装纸 load paper")
		r.see("暂停收款 Payments paused")
		r.press(terminal.KeyEnter)
		r.signOn("01", "0000")
		r.press("1")
		r.see("暂停收款 Payments paused")
		r.see("请装纸 load paper")
		Expect(r.pay.Pays()).To(BeEmpty())
		r.prn.setStatus(paperOutFixed)
		r.press(terminal.KeyEnter, "1")
		r.see("请输入金额")
	})

	It("shows an unreachable platform and lets the operator check again", func() {
		r := newRig()
		r.pay.pingErr = &payment.TransportError{Method: "alipay.trade.query", Err: errors.New("connection refused")}
		r.start()
		r.see("平台不可达 platform unreachable: 检查网络 check the network")
		r.pay.mu.Lock()
		r.pay.pingErr = nil
		r.pay.mu.Unlock()
		r.press("1")
		r.see("操作员号 Operator no.")
	})
})

var _ = Describe("Sign-on", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
	})

	It("masks the password and signs the operator on", func() {
		r.see("操作员号 Operator no.")
		r.typ("01")
		r.press(terminal.KeyEnter)
		r.see("密码 Password")
		r.typ("00")
		r.see("**_")
		Expect(r.screen()).NotTo(ContainSubstring("00_"))
		r.typ("00")
		r.press(terminal.KeyEnter)
		r.see("主菜单 MENU  操作员 01")
		Expect(r.app.Operator()).To(Equal("01"))
	})

	It("locks after three wrong passwords for the configured time on the clock", func() {
		for i := 0; i < 3; i++ {
			r.see("操作员号 Operator no.")
			r.typ("01")
			r.press(terminal.KeyEnter)
			r.see("密码 Password")
			r.typ("9999")
			r.press(terminal.KeyEnter)
			if i < 2 {
				r.see("操作员号或密码错误")
				r.press(terminal.KeyEnter)
			}
		}
		r.see("已锁定")
		r.see("05:00")
		r.typ("01") // ignored while locked
		r.advance(2 * time.Minute)
		r.see("03:00")
		Expect(r.app.Status()).To(Equal("locked"))
		r.advance(3 * time.Minute)
		r.signOn("01", "0000")
	})

	It("signs off back to the sign-on screen", func() {
		r.signOn("02", "1111")
		r.press("8")
		r.see("操作员号 Operator no.")
		Expect(r.app.Operator()).To(BeEmpty())
	})
})

var _ = Describe("Menu", func() {
	It("moves with UP and DOWN and opens with ENTER", func() {
		r := newRig()
		r.start()
		r.signOn("01", "0000")
		r.press(terminal.KeyDown, terminal.KeyDown, terminal.KeyEnter)
		r.see("交易查询 QUERY")
		r.press(terminal.KeyCancel)
		r.see("主菜单 MENU")
		// The highlight stays on QUERY (3); three up wraps to SIGN OFF (8).
		r.press(terminal.KeyUp, terminal.KeyUp, terminal.KeyUp, terminal.KeyEnter)
		r.see("操作员号 Operator no.")
	})
})

var _ = Describe("Recovery at start-up", func() {
	It("resolves a sale left pending by a crash and prints its slips before sign-on", func() {
		r := newRig()
		e, err := r.j.Begin(journal.Entry{Kind: journal.Sale, Operator: "01", Amount: 880, OutTradeNo: "10000001250301090000000001",
			Account: goodCode, Voucher: 1})
		Expect(err).NotTo(HaveOccurred())
		r.pay.resolveFn = func(out string) payment.Outcome { return approved(out, 880) }
		r.start()
		r.see("按任意键打印持卡人存根")
		r.press(terminal.KeyEnter)
		r.see("已处理 Resolved: 1")
		Expect(r.pay.resolves).To(Equal([]string{e.OutTradeNo}))
		Expect(r.prn.Slips()).To(HaveLen(2))
		got, _ := r.j.ByVoucher(1)
		Expect(got.State).To(Equal(journal.Approved))
		Expect(got.Slips).To(Equal(2))
		r.press(terminal.KeyEnter)
		r.see("操作员号 Operator no.")
	})

	It("keeps a trade it cannot resolve in doubt and refuses payments", func() {
		r := newRig()
		_, err := r.j.Begin(journal.Entry{Kind: journal.Sale, Amount: 100, OutTradeNo: "10000001250301090000000001", Voucher: 1})
		Expect(err).NotTo(HaveOccurred())
		r.pay.resolveFn = func(out string) payment.Outcome {
			return payment.Outcome{Result: payment.ResultInDoubt, InDoubt: &payment.InDoubt{Reason: "no reply"}}
		}
		r.start()
		r.see("仍未知 Still unknown: 1")
		r.press(terminal.KeyEnter)
		r.signOn("01", "0000")
		r.press("1")
		r.see("1 trade(s) in doubt; payments paused")
		Expect(r.pay.Pays()).To(BeEmpty())
		r.pay.mu.Lock()
		r.pay.resolveFn = nil // the platform answers again: it was never paid
		r.pay.mu.Unlock()
		r.press(terminal.KeyEnter, "1")
		r.see("请输入金额")
		got, _ := r.j.ByVoucher(1)
		Expect(got.State).To(Equal(journal.Cancelled))
	})
})
