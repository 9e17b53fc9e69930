package hostsim_test

import (
	"net/url"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
)

// Every row of the code table in POS-FACTS, reached the way a terminal
// would meet it.
var _ = Describe("the code table", func() {
	var e *env
	BeforeEach(func() { e = newEnv(hostsim.Options{}) })

	pay := func(out, code, amount string) reply {
		return e.cli.call(hostsim.MethodPay, payBiz(out, code, amount))
	}

	It("10000 Success", func() {
		r := pay("C10000", zhangSan, "1.00")
		Expect(r.Code()).To(Equal("10000"))
		Expect(r.str("msg")).To(Equal("Success"))
	})

	It("10003 waiting for the buyer's password, with the real msg", func() {
		r := pay("C10003", liSi, "1.00")
		Expect(r.Code()).To(Equal("10003"))
		Expect(r.str("msg")).To(Equal(" order success pay inprocess"))
		Expect(r.str("trade_no")).NotTo(BeEmpty())
		Expect(r.str("buyer_logon_id")).To(Equal("lis***@sandbox.com"))
	})

	It("20000 isp.unknow-error (an injected unknown result)", func() {
		Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultUnknown, Count: 1})).To(Succeed())
		r := pay("C20000", zhangSan, "1.00")
		Expect(r.Code()).To(Equal("20000 isp.unknow-error"))
		Expect(r.str("msg")).To(Equal("Service Currently Unavailable"))
	})

	DescribeTable("40001 Missing Required Arguments, unsigned",
		func(param, sub string) {
			p := e.cli.form(hostsim.MethodPay, payBiz("C40001", zhangSan, "1.00"), func(v url.Values) { v.Del(param) })
			if param == "sign" {
				p.Del("sign")
			}
			r := e.cli.send(p)
			Expect(r.Code()).To(Equal("40001 " + sub))
			Expect(r.str("msg")).To(Equal("Missing Required Arguments"))
			Expect(r.Sign).To(BeEmpty())
			if param == "method" {
				Expect(r.Key).To(Equal("error_response"))
			} else {
				Expect(r.Key).To(Equal("alipay_trade_pay_response"))
			}
		},
		Entry("method", "method", "isv.missing-method"),
		Entry("app_id", "app_id", "isv.missing-app-id"),
		Entry("sign", "sign", "isv.missing-signature"),
		Entry("sign_type", "sign_type", "isv.missing-signature-type"),
		Entry("timestamp", "timestamp", "isv.missing-timestamp"),
		Entry("version", "version", "isv.missing-version"),
	)

	DescribeTable("40002 Invalid Arguments, unsigned",
		func(edit func(url.Values), sub string) {
			r := e.cli.send(e.cli.form(hostsim.MethodPay, payBiz("C40002", zhangSan, "1.00"), edit))
			Expect(r.Code()).To(Equal("40002 " + sub))
			Expect(r.str("msg")).To(Equal("Invalid Arguments"))
			Expect(r.Sign).To(BeEmpty())
		},
		Entry("unknown method", func(v url.Values) { v.Set("method", "alipay.trade.nope") }, "isv.invalid-method"),
		Entry("sign_type RSA", func(v url.Values) { v.Set("sign_type", "RSA") }, "isv.invalid-signature-type"),
		Entry("format XML", func(v url.Values) { v.Set("format", "XML") }, "isv.invalid-format"),
		Entry("charset GBK", func(v url.Values) { v.Set("charset", "GBK") }, "isv.invalid-charset"),
		Entry("timestamp format", func(v url.Values) { v.Set("timestamp", "2024/05/20 10:00:00") }, "isv.invalid-timestamp"),
		Entry("unknown app_id", func(v url.Values) { v.Set("app_id", "2021009999999999") }, "isv.invalid-app-id"),
		Entry("version 2.0", func(v url.Values) { v.Set("version", "2.0") }, "isv.invalid-parameter"),
	)

	It("40002 isv.invalid-parameter for a biz_content that is not JSON, signed (the signature checked out)", func() {
		r := e.cli.call(hostsim.MethodPay, nil, func(v url.Values) { v.Set("biz_content", "{out_trade_no:1") })
		Expect(r.Code()).To(Equal("40002 isv.invalid-parameter"))
	})

	It("40002 isv.invalid-signature for a request changed after signing", func() {
		p := e.cli.form(hostsim.MethodPay, payBiz("C40002S", zhangSan, "1.00"))
		p.Set("biz_content", `{"out_trade_no":"C40002S","scene":"bar_code","auth_code":"`+zhangSan+`","subject":"posemu test","total_amount":"1000.00"}`)
		r := e.cli.send(p)
		Expect(r.Code()).To(Equal("40002 isv.invalid-signature"))
		Expect(r.Key).To(Equal("alipay_trade_pay_response"))
		Expect(r.str("sub_msg")).To(ContainSubstring("验签字符串为：app_id=" + hostsim.TestAppID + "&biz_content="))
		Expect(e.sim.Trades()).To(BeEmpty())
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000)))
	})

	It("40006 isv.insufficient-isv-permissions for an app without the product, signed", func() {
		r := e.cli.as(hostsim.TestAppIDNoProduct).call(hostsim.MethodPay, payBiz("C40006", zhangSan, "1.00"))
		Expect(r.Code()).To(Equal("40006 isv.insufficient-isv-permissions"))
		Expect(r.str("msg")).To(Equal("Insufficient Permissions"))
	})

	DescribeTable("40004 Business Failed, signed",
		func(setup func(), method string, biz map[string]any, sub string) {
			if setup != nil {
				setup()
			}
			r := e.cli.call(method, biz)
			Expect(r.Code()).To(Equal("40004 " + sub))
			Expect(r.str("msg")).To(Equal("Business Failed"))
			Expect(r.str("sub_msg")).NotTo(BeEmpty())
		},
		Entry("ACQ.SYSTEM_ERROR (injected)", func() {
			Expect(e.sim.AddFault(hostsim.Fault{Kind: hostsim.FaultError, Count: 1})).To(Succeed())
		}, hostsim.MethodPay, payBiz("C1", zhangSan, "1.00"), "ACQ.SYSTEM_ERROR"),
		Entry("ACQ.PAYMENT_AUTH_CODE_INVALID: a valid-looking code nobody has", nil,
			hostsim.MethodPay, payBiz("C2", "289999999999999999", "1.00"), "ACQ.PAYMENT_AUTH_CODE_INVALID"),
		Entry("ACQ.PAYMENT_AUTH_CODE_INVALID: a WeChat code", nil,
			hostsim.MethodPay, payBiz("C3", "134567890123456789", "1.00"), "ACQ.PAYMENT_AUTH_CODE_INVALID"),
		Entry("ACQ.TRADE_HAS_SUCCESS: another buyer for a paid out_trade_no", func() {
			Expect(pay("C4", zhangSan, "1.00").Code()).To(Equal("10000"))
		}, hostsim.MethodPay, payBiz("C4", wuShi, "1.00"), "ACQ.TRADE_HAS_SUCCESS"),
		Entry("ACQ.TRADE_HAS_CLOSE: pay after the cashier cancelled", func() {
			Expect(e.cli.call(hostsim.MethodCancel, ref("C5")).Code()).To(Equal("10000"))
		}, hostsim.MethodPay, payBiz("C5", zhangSan, "1.00"), "ACQ.TRADE_HAS_CLOSE"),
		Entry("ACQ.CONTEXT_INCONSISTENT: same out_trade_no, another amount", func() {
			Expect(pay("C6", zhangSan, "1.00").Code()).To(Equal("10000"))
		}, hostsim.MethodPay, payBiz("C6", zhangSan, "2.00"), "ACQ.CONTEXT_INCONSISTENT"),
		Entry("ACQ.BUYER_BALANCE_NOT_ENOUGH", nil, hostsim.MethodPay, payBiz("C7", wangWu, "5.01"), "ACQ.BUYER_BALANCE_NOT_ENOUGH"),
		Entry("ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH", nil, hostsim.MethodPay, payBiz("C8", zhaoLiu, "10.01"), "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH"),
		Entry("ACQ.TOTAL_FEE_EXCEED", nil, hostsim.MethodPay, payBiz("C9", zhouJiu, "500.01"), "ACQ.TOTAL_FEE_EXCEED"),
		Entry("ACQ.PAYMENT_FAIL", nil, hostsim.MethodPay, payBiz("C10", sunBa, "1.00"), "ACQ.PAYMENT_FAIL"),
		Entry("ACQ.PAYMENT_REQUEST_HAS_RISK", nil, hostsim.MethodPay, payBiz("C11", qianQi, "1.00"), "ACQ.PAYMENT_REQUEST_HAS_RISK"),
		Entry("ACQ.INVALID_PARAMETER: three decimals", nil, hostsim.MethodPay, payBiz("C12", zhangSan, "1.001"), "ACQ.INVALID_PARAMETER"),
		Entry("ACQ.INVALID_PARAMETER: zero", nil, hostsim.MethodPay, payBiz("C13", zhangSan, "0.00"), "ACQ.INVALID_PARAMETER"),
		Entry("ACQ.INVALID_PARAMETER: above 100000000", nil, hostsim.MethodPay, payBiz("C14", zhangSan, "100000000.01"), "ACQ.INVALID_PARAMETER"),
		Entry("ACQ.INVALID_PARAMETER: out_trade_no with a dash", nil, hostsim.MethodPay, payBiz("C-15", zhangSan, "1.00"), "ACQ.INVALID_PARAMETER"),
		Entry("ACQ.INVALID_PARAMETER: scene", nil, hostsim.MethodPay, map[string]any{"out_trade_no": "C16", "scene": "wave", "auth_code": zhangSan, "subject": "x", "total_amount": "1.00"}, "ACQ.INVALID_PARAMETER"),
		Entry("ACQ.ACCESS_FORBIDDEN", func() { e.cli = e.cli.as(hostsim.TestAppIDForbidden) },
			hostsim.MethodPay, payBiz("C17", zhangSan, "1.00"), "ACQ.ACCESS_FORBIDDEN"),
		Entry("ACQ.TRADE_NOT_EXIST", nil, hostsim.MethodQuery, ref("NOPE"), "ACQ.TRADE_NOT_EXIST"),
	)

	It("knows every sub_code it answers", func() {
		for _, sub := range []string{"ACQ.SYSTEM_ERROR", "ACQ.PAYMENT_AUTH_CODE_INVALID", "ACQ.TRADE_HAS_SUCCESS", "ACQ.TRADE_HAS_CLOSE", "ACQ.CONTEXT_INCONSISTENT", "ACQ.BUYER_BALANCE_NOT_ENOUGH", "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH", "ACQ.TOTAL_FEE_EXCEED", "ACQ.PAYMENT_FAIL", "ACQ.PAYMENT_REQUEST_HAS_RISK", "ACQ.INVALID_PARAMETER", "ACQ.ACCESS_FORBIDDEN", "ACQ.TRADE_NOT_EXIST"} {
			code, ok := hostsim.IsSubCode(sub)
			Expect(ok).To(BeTrue(), sub)
			Expect(code).To(Equal("40004"), sub)
		}
	})
})
