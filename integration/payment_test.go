package integration_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/emulator/hostsim"
)

// The terminal's payment client and cashier against the real simulator on
// loopback, with the fixture keys, both reading one virtual clock so that
// the 30-second polling rule runs in milliseconds.
var _ = Describe("Payments: drivers/payment against emulator/hostsim", func() {
	var (
		v       *clock.Virtual
		ps      *paySim
		client  *payment.Client
		cashier *payment.Cashier
		ctx     = context.Background()
	)
	BeforeEach(func() {
		v = clock.NewVirtual(payStart)
		ps = startPaySim(v)
		client = ps.client(v, callTimeout)
		cashier = &payment.Cashier{Client: client, Clock: v}
	})
	payReq := func(no, code string, fen payment.Fen) payment.PayRequest {
		return payment.PayRequest{OutTradeNo: no, AuthCode: code, Amount: fen, Subject: "posemu 集成测试",
			OperatorID: "01", TerminalID: "POS00001", StoreID: "S01"}
	}
	payByCode := func(r payment.PayRequest, onWait func(int)) (payment.Outcome, []time.Duration) {
		return driveVirtual(v, func() (payment.Outcome, error) { return cashier.PayByCode(ctx, r) }, onWait)
	}

	It("approves a buyer below the password threshold at once", func() {
		no := newTradeNo("below")
		before := ps.balance(buyerZhang)
		out, waits := payByCode(payReq(no, buyerZhang, 8800), nil)
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(waits).To(BeEmpty())
		Expect(out.Amount).To(Equal(payment.Fen(8800)))
		Expect(out.TradeNo).NotTo(BeEmpty())
		Expect(out.BuyerLogonID).To(ContainSubstring("*"), "masked by the platform")
		Expect(out.PaidAt).To(BeTemporally("==", payStart))
		t := ps.trade(no)
		Expect(t.Status).To(Equal(hostsim.StatusSuccess))
		Expect(t.TradeNo).To(Equal(out.TradeNo))
		Expect(ps.balance(buyerZhang)).To(Equal(before - 8800))
	})

	It("waits for the password above the threshold and approves once the buyer confirms", func() {
		no := newTradeNo("above")
		out, waits := payByCode(payReq(no, buyerZhang, 250000), func(n int) {
			if n == 2 {
				Expect(ps.trade(no).AwaitingPassword).To(BeTrue())
				_, err := ps.sim.Confirm(buyerZhang, no)
				Expect(err).NotTo(HaveOccurred())
			}
		})
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(out.Queries).To(Equal(2))
		Expect(waits).To(Equal([]time.Duration{5 * time.Second, 5 * time.Second}))
		Expect(out.PaidAt).To(BeTemporally("==", payStart.Add(5*time.Second)), "paid on the virtual clock")
		Expect(ps.trade(no).Status).To(Equal(hostsim.StatusSuccess))
	})

	It("declines when the buyer refuses on the phone", func() {
		no := newTradeNo("refuse")
		out, _ := payByCode(payReq(no, buyerLi, 1000), func(n int) {
			if n == 1 {
				_, err := ps.sim.Decline(buyerLi, no)
				Expect(err).NotTo(HaveOccurred())
			}
		})
		Expect(out.Result).To(Equal(payment.ResultDeclined))
		Expect(out.Declined.SubCode).To(Equal("TRADE_CLOSED"))
	})

	DescribeTable("declines with the platform's sub_code",
		func(code string, fen payment.Fen, subCode string) {
			no := newTradeNo("decline")
			out, _ := payByCode(payReq(no, code, fen), nil)
			Expect(out.Result).To(Equal(payment.ResultDeclined))
			Expect(out.Declined.SubCode).To(Equal(subCode))
			Expect(out.Declined.Message.ZH).NotTo(BeEmpty())
			Expect(out.Declined.Message.EN).NotTo(BeEmpty())
			Expect(out.Queries).To(BeZero())
		},
		Entry("balance", buyerWang, payment.Fen(8800), "ACQ.BUYER_BALANCE_NOT_ENOUGH"),
		Entry("bank card", buyerZhao, payment.Fen(8800), "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH"),
		Entry("risk", buyerQian, payment.Fen(100), "ACQ.PAYMENT_REQUEST_HAS_RISK"),
		Entry("payment fail", buyerSun, payment.Fen(100), "ACQ.PAYMENT_FAIL"),
		Entry("limit", buyerZhou, payment.Fen(50001), "ACQ.TOTAL_FEE_EXCEED"),
		Entry("unknown code", unknownCode, payment.Fen(100), "ACQ.PAYMENT_AUTH_CODE_INVALID"),
	)

	It("cancels when the buyer never confirms, and nothing is charged", func() {
		no := newTradeNo("timeout")
		before := ps.balance(buyerLi)
		out, waits := payByCode(payReq(no, buyerLi, 1000), nil)
		Expect(out.Result).To(Equal(payment.ResultCancelled))
		Expect(out.Refunded).To(BeFalse())
		Expect(out.Queries).To(Equal(6))
		Expect(waits).To(HaveLen(6))
		t := ps.trade(no)
		Expect(t.Status).To(Equal(hostsim.StatusClosed))
		Expect(t.ClosedBy).To(Equal(hostsim.ClosedCancel))
		Expect(ps.balance(buyerLi)).To(Equal(before))
	})

	It("retries a cancel the platform asks to retry (retry_flag=Y)", func() {
		no := newTradeNo("retry")
		ps.fault(hostsim.Fault{Kind: hostsim.FaultError, Method: hostsim.MethodCancel, Count: 2})
		out, waits := payByCode(payReq(no, buyerLi, 1000), nil)
		Expect(out.Result).To(Equal(payment.ResultCancelled))
		Expect(out.Cancels).To(Equal(3))
		Expect(waits[6:]).To(Equal([]time.Duration{2 * time.Second, 2 * time.Second}))
		Expect(ps.trade(no).Status).To(Equal(hostsim.StatusClosed))
	})

	It("charges once when the reply to a successful pay is lost", func() {
		no := newTradeNo("lost")
		before := ps.balance(buyerZhang)
		ps.fault(hostsim.Fault{Kind: hostsim.FaultLostReply, Method: hostsim.MethodPay, Count: 1})
		out, waits := payByCode(payReq(no, buyerZhang, 8800), nil)
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(waits).To(Equal([]time.Duration{5 * time.Second}))
		Expect(ps.balance(buyerZhang)).To(Equal(before - 8800))
		n := 0
		for _, t := range ps.sim.Trades() {
			if t.OutTradeNo == no {
				n++
			}
		}
		Expect(n).To(Equal(1))

		By("a terminal that resubmits after a crash gets the same trade, not a second charge")
		t, err := client.Pay(ctx, payReq(no, buyerZhang, 8800))
		Expect(err).NotTo(HaveOccurred())
		Expect(t.TradeNo).To(Equal(out.TradeNo))
		Expect(ps.balance(buyerZhang)).To(Equal(before - 8800))
		_, err = client.Pay(ctx, payReq(no, buyerZhang, 9900))
		var api *payment.APIError
		Expect(errors.As(err, &api)).To(BeTrue(), "%v", err)
		Expect(api.SubCode).To(Equal("ACQ.CONTEXT_INCONSISTENT"))
	})

	DescribeTable("settles a pay whose outcome was unknown by querying",
		func(f hostsim.Fault) {
			no := newTradeNo("unknown")
			before := ps.balance(buyerZhang)
			f.Method, f.Count = hostsim.MethodPay, 1
			ps.fault(f)
			out, _ := payByCode(payReq(no, buyerZhang, 1234), nil)
			Expect(out.Result).To(Equal(payment.ResultApproved))
			Expect(out.Queries).To(Equal(1))
			Expect(ps.balance(buyerZhang)).To(Equal(before - 1234))
		},
		Entry("20000 after the trade happened", hostsim.Fault{Kind: hostsim.FaultUnknown, Commit: true}),
		Entry("a reply with a bad signature", hostsim.Fault{Kind: hostsim.FaultBadSignature}),
		Entry("HTTP 502 after the trade happened", hostsim.Fault{Kind: hostsim.FaultHTTPError, Commit: true}),
		Entry("no reply after the trade happened", hostsim.Fault{Kind: hostsim.FaultNoReply, Commit: true}),
	)

	It("cancels a pay that never reached the platform, so a late one cannot charge", func() {
		no := newTradeNo("noreply")
		before := ps.balance(buyerZhang)
		ps.fault(hostsim.Fault{Kind: hostsim.FaultNoReply, Method: hostsim.MethodPay, Count: 1})
		out, _ := payByCode(payReq(no, buyerZhang, 1234), nil)
		Expect(out.Result).To(Equal(payment.ResultCancelled))
		Expect(ps.balance(buyerZhang)).To(Equal(before))
		_, err := client.Pay(ctx, payReq(no, buyerZhang, 1234))
		Expect(err).To(HaveOccurred(), "the cancelled number cannot be paid any more")
		Expect(ps.balance(buyerZhang)).To(Equal(before))
	})

	It("is in doubt while every reply fails verification, and Resolve settles it", func() {
		no := newTradeNo("doubt")
		before := ps.balance(buyerZhang)
		ps.fault(hostsim.Fault{Kind: hostsim.FaultBadSignature}) // every method, until cleared
		out, _ := payByCode(payReq(no, buyerZhang, 500), nil)
		Expect(out.Result).To(Equal(payment.ResultInDoubt))
		Expect(errors.Is(out.InDoubt.Err, payment.ErrBadSignature)).To(BeTrue(), "%v", out.InDoubt.Err)
		Expect(out.InDoubt.OutTradeNo).To(Equal(no))
		Expect(out.InDoubt.Amount).To(Equal(payment.Fen(500)))

		ps.sim.ClearFaults()
		res, _ := driveVirtual(v, func() (payment.Outcome, error) { return cashier.Resolve(ctx, no) }, nil)
		// The bad-signature cancels were carried out: the paid trade was
		// refunded, and Resolve reports what the platform now says.
		Expect(res.Result).To(Equal(payment.ResultCancelled))
		Expect(ps.trade(no).Status).To(Equal(hostsim.StatusClosed))
		Expect(ps.balance(buyerZhang)).To(Equal(before))
	})

	It("refunds part of a payment once for one out_request_no, and never more than was paid", func() {
		no := newTradeNo("refund")
		out, _ := payByCode(payReq(no, buyerZhang, 8800), nil)
		Expect(out.Result).To(Equal(payment.ResultApproved))
		before := ps.balance(buyerZhang)
		req := payment.RefundRequest{OutTradeNo: no, Amount: 1050, OutRequestNo: no + "_R1", Reason: "退货"}
		r1, err := client.Refund(ctx, req)
		Expect(err).NotTo(HaveOccurred())
		Expect(r1.RefundFee).To(Equal(payment.Fen(1050)))
		r2, err := client.Refund(ctx, req)
		Expect(err).NotTo(HaveOccurred())
		Expect(r2.RefundFee).To(Equal(payment.Fen(1050)))
		Expect(r2.FundChange).To(BeFalse(), "the repeat moved no money")
		Expect(ps.balance(buyerZhang)).To(Equal(before + 1050))
		Expect(ps.trade(no).Refunded).To(Equal(int64(1050)))

		q, err := client.RefundQuery(ctx, payment.RefundQueryRequest{OutTradeNo: no, OutRequestNo: req.OutRequestNo})
		Expect(err).NotTo(HaveOccurred())
		Expect(q.RefundAmount).To(Equal(payment.Fen(1050)))

		_, err = client.Refund(ctx, payment.RefundRequest{OutTradeNo: no, Amount: 8800, OutRequestNo: no + "_R2"})
		var api *payment.APIError
		Expect(errors.As(err, &api)).To(BeTrue(), "%v", err)
		Expect(api.SubCode).To(Equal("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"))
		Expect(ps.trade(no).Refunded).To(Equal(int64(1050)))
	})

	It("takes a QR payment the buyer scans", func() {
		no := newTradeNo("qr")
		var shown string
		out, _ := driveVirtual(v, func() (payment.Outcome, error) {
			return cashier.PayByQR(ctx, payment.PrecreateRequest{OutTradeNo: no, Amount: 2000, Subject: "扫码"},
				func(qr string) { shown = qr })
		}, func(n int) {
			if n == 2 {
				_, err := ps.sim.Scan(no, buyerZhang)
				Expect(err).NotTo(HaveOccurred())
			}
		})
		Expect(shown).NotTo(BeEmpty())
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(out.Amount).To(Equal(payment.Fen(2000)))
	})

	It("closes an unpaid trade and hands out a bill URL", func() {
		no := newTradeNo("close")
		t, err := client.Pay(ctx, payReq(no, buyerLi, 300))
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Status.Code).To(Equal(payment.CodeInProcess))
		_, err = client.Close(ctx, payment.TradeRef{OutTradeNo: no}, "01")
		Expect(err).NotTo(HaveOccurred())
		Expect(ps.trade(no).Status).To(Equal(hostsim.StatusClosed))
		v.Advance(24 * time.Hour)
		u, err := client.BillDownloadURL(ctx, payment.BillRequest{BillDate: payStart.In(payment.ChinaTime).Format("2006-01-02")})
		Expect(err).NotTo(HaveOccurred())
		Expect(u).To(HavePrefix("http://127.0.0.1:"))
	})

	It("is refused by the simulator when the request is signed with the wrong key", func() {
		bad, err := payment.New(payment.Config{GatewayURL: ps.url, AppID: hostsim.TestAppID,
			AppPrivateKeyPEM: fixtureKey("platform_private_key.pem"), PlatformPublicKeyPEM: fixtureKey("platform_public_key.pem")})
		Expect(err).NotTo(HaveOccurred())
		_, err = bad.Pay(ctx, payReq(newTradeNo("badsig"), buyerZhang, 100))
		var api *payment.APIError
		var se *payment.SignatureError
		switch {
		case errors.As(err, &api):
			Expect(api.Code).To(Equal("40002"))
			Expect(api.SubCode).To(Equal("isv.invalid-signature"))
		case errors.As(err, &se):
			Expect(se.SubCode).To(Equal("isv.invalid-signature"), "an unsigned refusal is still refused")
		default:
			Fail("want the invalid-signature refusal, got " + err.Error())
		}
	})
})
