package payment_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
)

var start = time.Date(2024, 5, 1, 4, 0, 0, 0, time.UTC) // 12:00 in China

func newClient(gw *fakeGateway, clk clock.Clock) *payment.Client {
	c, err := payment.New(payment.Config{GatewayURL: gw.URL(), AppID: "2021000000000001",
		AppPrivateKey: appKey, PlatformPublicKey: &platformKey.PublicKey, Clock: clk,
		Timeout: callTimeout})
	Expect(err).NotTo(HaveOccurred())
	return c
}

var payReq = payment.PayRequest{OutTradeNo: "T20240501_0001", AuthCode: "280000000000000001",
	Amount: 8800, Subject: "posemu 测试 & <sale>", OperatorID: "01", TerminalID: "T1", Timeout: 90 * time.Second}

var _ = Describe("Amounts", func() {
	It("formats fen as two-decimal yuan and reads it back exactly", func() {
		for fen, yuan := range map[payment.Fen]string{1: "0.01", 29: "0.29", 100: "1.00", 8800: "88.00",
			123456789: "1234567.89", payment.MaxFen: "100000000.00"} {
			Expect(fen.Yuan()).To(Equal(yuan))
			Expect(payment.ParseYuan(yuan)).To(Equal(fen))
		}
		Expect(payment.ParseYuan("12")).To(Equal(payment.Fen(1200)))
		Expect(payment.ParseYuan("0.5")).To(Equal(payment.Fen(50)))
		for _, bad := range []string{"", ".5", "1.", "1.234", "-1.00", "+1", "1e3", "1,00", " 1.00", "0x10", "1.2.3"} {
			_, err := payment.ParseYuan(bad)
			Expect(err).To(HaveOccurred(), bad)
		}
	})
})

var _ = Describe("Client", func() {
	var (
		gw  *fakeGateway
		c   *payment.Client
		v   *clock.Virtual
		ctx = context.Background()
	)
	BeforeEach(func() {
		gw = newFakeGateway()
		DeferCleanup(gw.Close)
		v = clock.NewVirtual(start)
		c = newClient(gw, v)
	})

	It("sends the common parameters and a request signature the gateway verifies", func() {
		gw.script("alipay.trade.pay", paid(payReq.OutTradeNo, "88.00"))
		t, err := c.Pay(ctx, payReq)
		Expect(err).NotTo(HaveOccurred())
		Expect(gw.badReqs).To(BeZero())
		p := gw.lastCall().Params
		Expect(p.Get("app_id")).To(Equal("2021000000000001"))
		Expect(p.Get("format")).To(Equal("JSON"))
		Expect(p.Get("charset")).To(Equal("utf-8"))
		Expect(p.Get("sign_type")).To(Equal("RSA2"))
		Expect(p.Get("version")).To(Equal("1.0"))
		Expect(p.Get("timestamp")).To(Equal("2024-05-01 12:00:00"), "virtual clock, China time")
		Expect(p).NotTo(HaveKey("notify_url"))
		biz := gw.lastCall().Biz
		Expect(biz).To(HaveKeyWithValue("total_amount", "88.00"))
		Expect(biz).To(HaveKeyWithValue("scene", "bar_code"))
		Expect(biz).To(HaveKeyWithValue("timeout_express", "2m"))
		Expect(biz).To(HaveKeyWithValue("subject", "posemu 测试 & <sale>"))
		Expect(p.Get("biz_content")).To(ContainSubstring(`& <sale>`), "no HTML escaping on the wire")
		Expect(t.TradeStatus).To(Equal(payment.TradeSuccess))
		Expect(t.TotalAmount).To(Equal(payment.Fen(8800)))
		Expect(t.FundBills).To(Equal([]payment.FundBill{{Channel: "ALIPAYACCOUNT", Amount: 8800}}))
		Expect(t.PaidAt).To(BeTemporally("==", time.Date(2024, 5, 1, 4, 0, 5, 0, time.UTC)))
	})

	It("is refused by the gateway when signed with another key", func() {
		bad, err := payment.New(payment.Config{GatewayURL: gw.URL(), AppID: "2021000000000001",
			AppPrivateKey: strangerKey, PlatformPublicKey: &platformKey.PublicKey})
		Expect(err).NotTo(HaveOccurred())
		_, err = bad.Pay(ctx, payReq)
		var api *payment.APIError
		Expect(errors.As(err, &api)).To(BeTrue(), "%v", err)
		Expect(api.Code).To(Equal("40002"))
		Expect(api.SubCode).To(Equal("isv.invalid-signature"))
		Expect(api.Unknown()).To(BeFalse())
	})

	It("takes keys as PEM (PKCS#1, PKCS#8, PKIX) and as bare base64", func() {
		pk1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(appKey)})
		der8, _ := x509.MarshalPKCS8PrivateKey(appKey)
		pk8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der8})
		pubDER, _ := x509.MarshalPKIXPublicKey(&platformKey.PublicKey)
		pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
		for _, priv := range [][]byte{pk1, pk8, []byte(base64Of(der8))} {
			k, err := payment.ParsePrivateKey(priv)
			Expect(err).NotTo(HaveOccurred())
			Expect(k.Equal(appKey)).To(BeTrue())
		}
		for _, p := range [][]byte{pub, []byte(base64Of(pubDER))} {
			k, err := payment.ParsePublicKey(p)
			Expect(err).NotTo(HaveOccurred())
			Expect(k.Equal(&platformKey.PublicKey)).To(BeTrue())
		}
		cl, err := payment.New(payment.Config{GatewayURL: gw.URL(), AppID: "x", AppPrivateKeyPEM: pk8, PlatformPublicKeyPEM: pub})
		Expect(err).NotTo(HaveOccurred())
		gw.script("alipay.trade.pay", paid(payReq.OutTradeNo, "88.00"))
		_, err = cl.Pay(ctx, payReq)
		Expect(err).NotTo(HaveOccurred())
		_, err = payment.ParsePrivateKey([]byte("not a key"))
		Expect(err).To(HaveOccurred())
	})

	It("refuses a configuration that could not verify replies", func() {
		_, err := payment.New(payment.Config{GatewayURL: gw.URL(), AppID: "x", AppPrivateKey: appKey})
		Expect(err).To(MatchError(ContainSubstring("platform public key")))
		_, err = payment.New(payment.Config{GatewayURL: "ftp://x", AppID: "x", AppPrivateKey: appKey, PlatformPublicKey: &platformKey.PublicKey})
		Expect(err).To(HaveOccurred())
	})

	DescribeTable("refuses replies whose signature does not hold",
		func(rep gwReply) {
			gw.script("alipay.trade.pay", rep)
			_, err := c.Pay(ctx, payReq)
			Expect(err).To(MatchError(payment.ErrBadSignature))
			var se *payment.SignatureError
			Expect(errors.As(err, &se)).To(BeTrue())
			Expect(se.Method).To(Equal("alipay.trade.pay"))
		},
		Entry("unsigned", gwReply{Member: map[string]any{"code": "10000", "msg": "Success"}, Unsigned: true}),
		Entry("signed by a stranger", gwReply{Member: map[string]any{"code": "10000", "msg": "Success"}, Stranger: true}),
		Entry("tampered after signing", gwReply{Member: map[string]any{"code": "10000", "msg": "Success", "total_amount": "0.01"}, Tamper: true}),
		Entry("sign not base64", gwReply{Body: `{"alipay_trade_pay_response":{"code":"10000"},"sign":"!!!"}`}),
		Entry("empty sign", gwReply{Body: `{"alipay_trade_pay_response":{"code":"10000"},"sign":""}`}),
	)

	It("verifies over the member's exact text, whitespace, key order and escapes included", func() {
		raw := "{ \"msg\" : \"Success\",\n \"code\":\"10000\", \"subject\":\"\\u6d4b\\/\", \"out_trade_no\":\"T1\",\"trade_no\":\"9\", \"total_amount\":\"88.00\"}"
		gw.script("alipay.trade.pay", gwReply{Raw: raw})
		t, err := c.Pay(ctx, payReq)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.TradeNo).To(Equal("9"))
		body := signedBody("alipay.trade.pay", gwReply{Raw: raw})
		member, sign, st, err := payment.ParseReply([]byte(body), "alipay.trade.pay")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(member)).To(Equal(raw))
		Expect(sign).NotTo(BeEmpty())
		Expect(st.Code).To(Equal("10000"))
	})

	It("reads the sign wherever it is and unescapes it", func() {
		raw := `{"code":"10000","msg":"Success","trade_no":"1","out_trade_no":"T1"}`
		sign := signWith(platformKey, []byte(raw))
		escaped := ""
		for _, r := range sign {
			if r == '/' {
				escaped += `\/`
			} else {
				escaped += string(r)
			}
		}
		body := `{"sign":"` + escaped + `", "alipay_cert_sn":"abc", "alipay_trade_pay_response":` + raw + "}\n"
		gw.script("alipay.trade.pay", gwReply{Body: body})
		_, err := c.Pay(ctx, payReq)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("treats an unreadable reply as no reply",
		func(body string) {
			gw.script("alipay.trade.pay", gwReply{Body: body})
			_, err := c.Pay(ctx, payReq)
			var te *payment.TransportError
			Expect(errors.As(err, &te)).To(BeTrue(), "%v", err)
		},
		Entry("not JSON", `<html>busy</html>`),
		Entry("an array", `[1,2]`),
		Entry("no member", `{"sign":"AAAA"}`),
		Entry("member twice", `{"alipay_trade_pay_response":{"code":"10000"},"alipay_trade_pay_response":{"code":"40004"},"sign":"AAAA"}`),
		Entry("sign twice", `{"alipay_trade_pay_response":{"code":"10000"},"sign":"AAAA","sign":"BBBB"}`),
		Entry("member not an object", `{"alipay_trade_pay_response":"10000","sign":"AAAA"}`),
		Entry("trailing data", `{"alipay_trade_pay_response":{"code":"10000"},"sign":"AAAA"} {}`),
		Entry("truncated", `{"alipay_trade_pay_response":{"code":"10000"`),
	)

	It("treats a signed reply with an unreadable amount as no reply", func() {
		gw.script("alipay.trade.pay", ok(map[string]any{"trade_no": "1", "total_amount": "88.001"}))
		_, err := c.Pay(ctx, payReq)
		var te *payment.TransportError
		Expect(errors.As(err, &te)).To(BeTrue(), "%v", err)
	})

	It("reports HTTP errors and a gateway that never answers as transport errors", func() {
		gw.script("alipay.trade.query", gwReply{HTTP: 502}, gwReply{Hang: true})
		_, err := c.Query(ctx, payment.TradeRef{OutTradeNo: "T1"})
		var te *payment.TransportError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.Status).To(Equal(502))
		short, _ := payment.New(payment.Config{GatewayURL: gw.URL(), AppID: "x", AppPrivateKey: appKey,
			PlatformPublicKey: &platformKey.PublicKey, Timeout: 100 * time.Millisecond})
		_, err = short.Query(ctx, payment.TradeRef{OutTradeNo: "T1"})
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "%v", err)
	})

	It("answers an error_response member as a platform error once verified", func() {
		raw := `{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-method","sub_msg":"不存在的方法名"}`
		gw.script("alipay.trade.pay", gwReply{Body: `{"error_response":` + raw + `,"sign":"` + signWith(platformKey, []byte(raw)) + `"}`})
		_, err := c.Pay(ctx, payReq)
		var api *payment.APIError
		Expect(errors.As(err, &api)).To(BeTrue(), "%v", err)
		Expect(api.SubCode).To(Equal("isv.invalid-method"))
	})

	It("returns 10003 as a pending trade and business failures as APIError", func() {
		gw.script("alipay.trade.pay", inProcess(payReq.OutTradeNo), fail("40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH"))
		t, err := c.Pay(ctx, payReq)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Status.Code).To(Equal(payment.CodeInProcess))
		Expect(t.TradeStatus).To(Equal(payment.WaitBuyerPay))
		Expect(t.Paid()).To(BeFalse())
		_, err = c.Pay(ctx, payReq)
		var api *payment.APIError
		Expect(errors.As(err, &api)).To(BeTrue())
		Expect(api.SubCode).To(Equal("ACQ.BUYER_BALANCE_NOT_ENOUGH"))
		Expect(api.Unknown()).To(BeFalse())
	})

	It("validates requests before sending anything", func() {
		for _, r := range []payment.PayRequest{
			{OutTradeNo: "bad-no", AuthCode: "1", Amount: 1, Subject: "s"},
			{OutTradeNo: "T1", AuthCode: "1", Amount: 0, Subject: "s"},
			{OutTradeNo: "T1", AuthCode: "1", Amount: payment.MaxFen + 1, Subject: "s"},
			{OutTradeNo: "T1", Amount: 1, Subject: "s"},
		} {
			_, err := c.Pay(ctx, r)
			Expect(err).To(HaveOccurred())
		}
		_, err := c.Refund(ctx, payment.RefundRequest{OutTradeNo: "T1", Amount: 1})
		Expect(err).To(MatchError(ContainSubstring("out_request_no")))
		Expect(gw.methods()).To(BeEmpty())
	})

	It("speaks precreate, query, cancel, close, refund, refund query and bill", func() {
		gw.script("alipay.trade.precreate", ok(map[string]any{"out_trade_no": "Q1", "qr_code": "https://qr.alipay.com/bax1"}))
		gw.script("alipay.trade.query", waiting("Q1"))
		gw.script("alipay.trade.cancel", ok(map[string]any{"out_trade_no": "Q1", "trade_no": "2024Q1", "retry_flag": "N", "action": "close"}))
		gw.script("alipay.trade.close", ok(map[string]any{"out_trade_no": "Q1", "trade_no": "2024Q1"}))
		gw.script("alipay.trade.refund", ok(map[string]any{"out_trade_no": "Q1", "trade_no": "2024Q1", "fund_change": "Y", "refund_fee": "10.50", "gmt_refund_pay": "2024-05-01 12:30:00"}))
		gw.script("alipay.trade.fastpay.refund.query", ok(map[string]any{"out_trade_no": "Q1", "out_request_no": "R1", "total_amount": "88.00", "refund_amount": "10.50", "refund_status": "REFUND_SUCCESS"}))
		gw.script("alipay.data.dataservice.bill.downloadurl.query", ok(map[string]any{"bill_download_url": "http://127.0.0.1/bill?d=2024-05-01"}))

		pre, err := c.Precreate(ctx, payment.PrecreateRequest{OutTradeNo: "Q1", Amount: 8800, Subject: "s"})
		Expect(err).NotTo(HaveOccurred())
		Expect(pre.QRCode).To(Equal("https://qr.alipay.com/bax1"))
		q, err := c.Query(ctx, payment.TradeRef{OutTradeNo: "Q1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(q.TradeStatus).To(Equal(payment.WaitBuyerPay))
		cr, err := c.Cancel(ctx, payment.TradeRef{OutTradeNo: "Q1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(cr.Action).To(Equal("close"))
		Expect(cr.Retry()).To(BeFalse())
		_, err = c.Close(ctx, payment.TradeRef{TradeNo: "2024Q1"}, "01")
		Expect(err).NotTo(HaveOccurred())
		Expect(gw.lastCall().Biz).To(Equal(map[string]any{"trade_no": "2024Q1", "operator_id": "01"}))
		rr, err := c.Refund(ctx, payment.RefundRequest{OutTradeNo: "Q1", Amount: 1050, OutRequestNo: "R1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(gw.lastCall().Biz).To(HaveKeyWithValue("refund_amount", "10.50"))
		Expect(rr.FundChange).To(BeTrue())
		Expect(rr.RefundFee).To(Equal(payment.Fen(1050)))
		rq, err := c.RefundQuery(ctx, payment.RefundQueryRequest{OutTradeNo: "Q1", OutRequestNo: "R1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(rq.RefundAmount).To(Equal(payment.Fen(1050)))
		Expect(rq.RefundStatus).To(Equal("REFUND_SUCCESS"))
		u, err := c.BillDownloadURL(ctx, payment.BillRequest{BillDate: "2024-05-01"})
		Expect(err).NotTo(HaveOccurred())
		Expect(u).To(HavePrefix("http://127.0.0.1/bill"))
		Expect(gw.lastCall().Biz).To(Equal(map[string]any{"bill_type": "trade", "bill_date": "2024-05-01"}))
		Expect(gw.badReqs).To(BeZero())
	})

	It("maps sub_codes to short operator messages in both languages", func() {
		m := payment.OperatorMessage("40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH")
		Expect(m.ZH).To(Equal("买家余额不足"))
		Expect(m.EN).To(Equal("Buyer balance too low"))
		m = payment.OperatorMessage("40004", "ACQ.SOMETHING_NEW")
		Expect(m.ZH).To(Equal("业务处理失败"))
		Expect(m.EN).To(ContainSubstring("ACQ.SOMETHING_NEW"))
		m = payment.OperatorMessage("49999", "")
		Expect(m.ZH).To(ContainSubstring("49999"))
	})
})
