package hostsim_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("gateway", func() {
	var e *env
	BeforeEach(func() { e = newEnv(hostsim.Options{}) })

	It("takes a bar-code payment and answers a query with the paid trade", func() {
		r := e.cli.call(hostsim.MethodPay, payBiz("T1", zhangSan, "88.88"))
		Expect(r.Code()).To(Equal("10000"))
		Expect(r.str("msg")).To(Equal("Success"))
		Expect(r.str("out_trade_no")).To(Equal("T1"))
		Expect(r.str("trade_no")).To(MatchRegexp(`^20240520\d{20}$`))
		Expect(r.str("buyer_logon_id")).To(Equal("138****8888"))
		Expect(r.str("total_amount")).To(Equal("88.88"))
		Expect(r.str("receipt_amount")).To(Equal("88.88"))
		Expect(r.str("gmt_payment")).To(Equal("2024-05-20 10:00:00"))
		Expect(r.Fields["fund_bill_list"]).To(ConsistOf(map[string]any{"fund_channel": "ALIPAYACCOUNT", "amount": "88.88"}))

		q := e.cli.call(hostsim.MethodQuery, ref("T1"))
		Expect(q.Code()).To(Equal("10000"))
		Expect(q.str("trade_status")).To(Equal("TRADE_SUCCESS"))
		Expect(q.str("trade_no")).To(Equal(r.str("trade_no")))
		Expect(q.str("send_pay_date")).To(Equal("2024-05-20 10:00:00"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 8888)))
	})
})
