package payment_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
)

// drive runs f while the virtual clock follows the cashier: each time it
// waits, the clock jumps to the end of that wait. It returns the outcome
// and the waits, in order.
func drive(v *clock.Virtual, f func() (payment.Outcome, error)) (payment.Outcome, []time.Duration) {
	done := make(chan struct{})
	var out payment.Outcome
	var err error
	go func() {
		defer GinkgoRecover()
		defer close(done)
		out, err = f()
	}()
	var waits []time.Duration
	for v.WaitForWaiters(1, done) {
		if d, ok := v.NextDeadline(); ok {
			waits = append(waits, d.Sub(v.Now()))
			v.Set(d)
		}
	}
	<-done
	Expect(err).NotTo(HaveOccurred())
	return out, waits
}

// callTimeout bounds each call in real time. Every call here is answered,
// in milliseconds on an idle machine and much later on a loaded one under
// -race, so it is generous; the one call never answered is given up on
// by payGivenUp instead.
const callTimeout = 10 * time.Second

// payGivenUp is the gateway with the pay call abandoned as soon as taken
// is closed, as a pay call whose reply never comes ends in a timeout.
type payGivenUp struct {
	payment.Gateway
	taken <-chan struct{}
}

func (g *payGivenUp) Pay(ctx context.Context, r payment.PayRequest) (*payment.Trade, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-g.taken:
			cancel()
		case <-ctx.Done():
		}
	}()
	return g.Gateway.Pay(ctx, r)
}

func secs(n ...int) []time.Duration {
	var d []time.Duration
	for _, s := range n {
		d = append(d, time.Duration(s)*time.Second)
	}
	return d
}

func repeat(r gwReply, n int) []gwReply {
	out := make([]gwReply, n)
	for i := range out {
		out[i] = r
	}
	return out
}

var _ = Describe("Cashier", func() {
	const no = "T20240501_0001"
	var (
		gw       *fakeGateway
		v        *clock.Virtual
		cashier  *payment.Cashier
		mu       sync.Mutex
		progress []payment.Progress
		ctx      = context.Background()
	)
	BeforeEach(func() {
		gw = newFakeGateway()
		DeferCleanup(gw.Close)
		v = clock.NewVirtual(start)
		progress = nil
		c, err := payment.New(payment.Config{GatewayURL: gw.URL(), AppID: "2021000000000001",
			AppPrivateKey: appKey, PlatformPublicKey: &platformKey.PublicKey, Clock: v,
			Timeout: callTimeout})
		Expect(err).NotTo(HaveOccurred())
		cashier = &payment.Cashier{Client: c, Clock: v, Progress: func(p payment.Progress) {
			mu.Lock()
			progress = append(progress, p)
			mu.Unlock()
		}}
	})
	pay := func() (payment.Outcome, []time.Duration) {
		return drive(v, func() (payment.Outcome, error) { return cashier.PayByCode(ctx, payReq) })
	}
	resolve := func() (payment.Outcome, []time.Duration) {
		return drive(v, func() (payment.Outcome, error) { return cashier.Resolve(ctx, no) })
	}

	It("approves an immediate success without waiting", func() {
		gw.script("alipay.trade.pay", paid(no, "88.00"))
		out, waits := pay()
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(out.TradeNo).To(Equal("2024" + no))
		Expect(out.Amount).To(Equal(payment.Fen(8800)))
		Expect(out.BuyerLogonID).To(Equal("159****5620"))
		Expect(waits).To(BeEmpty())
		Expect(gw.methods()).To(Equal([]string{"pay"}))
	})

	It("waits for the buyer on 10003 and approves on the third query, counting down", func() {
		gw.script("alipay.trade.pay", inProcess(no))
		gw.script("alipay.trade.query", waiting(no), waiting(no), paid(no, "88.00"))
		out, waits := pay()
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(out.Queries).To(Equal(3))
		Expect(out.PaidAt).NotTo(BeZero())
		Expect(waits).To(Equal(secs(5, 5, 5)))
		Expect(gw.methods()).To(Equal([]string{"pay", "query", "query", "query"}))
		var countdown []time.Duration
		for _, p := range progress {
			if p.Stage == payment.StageWaitingForBuyer {
				countdown = append(countdown, p.Remaining)
				Expect(p.Message.EN).To(Equal("Waiting for buyer"))
				Expect(p.OutTradeNo).To(Equal(no))
			}
		}
		Expect(countdown).To(Equal(secs(30, 25, 20)))
		Expect(progress[0].Stage).To(Equal(payment.StageSubmitting))
	})

	It("cancels a trade the buyer never pays, retrying while retry_flag=Y", func() {
		gw.script("alipay.trade.pay", inProcess(no))
		gw.script("alipay.trade.query", repeat(waiting(no), 6)...)
		retry := fail("40004", "ACQ.SYSTEM_ERROR", map[string]any{"retry_flag": "Y"})
		gw.script("alipay.trade.cancel", retry, retry, ok(map[string]any{"out_trade_no": no, "retry_flag": "N", "action": "close"}))
		out, waits := pay()
		Expect(out.Result).To(Equal(payment.ResultCancelled))
		Expect(out.Refunded).To(BeFalse())
		Expect(out.Queries).To(Equal(6))
		Expect(out.Cancels).To(Equal(3))
		Expect(waits).To(Equal(secs(5, 5, 5, 5, 5, 5, 2, 2)))
		Expect(gw.methods()).To(Equal([]string{"pay", "query", "query", "query", "query", "query", "query", "cancel", "cancel", "cancel"}))
		Expect(v.Now().Sub(start)).To(Equal(34 * time.Second))
	})

	It("reports a cancel that refunded a last-second payment", func() {
		gw.script("alipay.trade.pay", inProcess(no))
		gw.script("alipay.trade.query", repeat(waiting(no), 6)...)
		gw.script("alipay.trade.cancel", ok(map[string]any{"out_trade_no": no, "retry_flag": "N", "action": "refund"}))
		out, _ := pay()
		Expect(out.Result).To(Equal(payment.ResultCancelled))
		Expect(out.Refunded).To(BeTrue())
	})

	It("ends in doubt when cancel never takes, and Resolve settles it later", func() {
		gw.script("alipay.trade.pay", inProcess(no))
		gw.script("alipay.trade.query", repeat(waiting(no), 7)...)
		gw.script("alipay.trade.cancel", repeat(fail("40004", "ACQ.SYSTEM_ERROR", map[string]any{"retry_flag": "Y"}), 3)...)
		out, waits := pay()
		Expect(out.Result).To(Equal(payment.ResultInDoubt))
		Expect(waits).To(Equal(secs(5, 5, 5, 5, 5, 5, 2, 2)))
		d := out.InDoubt
		Expect(d.OutTradeNo).To(Equal(no))
		Expect(d.TradeNo).To(Equal("2024" + no))
		Expect(d.Amount).To(Equal(payment.Fen(8800)))
		Expect(d.LastKnown).To(Equal(payment.WaitBuyerPay))
		Expect(d.Cancelled).To(BeTrue())
		Expect(d.Since).To(Equal(v.Now()))
		Expect(d.Reason).To(ContainSubstring("cancel did not take"))
		Expect(gw.methods()).To(HaveLen(1 + 6 + 3 + 1))

		gw.script("alipay.trade.query", waiting(no))
		gw.script("alipay.trade.cancel", ok(map[string]any{"out_trade_no": no, "retry_flag": "N", "action": "close"}))
		out, waits = resolve()
		Expect(out.Result).To(Equal(payment.ResultCancelled))
		Expect(waits).To(BeEmpty())
	})

	It("resolves a closed trade as cancelled, and stays in doubt while the query gets no answer", func() {
		gw.script("alipay.trade.query", ok(map[string]any{"out_trade_no": no, "trade_status": "TRADE_CLOSED", "total_amount": "88.00"}))
		out, _ := resolve()
		Expect(out.Result).To(Equal(payment.ResultCancelled))
		Expect(gw.methods()).To(Equal([]string{"query"}))

		gw.script("alipay.trade.query", gwReply{HTTP: 502})
		out, _ = resolve()
		Expect(out.Result).To(Equal(payment.ResultInDoubt))
		Expect(out.InDoubt.Cancelled).To(BeFalse(), "no cancel on a guess")
		Expect(gw.methods()).To(Equal([]string{"query", "query"}))

		gw.script("alipay.trade.query", fail("40004", "ACQ.TRADE_NOT_EXIST"))
		gw.script("alipay.trade.cancel", ok(map[string]any{"retry_flag": "N", "action": "close"}))
		out, _ = resolve()
		Expect(out.Result).To(Equal(payment.ResultCancelled), "not found: cancelled so a late pay cannot succeed")
	})

	It("queries after 20000 and approves what was paid", func() {
		gw.script("alipay.trade.pay", fail("20000", "isp.unknow-error"))
		gw.script("alipay.trade.query", paid(no, "88.00"))
		out, waits := pay()
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(waits).To(Equal(secs(5)))
		Expect(gw.methods()).To(Equal([]string{"pay", "query"}))
	})

	It("never pays twice when the reply is lost after the charge", func() {
		var charges atomic.Int32
		charged := make(chan struct{})
		gw.script("alipay.trade.pay", gwReply{Hang: true, Before: func() { charges.Add(1); close(charged) }})
		gw.script("alipay.trade.query", gwReply{HTTP: 503}, paid(no, "88.00"))
		// The till gives up on the pay call once the platform has taken
		// it (a timeout, without waiting one out: a short one could expire
		// before the request even arrived on a loaded machine).
		cashier.Client = &payGivenUp{Gateway: cashier.Client, taken: charged}
		out, waits := pay()
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(out.TradeNo).To(Equal("2024" + no))
		Expect(charges.Load()).To(Equal(int32(1)))
		Expect(waits).To(Equal(secs(5, 5)))
		Expect(gw.methods()).To(Equal([]string{"pay", "query", "query"}))
	})

	It("treats a reply with a bad signature as unknown and queries", func() {
		gw.script("alipay.trade.pay", gwReply{Member: paid(no, "88.00").Member, Stranger: true})
		gw.script("alipay.trade.query", paid(no, "88.00"))
		out, _ := pay()
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(gw.methods()).To(Equal([]string{"pay", "query"}))
	})

	It("is in doubt while no reply verifies, and Resolve settles it once replies verify", func() {
		forged := func(r gwReply) gwReply { r.Stranger = true; return r }
		gw.script("alipay.trade.pay", forged(paid(no, "88.00")))
		gw.script("alipay.trade.query", repeat(forged(waiting(no)), 7)...)
		gw.script("alipay.trade.cancel", repeat(forged(ok(map[string]any{"action": "close"})), 3)...)
		out, _ := pay()
		Expect(out.Result).To(Equal(payment.ResultInDoubt))
		Expect(out.InDoubt.Err).To(MatchError(payment.ErrBadSignature))
		Expect(errors.Is(out.InDoubt, payment.ErrBadSignature)).To(BeTrue())
		Expect(out.InDoubt.LastKnown).To(BeEmpty(), "nothing verified was ever learnt")
		Expect(out.Cancels).To(Equal(3))

		gw.script("alipay.trade.query", paid(no, "88.00"))
		out, _ = resolve()
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(out.Amount).To(Equal(payment.Fen(8800)))
	})

	It("approves a resubmission the platform says was already paid", func() {
		gw.script("alipay.trade.pay", fail("40004", "ACQ.TRADE_HAS_SUCCESS"))
		gw.script("alipay.trade.query", paid(no, "88.00"))
		out, waits := pay()
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(out.TradeNo).To(Equal("2024" + no))
		Expect(waits).To(BeEmpty())
	})

	It("declines a trade the buyer refused on the phone", func() {
		gw.script("alipay.trade.pay", inProcess(no))
		gw.script("alipay.trade.query", waiting(no), ok(map[string]any{"out_trade_no": no, "trade_status": "TRADE_CLOSED", "total_amount": "88.00"}))
		out, _ := pay()
		Expect(out.Result).To(Equal(payment.ResultDeclined))
		Expect(out.Declined.SubCode).To(Equal("TRADE_CLOSED"))
		Expect(out.Declined.Message.ZH).To(Equal("买家未付款，交易关闭"))
	})

	DescribeTable("declines with the platform's sub_code and a short message",
		func(code, subCode, zh, en string) {
			gw.script("alipay.trade.pay", fail(code, subCode))
			out, _ := pay()
			Expect(out.Result).To(Equal(payment.ResultDeclined))
			Expect(out.Declined.Code).To(Equal(code))
			Expect(out.Declined.SubCode).To(Equal(subCode))
			Expect(out.Declined.Message).To(Equal(payment.Message{ZH: zh, EN: en}))
			Expect(gw.methods()).To(Equal([]string{"pay"}), "a definite answer needs no query")
		},
		Entry(nil, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID", "付款码无效，请刷新", "Payment code invalid; refresh it"),
		Entry(nil, "40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足", "Buyer balance too low"),
		Entry(nil, "40004", "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH", "买家银行卡余额不足", "Buyer bank card balance too low"),
		Entry(nil, "40004", "ACQ.TOTAL_FEE_EXCEED", "金额超出限额", "Amount over the limit"),
		Entry(nil, "40004", "ACQ.PAYMENT_FAIL", "支付失败，请重试", "Payment failed; try again"),
		Entry(nil, "40004", "ACQ.PAYMENT_REQUEST_HAS_RISK", "支付有风险，请换方式", "Risk refused; use another method"),
		Entry(nil, "40004", "ACQ.CONTEXT_INCONSISTENT", "订单号重复，信息不符", "Order no. reused with other details"),
		Entry(nil, "40004", "ACQ.TRADE_HAS_CLOSE", "交易已关闭", "Trade already closed"),
		Entry(nil, "40004", "ACQ.INVALID_PARAMETER", "参数无效", "Invalid parameter"),
		Entry(nil, "40004", "ACQ.ACCESS_FORBIDDEN", "无权限使用此接口", "Not permitted for this merchant"),
		Entry(nil, "40002", "isv.invalid-signature", "签名无效，请检查密钥", "Invalid signature; check the keys"),
		Entry(nil, "40001", "isv.missing-method", "缺少必选参数", "Missing parameter (isv.missing-method)"),
		Entry(nil, "40006", "isv.insufficient-isv-permissions", "权限不足", "Insufficient permissions (isv.insufficient-isv-permissions)"),
	)

	It("queries after ACQ.SYSTEM_ERROR instead of declining", func() {
		gw.script("alipay.trade.pay", fail("40004", "ACQ.SYSTEM_ERROR"))
		gw.script("alipay.trade.query", paid(no, "88.00"))
		out, _ := pay()
		Expect(out.Result).To(Equal(payment.ResultApproved))
	})

	It("is in doubt, not lost, when the caller's context ends while waiting", func() {
		gw.script("alipay.trade.pay", inProcess(no))
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		var out payment.Outcome
		go func() {
			defer close(done)
			out, _ = cashier.PayByCode(cctx, payReq)
		}()
		Expect(v.WaitForWaiters(1, done)).To(BeTrue())
		cancel()
		<-done
		Expect(out.Result).To(Equal(payment.ResultInDoubt))
		Expect(out.InDoubt.LastKnown).To(Equal(payment.WaitBuyerPay))
		Expect(out.InDoubt.Err).To(MatchError(context.Canceled))
	})

	It("refuses an invalid request without sending it", func() {
		_, err := cashier.PayByCode(ctx, payment.PayRequest{OutTradeNo: "T1", Amount: 0, AuthCode: "1", Subject: "s"})
		Expect(err).To(HaveOccurred())
		Expect(gw.methods()).To(BeEmpty())
	})

	Describe("by QR code", func() {
		req := payment.PrecreateRequest{OutTradeNo: no, Amount: 8800, Subject: "s"}
		byQR := func(shown *string) (payment.Outcome, []time.Duration) {
			return drive(v, func() (payment.Outcome, error) {
				return cashier.PayByQR(ctx, req, func(qr string) { *shown = qr })
			})
		}

		It("shows the code and approves once the buyer has scanned and paid", func() {
			gw.script("alipay.trade.precreate", ok(map[string]any{"out_trade_no": no, "qr_code": "https://qr.alipay.com/bax9"}))
			gw.script("alipay.trade.query", fail("40004", "ACQ.TRADE_NOT_EXIST"), waiting(no), paid(no, "88.00"))
			var shown string
			out, waits := byQR(&shown)
			Expect(shown).To(Equal("https://qr.alipay.com/bax9"))
			Expect(out.Result).To(Equal(payment.ResultApproved))
			Expect(waits).To(Equal(secs(5, 5, 5)))
		})

		It("cancels a code nobody scanned", func() {
			gw.script("alipay.trade.precreate", ok(map[string]any{"out_trade_no": no, "qr_code": "https://qr.alipay.com/bax9"}))
			var shown string
			out, _ := byQR(&shown)
			Expect(out.Result).To(Equal(payment.ResultCancelled))
			Expect(gw.methods()).To(Equal([]string{"precreate", "query", "query", "query", "query", "query", "query", "cancel"}))
		})

		It("cancels at once when precreate got no answer, showing nothing", func() {
			gw.script("alipay.trade.precreate", gwReply{HTTP: 500})
			gw.script("alipay.trade.cancel", ok(map[string]any{"action": "close", "retry_flag": "N"}))
			var shown string
			out, _ := byQR(&shown)
			Expect(shown).To(BeEmpty())
			Expect(out.Result).To(Equal(payment.ResultCancelled))
			Expect(gw.methods()).To(Equal([]string{"precreate", "cancel"}))
		})
	})
})
