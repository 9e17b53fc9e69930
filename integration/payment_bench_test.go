package integration_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/emulator/hostsim"
)

// BenchmarkSignedPayments measures payments through the terminal's client
// to the simulator on loopback, one at a time: each is a signed
// alipay.trade.pay that the simulator verifies, carries out and answers
// signed, and that the client verifies. It reports payments/s, p50 and p99
// latency, and the cost of one RSA2 sign and verify with the same keys, so
// the ratio to the bound those four RSA operations set is visible.
func BenchmarkSignedPayments(b *testing.B) {
	keys, err := hostsim.LoadTestKeys()
	if err != nil {
		b.Fatal(err)
	}
	sim, err := hostsim.New(hostsim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := sim.SetBalance(buyerZhang, 1_000_000_000_00); err != nil {
		b.Fatal(err)
	}
	l, err := hostsim.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- sim.Serve(ctx, l) }()
	defer func() { cancel(); <-served }()
	client, err := payment.New(payment.Config{GatewayURL: hostsim.GatewayURL(l), AppID: hostsim.TestAppID,
		AppPrivateKey: keys.AppPrivate, PlatformPublicKey: keys.PlatformPublic, Timeout: 10 * time.Second,
		HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}}})
	if err != nil {
		b.Fatal(err)
	}

	signCost, verifyCost := rsa2Cost(b, keys)
	run := time.Now().UnixNano() % 1e9
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	began := time.Now()
	for i := range b.N {
		start := time.Now()
		t, err := client.Pay(ctx, payment.PayRequest{OutTradeNo: fmt.Sprintf("bench_%d_%d", run, i),
			AuthCode: buyerZhang, Amount: 1, Subject: "bench"})
		if err != nil || t.Status.Code != payment.CodeSuccess {
			b.Fatalf("payment %d: %v", i, err)
		}
		lat = append(lat, time.Since(start))
	}
	elapsed := time.Since(began)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "payments/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(signCost.Microseconds()), "rsa2-sign-µs")
	b.ReportMetric(float64(verifyCost.Microseconds()), "rsa2-verify-µs")
	// Two signatures and two verifications per payment, on one core.
	b.ReportMetric(float64(time.Second)/float64(2*signCost+2*verifyCost), "rsa2-bound-payments/s")
}

// rsa2Cost times one SHA256withRSA sign and one verify of a typical reply
// member with the fixture keys (2048-bit).
func rsa2Cost(b *testing.B, keys hostsim.TestKeys) (sign, verify time.Duration) {
	msg := []byte(`{"code":"10000","msg":"Success","buyer_logon_id":"138******88","fund_bill_list":[{"amount":"0.01","fund_channel":"ALIPAYACCOUNT"}],"gmt_payment":"2024-05-01 12:00:00","out_trade_no":"bench_1","receipt_amount":"0.01","total_amount":"0.01","trade_no":"2024050122001400000001"}`)
	const n = 100
	var sig []byte
	start := time.Now()
	for range n {
		sum := sha256.Sum256(msg)
		var err error
		if sig, err = keys.PlatformPrivate.Sign(rand.Reader, sum[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
	sign = time.Since(start) / n
	start = time.Now()
	for range n {
		sum := sha256.Sum256(msg)
		if err := rsa.VerifyPKCS1v15(keys.PlatformPublic, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
	return sign, time.Since(start) / n
}
