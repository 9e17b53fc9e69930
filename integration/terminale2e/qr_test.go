package terminale2e_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/terminal/journal"
)

var _ = Describe("Sale by dynamic QR and void", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn()
	})

	It("shows the platform's QR, waits for the buyer to scan it, and prints the slips", func() {
		r.press("2")
		r.see("二维码收款 QR SALE")
		r.typ("18.8")
		r.press("ENTER")
		r.see("请买家用支付宝扫码")
		Eventually(r.customer).Should(ContainSubstring("SCAN QR TO PAY"))
		Eventually(r.trades).Should(HaveLen(1))
		t := r.trades()[0]
		Expect(t.QRCode).NotTo(BeEmpty())
		Expect(t.Total).To(Equal(int64(1880)))
		t0 := r.clk.Now()
		r.runClock(func() bool { return r.clk.Now().Sub(t0) >= 5*time.Second }) // the buyer takes a while to find the phone
		_, err := r.sim.Scan(t.OutTradeNo, buyerZhang)
		Expect(err).NotTo(HaveOccurred())
		r.runClock(func() bool { return strings.Contains(r.screen(), "按任意键打印持卡人存根") })
		r.finish()
		Expect(r.trades()[0].Status).To(Equal("TRADE_SUCCESS"))
		Expect(r.receipts()[0]).To(ContainSubstring("二维码消费 QR SALE"))
	})

	It("voids the last sale with the supervisor's password: the money goes back", func() {
		before := r.balance(buyerZhang)
		r.sale("42", buyerZhang)
		r.finish()
		r.press("4")
		r.see("消费撤销 VOID")
		r.see("Supervisor password")
		r.typ("123456")
		r.press("ENTER")
		r.finish()
		Expect(r.balance(buyerZhang)).To(Equal(before))
		Expect(r.trades()[0].Status).To(Equal("TRADE_CLOSED"))
		Expect(r.receipts()[2]).To(ContainSubstring("消费撤销 VOID"))
		Expect(r.receipts()[2]).To(ContainSubstring("RMB -42.00"))
		es := r.entries()
		Expect(es).To(HaveLen(2))
		Expect(es[1].Kind).To(Equal(journal.Void))
		Expect(es[1].State).To(Equal(journal.Approved))
	})
})
