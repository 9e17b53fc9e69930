package hostsim_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("trades", func() {
	var e *env
	BeforeEach(func() { e = newEnv(hostsim.Options{}) })

	status := func(out string) string {
		GinkgoHelper()
		r := e.cli.call(hostsim.MethodQuery, ref(out))
		if r.str("code") != "10000" {
			return r.Code()
		}
		return r.str("trade_status")
	}

	Describe("a payment that needs the buyer's password", func() {
		BeforeEach(func() {
			Expect(e.cli.call(hostsim.MethodPay, payBiz("P1", zhangSan, "2000.01")).Code()).To(Equal("10003"))
		})

		It("waits, then is paid when the buyer confirms, at the time of the confirm", func() {
			Expect(status("P1")).To(Equal("WAIT_BUYER_PAY"))
			Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000)), "nothing taken before the password")
			Expect(e.sim.Buyers()[0].AwaitingPassword).To(ConsistOf("P1"))
			e.clock.Advance(20 * time.Second)
			t, err := e.sim.Confirm(zhangSan, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Status).To(Equal("TRADE_SUCCESS"))
			q := e.cli.call(hostsim.MethodQuery, ref("P1"))
			Expect(q.str("trade_status")).To(Equal("TRADE_SUCCESS"))
			Expect(q.str("send_pay_date")).To(Equal("2024-05-20 10:00:20"))
			Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000 - 200001)))
			// The cashier's resubmission now sees the real state.
			Expect(e.cli.call(hostsim.MethodPay, payBiz("P1", zhangSan, "2000.01")).Code()).To(Equal("10000"))
		})

		It("closes when the buyer declines", func() {
			t, err := e.sim.Decline(zhangSan, "P1")
			Expect(err).NotTo(HaveOccurred())
			Expect(t.ClosedBy).To(Equal(hostsim.ClosedDecline))
			Expect(status("P1")).To(Equal("TRADE_CLOSED"))
			_, err = e.sim.Confirm(zhangSan, "P1")
			Expect(err).To(MatchError(hostsim.ErrNotWaiting))
		})

		It("closes by itself 3 minutes after it was created (virtual time)", func() {
			e.clock.Advance(3*time.Minute - time.Second)
			Expect(status("P1")).To(Equal("WAIT_BUYER_PAY"))
			e.clock.Advance(time.Second)
			Expect(status("P1")).To(Equal("TRADE_CLOSED"))
			t, _ := e.sim.Trade("P1")
			Expect(t.ClosedBy).To(Equal(hostsim.ClosedTimeout))
			Expect(t.Closed).To(BeTemporally("==", start.Add(3*time.Minute)))
			_, err := e.sim.Confirm(zhangSan, "")
			Expect(err).To(MatchError(hostsim.ErrNotWaiting))
			Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000)))
		})

		It("honours timeout_express", func() {
			biz := payBiz("P2", zhangSan, "2000.01")
			biz["timeout_express"] = "1m"
			Expect(e.cli.call(hostsim.MethodPay, biz).Code()).To(Equal("10003"))
			e.clock.Advance(time.Minute)
			Expect(status("P2")).To(Equal("TRADE_CLOSED"))
		})

		It("is closed by cancel (action close), and a retried cancel answers the same", func() {
			for range 2 {
				r := e.cli.call(hostsim.MethodCancel, ref("P1"))
				Expect(r.Code()).To(Equal("10000"))
				Expect(r.str("action")).To(Equal("close"))
				Expect(r.str("retry_flag")).To(Equal("N"))
			}
			Expect(status("P1")).To(Equal("TRADE_CLOSED"))
			_, err := e.sim.Confirm(zhangSan, "P1")
			Expect(err).To(MatchError(hostsim.ErrNotWaiting))
		})

		It("is closed by close; a paid trade cannot be", func() {
			r := e.cli.call(hostsim.MethodClose, ref("P1"))
			Expect(r.Code()).To(Equal("10000"))
			Expect(r.str("trade_no")).NotTo(BeEmpty())
			Expect(e.cli.call(hostsim.MethodClose, ref("P1")).Code()).To(Equal("40004 ACQ.TRADE_HAS_CLOSE"))
			Expect(e.cli.call(hostsim.MethodPay, payBiz("P3", zhangSan, "1.00")).Code()).To(Equal("10000"))
			Expect(e.cli.call(hostsim.MethodClose, ref("P3")).Code()).To(Equal("40004 ACQ.TRADE_STATUS_ERROR"))
		})

		It("fails at confirm when the money is gone by then", func() {
			Expect(e.sim.SetBalance(zhangSan, 100)).To(Succeed())
			_, err := e.sim.Confirm(zhangSan, "P1")
			var res *hostsim.Result
			Expect(err).To(BeAssignableToTypeOf(res))
			Expect(err.(*hostsim.Result).SubCode).To(Equal("ACQ.BUYER_BALANCE_NOT_ENOUGH"))
			Expect(status("P1")).To(Equal("WAIT_BUYER_PAY"))
		})
	})

	It("cancel refunds a paid trade in full (action refund)", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("K1", zhangSan, "30.00")).Code()).To(Equal("10000"))
		e.clock.Advance(time.Minute)
		r := e.cli.call(hostsim.MethodCancel, ref("K1"))
		Expect(r.Code()).To(Equal("10000"))
		Expect(r.str("action")).To(Equal("refund"))
		Expect(r.str("gmt_refund_pay")).To(Equal("2024-05-20 10:01:00"))
		Expect(status("K1")).To(Equal("TRADE_CLOSED"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000)))
		Expect(e.cli.call(hostsim.MethodCancel, ref("K1")).str("action")).To(Equal("refund"))
		Expect(balanceOf(e.sim, zhangSan)).To(Equal(int64(10000000)))
	})

	It("cancel of an out_trade_no the platform never saw closes it for good", func() {
		r := e.cli.call(hostsim.MethodCancel, ref("K2"))
		Expect(r.Code()).To(Equal("10000"))
		Expect(r.str("action")).To(Equal("close"))
		Expect(status("K2")).To(Equal("40004 ACQ.TRADE_NOT_EXIST"))
		Expect(e.cli.call(hostsim.MethodPay, payBiz("K2", zhangSan, "1.00")).Code()).To(Equal("40004 ACQ.TRADE_HAS_CLOSE"))
	})

	It("cancel is refused a day after the trade", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("K3", zhangSan, "1.00")).Code()).To(Equal("10000"))
		e.clock.Advance(24*time.Hour + time.Second)
		r := e.cli.call(hostsim.MethodCancel, ref("K3"))
		Expect(r.Code()).To(Equal("40004 ACQ.TRADE_CANCEL_TIME_OUT"))
		Expect(r.str("retry_flag")).To(Equal("N"))
	})

	It("a paid trade is TRADE_FINISHED once the refund window is over", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("F1", zhangSan, "1.00")).Code()).To(Equal("10000"))
		e.clock.Advance(hostsim.DefaultRefundWindow)
		Expect(status("F1")).To(Equal("TRADE_FINISHED"))
		Expect(e.cli.call(hostsim.MethodRefund, map[string]any{"out_trade_no": "F1", "refund_amount": "1.00"}).Code()).To(Equal("40004 ACQ.TRADE_NOT_ALLOW_REFUND"))
	})

	Describe("a precreate (QR) trade", func() {
		var qr string
		BeforeEach(func() {
			r := e.cli.call(hostsim.MethodPrecreate, map[string]any{"out_trade_no": "Q1", "subject": "coffee", "total_amount": "12.50"})
			Expect(r.Code()).To(Equal("10000"))
			qr = r.str("qr_code")
			Expect(qr).To(MatchRegexp(`^https://qr\.alipay\.com/bax0[0-9a-f]{22}$`))
		})

		It("does not exist for query until a buyer scans it, then is paid", func() {
			Expect(status("Q1")).To(Equal("40004 ACQ.TRADE_NOT_EXIST"))
			again := e.cli.call(hostsim.MethodPrecreate, map[string]any{"out_trade_no": "Q1", "subject": "coffee", "total_amount": "12.50"})
			Expect(again.str("qr_code")).To(Equal(qr))
			t, err := e.sim.Scan("Q1", wuShi)
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Status).To(Equal("TRADE_SUCCESS"))
			Expect(status("Q1")).To(Equal("TRADE_SUCCESS"))
			Expect(e.cli.call(hostsim.MethodPrecreate, map[string]any{"out_trade_no": "Q1", "subject": "coffee", "total_amount": "12.50"}).Code()).To(Equal("40004 ACQ.TRADE_HAS_SUCCESS"))
		})

		It("waits for the password of a buyer who always confirms", func() {
			t, err := e.sim.Scan("Q1", liSi)
			Expect(err).NotTo(HaveOccurred())
			Expect(t.AwaitingPassword).To(BeTrue())
			Expect(status("Q1")).To(Equal("WAIT_BUYER_PAY"))
			_, err = e.sim.Confirm(liSi, "Q1")
			Expect(err).NotTo(HaveOccurred())
			Expect(status("Q1")).To(Equal("TRADE_SUCCESS"))
		})

		It("stays payable after a rejected scan", func() {
			_, err := e.sim.Scan("Q1", wangWu)
			Expect(err).To(MatchError(ContainSubstring("ACQ.BUYER_BALANCE_NOT_ENOUGH")))
			_, err = e.sim.Scan("Q1", zhangSan)
			Expect(err).NotTo(HaveOccurred())
		})

		It("expires after 2 hours unpaid", func() {
			e.clock.Advance(2 * time.Hour)
			_, err := e.sim.Scan("Q1", zhangSan)
			Expect(err).To(MatchError(ContainSubstring("ACQ.TRADE_HAS_CLOSE")))
		})

		It("survives close before the scan (close says it does not exist), but not cancel", func() {
			Expect(e.cli.call(hostsim.MethodClose, ref("Q1")).Code()).To(Equal("40004 ACQ.TRADE_NOT_EXIST"))
			Expect(e.cli.call(hostsim.MethodCancel, ref("Q1")).str("action")).To(Equal("close"))
			_, err := e.sim.Scan("Q1", zhangSan)
			Expect(err).To(MatchError(ContainSubstring("ACQ.TRADE_HAS_CLOSE")))
		})

		It("refuses a scan of a bar-code trade and of an unknown one", func() {
			Expect(e.cli.call(hostsim.MethodPay, payBiz("B1", zhangSan, "1.00")).Code()).To(Equal("10000"))
			_, err := e.sim.Scan("B1", zhangSan)
			Expect(err).To(MatchError(hostsim.ErrNotPrecreate))
			_, err = e.sim.Scan("NOPE", zhangSan)
			Expect(err).To(MatchError(hostsim.ErrNoSuchTrade))
			_, err = e.sim.Scan("Q1", "289999999999999999")
			Expect(err).To(MatchError(hostsim.ErrNoSuchBuyer))
		})
	})

	It("lists trades oldest first with amounts in fen", func() {
		Expect(e.cli.call(hostsim.MethodPay, payBiz("L1", zhangSan, "1.00")).Code()).To(Equal("10000"))
		e.clock.Advance(time.Second)
		Expect(e.cli.call(hostsim.MethodPay, payBiz("L2", liSi, "2.50")).Code()).To(Equal("10003"))
		ts := e.sim.Trades()
		Expect(ts).To(HaveLen(2))
		Expect(ts[0].OutTradeNo).To(Equal("L1"))
		Expect(ts[0].Total).To(Equal(int64(100)))
		Expect(ts[1].Total).To(Equal(int64(250)))
		Expect(ts[1].AwaitingPassword).To(BeTrue())
	})
})

var _ = Describe("events", func() {
	It("publishes trade changes on the bus as device host", func() {
		bus := events.NewBus(0, nil)
		e := newEnv(hostsim.Options{Bus: bus})
		Expect(e.cli.call(hostsim.MethodPay, payBiz("E1", liSi, "3.00")).Code()).To(Equal("10003"))
		_, err := e.sim.Confirm(liSi, "E1")
		Expect(err).NotTo(HaveOccurred())
		evs := bus.Since(0)
		Expect(evs).To(HaveLen(2))
		Expect(evs[0].Device).To(Equal("host"))
		Expect(evs[0].Kind).To(Equal("trade"))
		Expect(evs[0].Detail).To(HaveKeyWithValue("awaiting_password", true))
		Expect(evs[1].Detail).To(HaveKeyWithValue("trade_status", "TRADE_SUCCESS"))
		Expect(evs[1].Detail).To(HaveKeyWithValue("total_fen", int64(300)))
	})
})
