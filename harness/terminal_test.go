package harness_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/harness"
)

// syncBuffer is a log the application may write to while a step does.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func appScenario(steps string) string {
	return "suite: s\napp: terminal\nscenarios:\n  - name: a\n    steps:\n" + steps
}

// applicationRunning reports whether any terminal application still runs
// in this process.
func applicationRunning() bool {
	buf := make([]byte, 1<<20)
	return strings.Contains(string(buf[:runtime.Stack(buf, true)]), "posemu/terminal.(*App).Run(")
}

var _ = Describe("scenarios that run the terminal application", func() {
	var rn *harness.Runner
	var log *syncBuffer
	BeforeEach(func() {
		log = &syncBuffer{}
		rn = &harness.Runner{Target: &harness.EmulatorTarget{TempDir: GinkgoT().TempDir()}, Log: log,
			ArtifactDir: GinkgoT().TempDir()}
		DeferCleanup(func() { GinkgoWriter.Print(log.String()) })
	})

	It("signs on, sells, checks the journal and the slip, survives a power cut, and stops at the end", func() {
		_, err := runOn(rn, appScenario(`      - sign_on: {operator: "01", password: "0000"}
      - press: "1"
      - type_amount: "12.50"
      - expect_screen: {contains: "请扫描买家付款码"}
      - scan: "281234567890123456"
      - expect_screen: {contains: "按任意键打印持卡人存根"}
      - expect_slip: {voucher: 1}
      - restart_app: {}
      - expect_screen: {contains: "按任意键打印持卡人存根"}
      - press: ENTER
      - expect_slip: {voucher: 1, copy: cardholder}
      - expect_journal: {voucher: 1, kind: sale, state: approved, amount: "12.50", slips: 2, account: "281234********3456"}
      - expect_journal: {count: 1, not_contains: ["281234567890123456"]}
      - expect_trade: {count: 1, status: TRADE_SUCCESS}
`))
		Expect(err).NotTo(HaveOccurred())
		Eventually(applicationRunning, 10*time.Second).Should(BeFalse())
	})

	It("moves the clock timer by timer, letting the application's cashier query every 5 s", func() {
		_, err := runOn(rn, appScenario(`      - sign_on: {operator: "01", password: "0000"}
      - press: "1"
      - type_amount: "100"
      - expect_screen: {contains: "请扫描买家付款码"}
      - scan: "282000000000000002"
      - expect_screen: {contains: "剩余 Remaining 30 秒 s"}
      - advance_clock: 12s
      - expect_screen: {contains: "剩余 Remaining 18 秒 s"}
      - advance_clock: 18s
      - expect_screen: {contains: "交易已撤销 CANCELLED"}
      - expect_journal: {voucher: 1, state: cancelled}
`))
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(log.String(), "msg=\"sale ended\"")).To(Equal(1))
	})

	It("never writes the password: not to the log, not to a failure", func() {
		_, err := runOn(rn, appScenario(`      - sign_on: {operator: "02", password: "97531864"}
`))
		Expect(err).To(MatchError(ContainSubstring("the main menu")))
		Expect(err.Error()).NotTo(ContainSubstring("97531864"))
		Expect(err.Error()).To(ContainSubstring("操作员号或密码错误"), "what the screen showed instead")
		Expect(log.String()).To(ContainSubstring("a password of 8 digits"))
		Expect(log.String()).NotTo(ContainSubstring("97531864"))
		for _, name := range []string{"lcd text", "terminal application"} {
			Expect(fmt.Sprint(err)).NotTo(ContainSubstring(name + "97531864"))
		}
	})

	It("starts the application after the given printer state, so that the self-check sees it", func() {
		_, err := runOn(rn, "suite: s\napp: terminal\nscenarios:\n  - name: a\n    given: {printer: {paper: out}}\n    steps:\n"+
			"      - expect_screen: {contains: \"打印机缺纸 Printer out of paper\"}\n")
		Expect(err).NotTo(HaveOccurred())
	})

	It("runs the application for a scenario that uses a terminal step, without app:", func() {
		_, err := runOn(rn, scenario("      - expect_journal: {count: 0}\n      - expect_screen: {contains: \"操作员号\"}\n"))
		Expect(err).NotTo(HaveOccurred())
	})

	It("leaves the devices to the application: a step that would drive one itself says so", func() {
		_, err := runOn(rn, appScenario("      - lcd_text: {text: hello}\n"))
		Expect(err).To(MatchError(ContainSubstring("the lcd is the terminal application's in this scenario (app: terminal)")))
	})

	It("refuses, when the file loads, steps that read the keypad or scanner beside the application", func() {
		_, err := harness.Parse("r.yaml", []byte(appScenario("      - expect_key: ENTER\n")))
		Expect(err).To(MatchError(ContainSubstring(`r.yaml:4:5: scenario "a": it runs the terminal application, which reads the keypad itself`)))
		_, err = harness.Parse("r.yaml", []byte("suite: s\napp: posterm\nscenarios: []\n"))
		Expect(err).To(MatchError(`r.yaml:2:6: app "posterm": the only application is "terminal"`))
	})

	It("fails a scenario whose application does not come up, saying why", func() {
		res, err := runOn(rn, appScenario("      - expect_slip: {voucher: 7, timeout: 50ms}\n"))
		Expect(err).To(MatchError(ContainSubstring("expect_slip")))
		var names []string
		for _, a := range res.Artifacts {
			names = append(names, a.Name)
		}
		Expect(names).To(ContainElement("terminal application"))
	})
})

var _ = Describe("terminal scenarios on a physical terminal", func() {
	var op *hand
	var target *harness.PhysicalTarget
	BeforeEach(func() {
		emu, err := emulator.New(emulator.Config{DevDir: filepath.Join(GinkgoT().TempDir(), "bench")})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(emu.Close)
		op = &hand{emu: emu}
		path := filepath.Join(GinkgoT().TempDir(), "station.yaml")
		Expect(os.WriteFile(path, []byte("name: bench 1\nprompt_timeout: 5s\n"), 0o644)).To(Succeed())
		st, err := harness.LoadStation(path)
		Expect(err).NotTo(HaveOccurred())
		target = &harness.PhysicalTarget{Station: st, Operator: op}
	})

	It("asks the operator to sign on, never saying the password", func() {
		_, err := runOn(&harness.Runner{Target: target}, appScenario(`      - sign_on: {operator: "01", password: "97531864"}
`))
		Expect(err).NotTo(HaveOccurred())
		Expect(op.said()).To(Equal([]string{"do: Sign on as operator 01 (password from the station sheet)"}))
	})

	It("skips a power cut, the journal and a given configuration, saying why", func() {
		rn := &harness.Runner{Target: target}
		_, err := runOn(rn, appScenario("      - restart_app: {}\n"))
		Expect(errors.As(err, new(*harness.SkipError))).To(BeTrue())
		Expect(err).To(MatchError(ContainSubstring("a power cut at a chosen step needs the emulator")))
		_, err = runOn(rn, appScenario("      - expect_journal: {count: 0}\n"))
		Expect(err).To(MatchError(ContainSubstring("the journal is read from the application's files on the emulator")))
		_, err = runOn(rn, "suite: s\nscenarios:\n  - name: a\n    given: {config: {limits.per_trade_max: \"1.00\"}}\n    steps: []\n")
		Expect(err).To(MatchError(ContainSubstring("a physical terminal's configuration is set on the terminal")))
		Expect(op.said()).To(BeEmpty())
		_ = context.Background()
	})
})
