package hostsim_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("idempotency", func() {
	var e *env
	BeforeEach(func() { e = newEnv(hostsim.Options{}) })

	It("a pay resubmitted after its reply was lost yields one trade and one charge", func() {
		Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultLostReply, Method: hostsim.MethodPay, Count: 1})).To(Succeed())
		p := e.cli.form(hostsim.MethodPay, payBiz("I1", zhangSan, "66.00"))
		_, _, err := e.cli.post(p)
		Expect(err).To(HaveOccurred(), "the connection drops without a reply")

		// The cashier queries first, as the rules say, then resubmits.
		q := e.cli.call(hostsim.MethodQuery, ref("I1"))
		Expect(q.str("trade_status")).To(Equal("TRADE_SUCCESS"))
		r := e.cli.call(hostsim.MethodPay, payBiz("I1", zhangSan, "66.00"))
		Expect(r.Code()).To(Equal("10000"))
		Expect(r.str("trade_no")).To(Equal(q.str("trade_no")))

		Expect(e.sim.Trades()).To(HaveLen(1))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 6600)))
	})

	It("the same request twice answers the trade's real state without charging again", func() {
		first := e.cli.call(hostsim.MethodPay, payBiz("I2", zhangSan, "10.00"))
		second := e.cli.call(hostsim.MethodPay, payBiz("I2", zhangSan, "10.00"))
		Expect(second.Code()).To(Equal("10000"))
		Expect(second.str("trade_no")).To(Equal(first.str("trade_no")))
		Expect(second.str("gmt_payment")).To(Equal(first.str("gmt_payment")))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 1000)))
	})

	It("a resubmission while the buyer is still on the password page answers 10003 again", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("I3", liSi, "10.00")).Code()).To(Equal("10003"))
		Expect(e.cli.call(hostsim.MethodPay, payBiz("I3", liSi, "10.00")).Code()).To(Equal("10003"))
		Expect(e.cli.call(hostsim.MethodPay, payBiz("I3", zhangSan, "10.00")).Code()).To(Equal("40004 ACQ.TRADE_BUYER_NOT_MATCH"))
		Expect(e.sim.Trades()).To(HaveLen(1))
	})

	It("other details under the same out_trade_no are refused", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("I4", zhangSan, "10.00")).Code()).To(Equal("10000"))
		other := payBiz("I4", zhangSan, "10.00")
		other["subject"] = "something else"
		Expect(e.cli.call(hostsim.MethodPay, other).Code()).To(Equal("40004 ACQ.CONTEXT_INCONSISTENT"))
		Expect(e.cli.call(hostsim.MethodPrecreate, map[string]any{"out_trade_no": "I4", "subject": "posemu test", "total_amount": "10.00"}).Code()).To(Equal("40004 ACQ.CONTEXT_INCONSISTENT"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 1000)))
	})

	It("a rejected payment leaves no trade, so the cashier may retry the same out_trade_no", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("I5", wangWu, "6.00")).Code()).To(Equal("40004 ACQ.BUYER_BALANCE_NOT_ENOUGH"))
		Expect(e.cli.call(hostsim.MethodQuery, ref("I5")).Code()).To(Equal("40004 ACQ.TRADE_NOT_EXIST"))
		Expect(e.cli.call(hostsim.MethodPay, payBiz("I5", zhangSan, "6.00")).Code()).To(Equal("10000"))
	})

	It("accepts an amount sent as a JSON number and trade_no in place of out_trade_no", func() {
		biz := payBiz("I6", zhangSan, "")
		biz["total_amount"] = 12.5
		r := e.cli.call(hostsim.MethodPay, biz)
		Expect(r.str("total_amount")).To(Equal("12.50"))
		q := e.cli.call(hostsim.MethodQuery, map[string]any{"trade_no": r.str("trade_no")})
		Expect(q.str("out_trade_no")).To(Equal("I6"))
		Expect(e.cli.call(hostsim.MethodQuery, map[string]any{"trade_no": r.str("trade_no"), "out_trade_no": "OTHER"}).Code()).To(Equal("40004 ACQ.TRADE_NOT_EXIST"))
	})
})

var _ = Describe("refunds", func() {
	var e *env
	BeforeEach(func() {
		e = newEnv(hostsim.Options{})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("R1", zhangSan, "100.00")).Code()).To(Equal("10000"))
	})
	refund := func(reqNo, amount string) reply {
		return e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "R1", "out_request_no": reqNo, "refund_amount": amount})
	}

	It("refunds in parts, never more than was paid, and closes the trade when all is back", func() {
		r := refund("r1", "30.00")
		Expect(r.Code()).To(Equal("10000"))
		Expect(r.str("fund_change")).To(Equal("Y"))
		Expect(r.str("refund_fee")).To(Equal("30.00"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 7000)))

		over := refund("r2", "70.01")
		Expect(over.Code()).To(Equal("40004 ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"))

		r = refund("r2", "70.00")
		Expect(r.str("refund_fee")).To(Equal("100.00"))
		Expect(e.cli.call(hostsim.MethodQuery, ref("R1")).str("trade_status")).To(Equal("TRADE_CLOSED"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000)))
		Expect(refund("r3", "0.01").Code()).To(Equal("40004 ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"))
	})

	It("an out_request_no refunds once: the retry answers fund_change N; another amount is refused", func() {
		Expect(refund("r1", "10.00").str("fund_change")).To(Equal("Y"))
		again := refund("r1", "10.00")
		Expect(again.Code()).To(Equal("10000"))
		Expect(again.str("fund_change")).To(Equal("N"))
		Expect(again.str("refund_fee")).To(Equal("10.00"))
		Expect(refund("r1", "20.00").Code()).To(Equal("40004 ACQ.DISCORDANT_REPEAT_REQUEST"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 9000)))
	})

	It("a refund whose reply was lost is not paid twice", func() {
		Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultLostReply, Method: hostsim.MethodRefund, Count: 1})).To(Succeed())
		_, _, err := e.cli.post(e.cli.form(hostsim.MethodRefund, map[string]any{"out_trade_no": "R1", "out_request_no": "r1", "refund_amount": "25.00"}))
		Expect(err).To(HaveOccurred())
		Expect(refund("r1", "25.00").str("fund_change")).To(Equal("N"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 7500)))
	})

	It("refund query finds a refund by out_request_no, and says nothing of an unknown one", func() {
		refund("r1", "12.34")
		q := e.cli.call(hostsim.MethodRefundQuery, map[string]any{"out_trade_no": "R1", "out_request_no": "r1"})
		Expect(q.Code()).To(Equal("10000"))
		Expect(q.str("refund_amount")).To(Equal("12.34"))
		Expect(q.str("total_amount")).To(Equal("100.00"))
		Expect(q.str("refund_status")).To(Equal("REFUND_SUCCESS"))
		none := e.cli.call(hostsim.MethodRefundQuery, map[string]any{"out_trade_no": "R1", "out_request_no": "r9"})
		Expect(none.Code()).To(Equal("10000"))
		Expect(none.Fields).NotTo(HaveKey("refund_amount"))
	})

	It("refuses refunds of unpaid and unknown trades", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("R2", liSi, "5.00")).Code()).To(Equal("10003"))
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "R2", "refund_amount": "5.00"}).Code()).To(Equal("40004 ACQ.TRADE_STATUS_ERROR"))
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "R9", "refund_amount": "5.00"}).Code()).To(Equal("40004 ACQ.TRADE_NOT_EXIST"))
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "R1"}).Code()).To(Equal("40004 ACQ.INVALID_PARAMETER"))
	})

	It("defaults out_request_no to the out_trade_no", func() {
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "R1", "refund_amount": "100.00"}).str("fund_change")).To(Equal("Y"))
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "R1", "refund_amount": "100.00"}).str("fund_change")).To(Equal("N"))
	})
})
