package integration_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/fixtures"
)

// Sandbox buyers of fixtures/hostsim/buyers.yaml used here.
const (
	buyerZhang  = "281234567890123456" // no password up to 2000.00
	buyerLi     = "282000000000000002" // always confirms on the phone
	buyerWang   = "283000000000000003" // 5.00 balance
	buyerZhao   = "284000000000000004" // bank card, 10.00 on it
	buyerQian   = "285000000000000005" // risk rejected
	buyerSun    = "286000000000000006" // payments fail
	buyerZhou   = "287000000000000007" // single payment limit 500.00
	unknownCode = "289999999999999999" // matches the pattern, nobody's
)

// payStart is 12:00 China time, a working day.
var payStart = time.Date(2024, 5, 1, 4, 0, 0, 0, time.UTC)

func fixtureKey(name string) []byte {
	b, err := fixtures.Keys.ReadFile("keys/" + name)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// paySim is the real simulator on a loopback port.
type paySim struct {
	sim *hostsim.Simulator
	url string
}

// startPaySim serves a simulator reading clk until the spec ends.
func startPaySim(clk clock.Clock) *paySim {
	sim, err := hostsim.New(hostsim.Options{Clock: clk})
	Expect(err).NotTo(HaveOccurred())
	l, err := hostsim.Listen("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- sim.Serve(ctx, l) }()
	DeferCleanup(func() {
		cancel()
		Expect(<-served).To(Succeed())
	})
	return &paySim{sim: sim, url: hostsim.GatewayURL(l)}
}

// callTimeout bounds each call to the simulator, in real time. Every call
// but one that meets a FaultNoReply is answered, in milliseconds on an
// idle machine and much later on a loaded one, so it must be generous;
// the few specs whose call is never answered pay it once.
const callTimeout = 3 * time.Second

// client is the terminal's client with the fixture keys.
func (p *paySim) client(clk clock.Clock, timeout time.Duration) *payment.Client {
	c, err := payment.New(payment.Config{GatewayURL: p.url, AppID: hostsim.TestAppID,
		AppPrivateKeyPEM: fixtureKey("app_private_key.pem"), PlatformPublicKeyPEM: fixtureKey("platform_public_key.pem"),
		Clock: clk, Timeout: timeout, HTTPClient: &http.Client{Transport: &http.Transport{}}})
	Expect(err).NotTo(HaveOccurred())
	return c
}

func (p *paySim) trade(outTradeNo string) hostsim.Trade {
	t, ok := p.sim.Trade(outTradeNo)
	Expect(ok).To(BeTrue(), "the simulator has no trade %s", outTradeNo)
	return t
}

func (p *paySim) balance(code string) int64 {
	for _, b := range p.sim.Buyers() {
		if b.PaymentCode == code {
			return b.Balance
		}
	}
	Fail("no buyer " + code)
	return 0
}

func (p *paySim) fault(f hostsim.Fault) { Expect(p.sim.AddFault(f)).To(Succeed()) }

// driveVirtual runs f while the virtual clock follows the cashier: each
// time something waits on it, the clock jumps to that wait's end. onWait
// runs (on this goroutine) before each jump, with its index from 1.
func driveVirtual(v *clock.Virtual, f func() (payment.Outcome, error), onWait func(n int)) (payment.Outcome, []time.Duration) {
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
		d, ok := v.NextDeadline()
		if !ok {
			continue
		}
		waits = append(waits, d.Sub(v.Now()))
		if onWait != nil {
			onWait(len(waits))
		}
		v.Set(d)
	}
	<-done
	Expect(err).NotTo(HaveOccurred())
	return out, waits
}

var tradeSeq atomic.Int64

// newTradeNo is a fresh out_trade_no for one spec.
func newTradeNo(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, time.Now().UnixNano()%1e9, tradeSeq.Add(1))
}

func isTransport(err error) bool {
	var te *payment.TransportError
	return errors.As(err, &te)
}
