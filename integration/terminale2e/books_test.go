package terminale2e_test

import (
	"context"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/fixtures"
	"github.com/posemu/posemu/terminal/journal"
)

// refund refunds amount ("" = all that is left) of voucher ("" = the
// last sale).
func (r *rig) refund(voucher, amount string) {
	GinkgoHelper()
	r.see("主菜单 MENU")
	r.press("5")
	r.see("请输入凭证号 Voucher no.")
	r.typ(voucher)
	r.press("ENTER")
	r.see("退货金额 Refund amount")
	r.typ(amount)
	r.press("ENTER")
	r.see("Supervisor password")
	r.typ("123456")
	r.press("ENTER")
}

var _ = Describe("Refunds", func() {
	It("refunds part, then the rest, then refuses: never above what was paid", func() {
		r := newRig()
		r.start()
		r.signOn()
		before := r.balance(buyerZhang)
		r.sale("100", buyerZhang)
		r.finish()

		r.refund("", "30")
		r.finish()
		Expect(r.trades()[0].Refunded).To(Equal(int64(3000)))

		r.refund("", "")
		r.finish()
		t := r.trades()[0]
		Expect(t.Refunded).To(Equal(int64(10000)))
		Expect(r.balance(buyerZhang)).To(Equal(before))

		r.press("5")
		r.see("请输入凭证号 Voucher no.")
		r.press("ENTER")
		r.see("该交易已全额退款")
		r.press("ENTER")
		r.see("主菜单 MENU")

		slips := r.receipts()
		Expect(slips).To(HaveLen(6))
		Expect(slips[2]).To(ContainSubstring("RMB -30.00"))
		Expect(slips[4]).To(ContainSubstring("RMB -70.00"))
		Expect(slips[4]).To(ContainSubstring("原凭证号 000001"))
		es := r.entries()
		Expect(es).To(HaveLen(3))
		Expect(es[1].Kind).To(Equal(journal.Refund))
		Expect(es[2].Amount).To(Equal(int64(7000)))
	})
})

var _ = Describe("Settlement", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn()
		r.sale("100", buyerZhang)
		r.finish()
		r.sale("5.5", buyerZhang)
		r.finish()
		r.refund("1", "20")
		r.finish()
	})

	settle := func() string {
		r.press("7")
		r.see("净额 NET")
		r.press("ENTER")
		r.see("新批次 New batch 000002")
		slips := r.receipts()
		return slips[len(slips)-1]
	}

	It("matches the platform's bill and opens the next batch", func() {
		slip := settle()
		Expect(r.screen()).To(ContainSubstring("对账平 MATCHED"))
		Expect(slip).To(ContainSubstring("对账平 RECONCILED: MATCHED"))
		Expect(slip).To(ContainSubstring("RMB 85.50"))
		Expect(slip).To(ContainSubstring("扫码消费 SALE 2笔"))
		r.press("ENTER")
		r.sale("1", buyerZhang)
		r.see("按任意键打印持卡人存根")
		slips := r.receipts()
		Expect(slips[len(slips)-1]).To(ContainSubstring("批次号 BATCH:"))
		es := r.entries()
		Expect(es[len(es)-1].Batch).To(Equal(2))
	})

	It("lists and prints what differs when the platform refunded behind the terminal's back", func() {
		out := r.trades()[1].OutTradeNo
		c, err := payment.New(payment.Config{GatewayURL: r.gw, AppID: hostsim.TestAppID,
			AppPrivateKeyPEM: key("app_private_key.pem"), PlatformPublicKeyPEM: key("platform_public_key.pem"),
			Clock: r.clk, HTTPClient: &http.Client{}})
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err = c.Refund(ctx, payment.RefundRequest{OutTradeNo: out, Amount: 150, OutRequestNo: "BACKOFFICE1"})
		Expect(err).NotTo(HaveOccurred())

		slip := settle()
		Expect(r.screen()).To(ContainSubstring("对账不平 NOT MATCHED: 1"))
		Expect(slip).To(ContainSubstring("对账不平 NOT MATCHED: 1"))
		Expect(slip).To(ContainSubstring(out))
		Expect(strings.Join(strings.Fields(slip), " ")).To(ContainSubstring("本机 LOCAL 5.50 平台 HOST 4.00"))
	})
})

func key(name string) []byte {
	b, err := fixtures.Keys.ReadFile("keys/" + name)
	Expect(err).NotTo(HaveOccurred())
	return b
}
