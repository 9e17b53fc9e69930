package harness_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/harness"
)

var _ = Describe("payment steps on the emulator", func() {
	rn := onEmulator()
	run := rn.run

	It("drives the cashier's polling with advance_clock, one timer at a time", func() {
		Expect(run(`      - pay: {code: "282000000000000002", amount: "30.00"}
      - advance_clock: 12s
      - expect_payment: {result: pending, stage: waiting_for_buyer, remaining: 20s}
      - buyer: {code: "282000000000000002", confirm: true}
      - advance_clock: 3s
      - expect_payment: {result: approved, queries: 3}
`)).To(Succeed())
	})

	It("says the cashier waits on the scenario's clock when a check would wait forever", func() {
		err := run("      - pay: {code: \"282000000000000002\", amount: \"30.00\"}\n      - expect_payment: {result: approved, timeout: 100ms}\n")
		Expect(err).To(MatchError(ContainSubstring("timed out after 100ms waiting for the payment to be approved")))
		Expect(err).To(MatchError(ContainSubstring("waiting on the scenario's clock until 10:00:05 (advance_clock 5s)")))
		Expect(err).To(MatchError(ContainSubstring("till shows waiting_for_buyer (30s left, query 1 of 6)")))
	})

	It("leaves the platform's trades and the payments in a failure report", func() {
		rn.ArtifactDir = GinkgoT().TempDir()
		res, err := runOn(rn.Runner, scenario("      - pay: {code: \"283000000000000003\", amount: \"8.80\"}\n      - expect_payment: {result: approved, timeout: 100ms}\n"))
		Expect(err).To(HaveOccurred())
		var texts []string
		for _, a := range res.Artifacts {
			if a.Name == "payment platform" {
				texts = append(texts, a.Text)
			}
		}
		Expect(texts).To(ConsistOf(ContainSubstring("declined 40004 ACQ.BUYER_BALANCE_NOT_ENOUGH")))
	})

	It("starts no payment simulator for a scenario that does not pay", func() {
		rn.ArtifactDir = GinkgoT().TempDir()
		res, err := runOn(rn.Runner, scenario("      - expect_screen: {contains: never, timeout: 10ms}\n"))
		Expect(err).To(HaveOccurred())
		for _, a := range res.Artifacts {
			Expect(a.Name).NotTo(Equal("payment platform"))
		}
	})

	It("fails a refund the platform refuses for another reason than the one expected", func() {
		err := run("      - pay: {code: \"281234567890123456\", amount: \"1.00\"}\n      - refund: {amount: \"2.00\", sub_code: ACQ.TRADE_NOT_EXIST}\n")
		Expect(err).To(MatchError(ContainSubstring("expected the platform to refuse with ACQ.TRADE_NOT_EXIST, got payment: alipay.trade.refund: 40004")))
		Expect(err).To(MatchError(ContainSubstring("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")))
	})

	It("refuses pay without a buyer or a QR code, and a buyer step that does nothing, when the file loads", func() {
		_, err := harness.Parse("p.yaml", []byte(scenario("      - pay: {amount: \"1.00\"}\n      - buyer: {code: \"281234567890123456\"}\n      - buyer: {code: \"12\", confirm: true}\n")))
		Expect(err).To(MatchError(ContainSubstring("step 1 (pay): give the buyer's code, or qr: true")))
		Expect(err).To(MatchError(ContainSubstring("step 2 (buyer): say what the buyer does")))
		_, err = harness.Parse("p.yaml", []byte("suite: s\nscenarios:\n  - name: a\n    given: {buyers: [{code: \"12\"}]}\n    steps: []\n"))
		Expect(err).To(MatchError(ContainSubstring(`code "12": a payment code is 16 to 24 digits starting 25 to 30`)))
	})
})

var _ = Describe("payment steps on a physical terminal", func() {
	var (
		emu      *emulator.Emulator
		sim      *hostsim.Simulator
		gateway  string
		stations string
	)
	BeforeEach(func() {
		var err error
		emu, err = emulator.New(emulator.Config{DevDir: filepath.Join(GinkgoT().TempDir(), "bench")})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(emu.Close)
		// The bench's platform: a simulator on the wall clock, as posemu
		// would serve it next to a terminal.
		sim, err = hostsim.New(hostsim.Options{})
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
		gateway = hostsim.GatewayURL(l)
		stations = GinkgoT().TempDir()
	})
	runWith := func(station, content string) error {
		path := filepath.Join(stations, "station.yaml")
		Expect(os.WriteFile(path, []byte(station), 0o644)).To(Succeed())
		st, err := harness.LoadStation(path)
		Expect(err).NotTo(HaveOccurred())
		_, err = runOn(&harness.Runner{Target: &harness.PhysicalTarget{Station: st, Operator: &hand{emu: emu}}, Log: GinkgoWriter}, content)
		return err
	}

	It("pays, refunds and queries through the client on the station's platform", func() {
		station := fmt.Sprintf("name: bench\nplatform: %s\n", gateway)
		Expect(runWith(station, scenario(`      - pay: {code: "281234567890123456", amount: "12.50", out_trade_no: BENCH001}
      - expect_payment: {result: approved, amount: "12.50", timeout: 5s}
      - refund: {amount: "2.00", refunded: "2.00"}
      - query: {status: TRADE_SUCCESS, amount: "12.50"}
      - expect_trade: {status: TRADE_SUCCESS, amount: "12.50"}
`))).To(Succeed())
		t, ok := sim.Trade("BENCH001")
		Expect(ok).To(BeTrue())
		Expect(t.Refunded).To(Equal(int64(200)))
	})

	It("reads the app's keys from the station's files", func() {
		keys := filepath.Join("..", "fixtures", "keys")
		abs, err := filepath.Abs(keys)
		Expect(err).NotTo(HaveOccurred())
		station := fmt.Sprintf("name: bench\nplatform: %s\napp_id: \"%s\"\napp_private_key: %s\nplatform_public_key: %s\n", gateway,
			hostsim.TestAppID, filepath.Join(abs, "app_private_key.pem"), filepath.Join(abs, "platform_public_key.pem"))
		Expect(runWith(station, scenario("      - pay: {code: \"281234567890123456\", amount: \"1.00\"}\n      - expect_payment: {result: approved, timeout: 5s}\n"))).To(Succeed())
		station = fmt.Sprintf("name: bench\nplatform: %s\napp_private_key: missing.pem\n", gateway)
		err = runWith(station, scenario("      - pay: {code: \"281234567890123456\", amount: \"1.00\"}\n"))
		Expect(err).To(MatchError(ContainSubstring("station: app_private_key: open " + filepath.Join(stations, "missing.pem"))))
	})

	It("says what to add when the station names no platform", func() {
		err := runWith("name: bench\n", scenario("      - pay: {code: \"281234567890123456\", amount: \"1.00\"}\n"))
		Expect(err).To(MatchError(ContainSubstring("no payment platform: add platform: URL")))
	})

	It("skips what a real platform cannot show, and what needs the simulator", func() {
		station := fmt.Sprintf("name: bench\nplatform: %s\n", gateway)
		err := runWith(station, scenario("      - pay: {code: \"281234567890123456\", amount: \"1.00\"}\n      - expect_trade: {refunded: \"0.00\"}\n"))
		var skip *harness.SkipError
		Expect(errors.As(err, &skip)).To(BeTrue(), "%v", err)
		Expect(skip.Reason).To(ContainSubstring("checks status and amount only"))
		err = runWith(station, scenario("      - host_fault: {kind: unknown}\n"))
		Expect(errors.As(err, &skip)).To(BeTrue())
		Expect(strings.Contains(skip.Reason, "a real payment platform cannot be told to fail")).To(BeTrue())
	})
})
