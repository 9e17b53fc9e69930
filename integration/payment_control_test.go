package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
	"github.com/posemu/posemu/emulator/hostsim"
)

// The same flows driven the way scenarios and the web page drive them:
// the buyer and the faults act through the control API.
var _ = Describe("Payments: the buyer and the faults through the control API", func() {
	var (
		v       *clock.Virtual
		ps      *paySim
		api     string
		cashier *payment.Cashier
		ctx     = context.Background()
	)
	BeforeEach(func() {
		v = clock.NewVirtual(payStart)
		ps = startPaySim(v)
		emu, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		l, err := control.Listen("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		srv := control.NewServer(emu, control.Options{ControlURL: control.URL(l), Host: ps.sim})
		sctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- srv.Serve(sctx, l) }()
		DeferCleanup(func() {
			cancel()
			Expect(<-served).To(Succeed())
			Expect(emu.Close()).To(Succeed())
		})
		api = control.URL(l)
		cashier = &payment.Cashier{Client: ps.client(v, callTimeout), Clock: v}
	})
	post := func(path string, body any) int {
		data, err := json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
		resp, err := http.Post(api+path, "application/json", bytes.NewReader(data))
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		msg, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(http.StatusOK), "%s: %s", path, msg)
		return resp.StatusCode
	}
	getTrade := func(no string) hostsim.Trade {
		resp, err := http.Get(api + "/api/v1/host/trades/" + no)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		var t hostsim.Trade
		Expect(json.NewDecoder(resp.Body).Decode(&t)).To(Succeed())
		return t
	}

	It("approves once the buyer confirms the password through the control API", func() {
		no := newTradeNo("ctl")
		req := payment.PayRequest{OutTradeNo: no, AuthCode: buyerZhang, Amount: 300000, Subject: "大额"}
		out, waits := driveVirtual(v, func() (payment.Outcome, error) { return cashier.PayByCode(ctx, req) }, func(n int) {
			if n == 3 {
				Expect(getTrade(no).AwaitingPassword).To(BeTrue())
				post("/api/v1/host/buyers/"+buyerZhang+"/confirm", map[string]string{"out_trade_no": no})
			}
		})
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(waits).To(HaveLen(3))
		t := getTrade(no)
		Expect(t.Status).To(Equal(hostsim.StatusSuccess))
		Expect(t.Total).To(Equal(int64(300000)))
	})

	It("charges once when a lost reply is armed through the control API", func() {
		no := newTradeNo("ctl")
		before := ps.balance(buyerZhang)
		post("/api/v1/host/faults", hostsim.Fault{Kind: hostsim.FaultLostReply, Method: hostsim.MethodPay, Count: 1})
		req := payment.PayRequest{OutTradeNo: no, AuthCode: buyerZhang, Amount: 4200, Subject: "s"}
		out, _ := driveVirtual(v, func() (payment.Outcome, error) { return cashier.PayByCode(ctx, req) }, nil)
		Expect(out.Result).To(Equal(payment.ResultApproved))
		Expect(ps.balance(buyerZhang)).To(Equal(before - 4200))
		Expect(getTrade(no).TradeNo).To(Equal(out.TradeNo))
	})
})
