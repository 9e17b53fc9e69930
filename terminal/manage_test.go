package terminal_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/journal"
)

// paid runs a sale of amount to the end, both slips printed.
func (r *rig) paid(amount string) {
	GinkgoHelper()
	r.sale(amount, goodCode)
	r.see("按任意键打印持卡人存根")
	r.press(terminal.KeyEnter)
	r.see("交易成功 APPROVED")
	r.press(terminal.KeyEnter)
	r.see("主菜单 MENU")
}

// refund refunds amount ("" = all that is left) of voucher ("" = last).
func (r *rig) refund(voucher, amount string) {
	GinkgoHelper()
	r.press("5")
	r.see("请输入凭证号 Voucher no.")
	r.typ(voucher)
	r.press(terminal.KeyEnter)
	r.see("退货金额 Refund amount")
	r.typ(amount)
	r.press(terminal.KeyEnter)
}

func (r *rig) supervisor() {
	GinkgoHelper()
	r.see("Supervisor password")
	r.typ("123456")
	r.press(terminal.KeyEnter)
}

var _ = Describe("Refund, void, reprint", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn("01", "0000")
		r.paid("100")
	})

	It("refunds part, then the rest, then refuses more", func() {
		r.refund("1", "30")
		r.supervisor()
		r.see("按任意键打印持卡人存根")
		slips := r.prn.Slips()
		Expect(joined(slips[len(slips)-1])).To(ContainSubstring("RMB -30.00"))
		Expect(joined(slips[len(slips)-1])).To(ContainSubstring("原凭证号 000001"))
		r.press(terminal.KeyEnter)
		r.see("交易成功 APPROVED")
		r.press(terminal.KeyEnter)

		r.press("5")
		r.see("请输入凭证号 Voucher no.")
		r.press(terminal.KeyEnter) // the last sale
		r.see("可退 Left ￥70.00")    // before the key that leaves this screen
		r.press(terminal.KeyEnter) // all that is left
		r.supervisor()
		r.see("按任意键打印持卡人存根")
		r.press(terminal.KeyEnter)
		r.see("交易成功 APPROVED")
		r.press(terminal.KeyEnter)
		Expect(r.pay.refunds).To(HaveLen(2))
		Expect(int64(r.pay.refunds[1].Amount)).To(Equal(int64(7000)))
		Expect(r.pay.refunds[0].OutRequestNo).NotTo(Equal(r.pay.refunds[1].OutRequestNo))

		r.press("5")
		r.see("请输入凭证号 Voucher no.")
		r.press(terminal.KeyEnter)
		r.see("该交易已全额退款")
		Expect(r.pay.refunds).To(HaveLen(2))
		sale, _ := r.j.ByVoucher(1)
		Expect(r.j.Refunded(sale.ID)).To(Equal(int64(10000)))
	})

	It("never refunds more than is left and needs the supervisor", func() {
		r.refund("1", "100.01")
		r.see("超过可退金额 ￥100.00")
		r.press(terminal.KeyBackspace, terminal.KeyBackspace, terminal.KeyBackspace, terminal.KeyBackspace)
		r.press(terminal.KeyEnter)
		r.see("Supervisor password")
		r.typ("000000")
		r.press(terminal.KeyEnter)
		r.see("主管密码错误")
		r.press(terminal.KeyCancel)
		r.see("主菜单 MENU")
		Expect(r.pay.refunds).To(BeEmpty())
	})

	It("voids the last sale with the supervisor's password", func() {
		r.press("4")
		r.see("消费撤销 VOID")
		r.supervisor()
		r.see("按任意键打印持卡人存根")
		r.press(terminal.KeyEnter)
		r.see("交易成功 APPROVED")
		Expect(r.pay.cancels).To(HaveLen(1))
		v, _ := r.j.ByVoucher(2)
		Expect(v.Kind).To(Equal(journal.Void))
		Expect(v.State).To(Equal(journal.Approved))
		r.press(terminal.KeyEnter, "4")
		r.see("无可撤销的交易")
	})

	It("reprints a void with the date it was made, not the date of the reprint", func() {
		dateOf := func(slip []string) string {
			for i, l := range slip {
				if strings.Contains(l, "DATE/TIME") {
					return strings.Join(slip[i:i+2], " ")
				}
			}
			Fail("no DATE/TIME on the slip: " + strings.Join(slip, "|"))
			return ""
		}
		r.press("4")
		r.see("消费撤销 VOID")
		r.supervisor()
		r.see("按任意键打印持卡人存根")
		r.press(terminal.KeyEnter)
		r.see("交易成功 APPROVED")
		Eventually(r.prn.Slips).Should(HaveLen(4))
		voided := dateOf(r.prn.Slips()[2])

		r.clk.Set(r.clk.Now().Add(3 * time.Hour))
		r.press(terminal.KeyEnter, "6")
		r.see("请输入凭证号 Voucher no.")
		r.typ("2")
		r.press(terminal.KeyEnter)
		Eventually(r.prn.Slips).Should(HaveLen(5))
		Expect(r.prn.Slips()[4]).To(ContainElement(terminal.DuplicateMark))
		Expect(dateOf(r.prn.Slips()[4])).To(Equal(voided))

		// The first reprint was written to the journal; a second one must
		// still carry the void's own date.
		r.see("主菜单 MENU")
		r.clk.Set(r.clk.Now().Add(3 * time.Hour))
		r.press("6")
		r.see("请输入凭证号 Voucher no.")
		r.typ("2")
		r.press(terminal.KeyEnter)
		Eventually(r.prn.Slips).Should(HaveLen(6))
		Expect(dateOf(r.prn.Slips()[5])).To(Equal(voided))
	})

	It("reprints a slip marked as a duplicate", func() {
		r.press("6")
		r.see("请输入凭证号 Voucher no.")
		r.typ("1")
		r.press(terminal.KeyEnter)
		Eventually(r.prn.Slips).Should(HaveLen(3))
		Expect(r.prn.Slips()[2]).To(ContainElement(terminal.DuplicateMark))
		r.see("主菜单 MENU")
		e, _ := r.j.ByVoucher(1)
		Expect(e.Reprints).To(Equal(1))
	})

	It("queries the last trade locally and on the platform", func() {
		r.press("3")
		r.see("请输入凭证号 Voucher no.")
		r.press(terminal.KeyEnter)
		r.see("平台 Platform: TRADE_SUCCESS")
		r.see("成功 APPROVED")
	})
})

var _ = Describe("Paper out in the middle of a slip", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn("01", "0000")
		r.prn.paperOutAfter = 8
		r.sale("5", goodCode)
		r.see("打印中断 PRINT STOPPED")
		r.see("打印机缺纸")
		r.see("已打印 Printed 8/")
		e, _ := r.j.ByVoucher(1)
		Expect(e.Slips).To(Equal(0))
		r.prn.setStatus(paperOutFixed)
	})

	It("continues where it stopped once paper is loaded: nothing printed twice", func() {
		r.press(terminal.KeyEnter)
		r.see("按任意键打印持卡人存根")
		slip := r.prn.Slips()[0]
		Expect(joined(slip)).To(ContainSubstring("RMB 5.00"))
		seen := map[string]int{}
		for _, l := range slip {
			seen[l]++
		}
		Expect(seen["商户存根 MERCHANT COPY"]).To(Equal(1))
		e, _ := r.j.ByVoucher(1)
		Expect(e.Slips).To(Equal(1))
	})

	It("or reprints it whole, marked under the title as the reprint menu marks it", func() {
		r.press("1")
		r.see("按任意键打印持卡人存根")
		slips := r.prn.Slips()
		Expect(slips).To(HaveLen(2))
		Expect(slips[1]).To(ContainElement(terminal.DuplicateMark))
		Expect(slips[1][0]).To(Equal("支付宝签购单"))
		r.press(terminal.KeyEnter)
		r.see("交易成功 APPROVED")
		r.press(terminal.KeyEnter, "6")
		r.see("请输入凭证号 Voucher no.")
		r.press(terminal.KeyEnter)
		Eventually(r.prn.Slips).Should(HaveLen(4))
		Expect(r.prn.Slips()[3]).To(Equal(slips[1]), "the same layout from the reprint menu")
	})
})

var _ = Describe("Settlement", func() {
	var r *rig
	BeforeEach(func() {
		r = newRig()
		r.start()
		r.signOn("01", "0000")
		r.paid("100")
		r.press("2")
		r.typ("20")
		r.press(terminal.KeyEnter)
		r.see("按任意键打印持卡人存根")
		r.press(terminal.KeyEnter, terminal.KeyEnter)
		r.see("主菜单 MENU")
		r.refund("1", "10")
		r.supervisor()
		r.see("按任意键打印持卡人存根")
		r.press(terminal.KeyEnter, terminal.KeyEnter)
		r.see("主菜单 MENU")
	})

	It("closes a batch whose totals match the platform's bill", func() {
		r.press("7")
		r.see("扫码 SALE")
		r.see("净额 NET")
		r.see("110.00")
		r.press(terminal.KeyEnter)
		r.see("对账平 MATCHED")
		r.see("新批次 New batch 000002")
		slip := joined(r.prn.Slips()[len(r.prn.Slips())-1])
		Expect(slip).To(ContainSubstring("对账平 RECONCILED: MATCHED"))
		Expect(slip).To(ContainSubstring("RMB 110.00"))
		Expect(r.j.Batch()).To(Equal(2))
		Expect(r.j.Closed()[0].Matched).To(BeTrue())
	})

	It("reprints a report cut short by paper out marked under its title", func() {
		r.prn.paperOutAfter = 6
		r.press("7")
		r.see("净额 NET")
		r.press(terminal.KeyEnter)
		r.see("打印中断 PRINT STOPPED")
		r.prn.setStatus(paperOutFixed)
		r.press("1")
		r.see("新批次 New batch 000002")
		report := r.prn.Slips()[len(r.prn.Slips())-1]
		Expect(report[:4]).To(Equal([]string{"结算单", "SETTLEMENT", "*** 测试 TESTING ***", terminal.DuplicateMark}))
		Expect(joined(report)).To(ContainSubstring("RMB 110.00"))
	})

	It("lists and prints the differences when they do not match", func() {
		r.pay.mu.Lock()
		r.pay.paid["10000001250301090000000099"] = 4200 // a trade the terminal never recorded
		r.pay.refunded[r.pay.pays[0].OutTradeNo] = 2000 // the platform refunded more
		r.pay.mu.Unlock()
		r.press("7")
		r.press(terminal.KeyEnter)
		r.see("对账不平 NOT MATCHED: 2")
		slip := joined(r.prn.Slips()[len(r.prn.Slips())-1])
		Expect(slip).To(ContainSubstring("10000001250301090000000099"))
		Expect(slip).To(ContainSubstring("本机 LOCAL 0.00"))
		Expect(slip).To(ContainSubstring("平台 HOST 42.00"))
		Expect(r.j.Closed()[0].Matched).To(BeFalse())
		Expect(r.j.Batch()).To(Equal(2))
	})
})
