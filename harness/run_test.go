package harness_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/harness"
)

// sessionTarget keeps the session of the scenario it started.
type sessionTarget struct {
	harness.Target
	sess harness.Session
}

func (t *sessionTarget) Start(ctx context.Context, sc *harness.Scenario) (harness.Session, error) {
	s, err := t.Target.Start(ctx, sc)
	t.sess = s
	return s, err
}

// awaitBefore makes rn hold the step named step, as it starts, until cond
// holds of the scenario's session (generously): what a failing check must
// show has happened before the check's short window starts, so that only
// what never comes is timed.
func awaitBefore(rn *harness.Runner, step string, cond func(harness.Session) bool) {
	st := &sessionTarget{Target: rn.Target}
	rn.Target = st
	rn.OnStep = func(_ *harness.Scenario, s *harness.Step) {
		if s.Name == step {
			Eventually(func() bool { return cond(st.sess) }, 10*time.Second).Should(BeTrue())
		}
	}
}

// emuRunner is a runner on the emulator target, fresh for each spec.
type emuRunner struct{ *harness.Runner }

// onEmulator gives each spec of the container that calls it a runner of
// its own on the emulator (devices in a temporary directory, the log to
// GinkgoWriter).
func onEmulator() *emuRunner {
	e := &emuRunner{}
	BeforeEach(func() {
		e.Runner = &harness.Runner{Target: &harness.EmulatorTarget{TempDir: GinkgoT().TempDir()}, Log: GinkgoWriter}
	})
	return e
}

// run runs steps as the only scenario of a file.
func (e *emuRunner) run(steps string) error {
	_, err := runOn(e.Runner, scenario(steps))
	return err
}

// runOn runs the only scenario of a one-scenario file.
func runOn(rn *harness.Runner, content string) (*harness.Result, error) {
	s, err := harness.Parse("r.yaml", []byte(content))
	Expect(err).NotTo(HaveOccurred())
	Expect(s.Scenarios).To(HaveLen(1))
	return rn.Run(context.Background(), s.Scenarios[0])
}

var _ = Describe("running scenarios on the emulator", func() {
	rn := onEmulator()
	run := rn.run

	It("passes a scenario whose checks hold", func() {
		Expect(run("      - lcd_text: {text: hello}\n      - expect_screen: {contains: hello}\n")).To(Succeed())
	})

	It("returns as soon as the condition holds, not at the timeout", func() {
		start := time.Now()
		Expect(run("      - display_show: [HI]\n      - expect_customer_display: {equals: HI, timeout: 1m}\n")).To(Succeed())
		Expect(time.Since(start)).To(BeNumerically("<", 30*time.Second))
	})

	Describe("a check that times out", func() {
		It("names the step, what it waited for, and the screen it last saw", func() {
			err := run("      - lcd_text: {text: \"欢迎 Welcome\"}\n      - lcd_text: {y: 20, text: \"请输入金额\"}\n      - expect_screen: {contains: 确认, timeout: 150ms}\n")
			Expect(err).To(MatchError(`r.yaml:7:9: scenario "a": step 3 (expect_screen): timed out after 150ms waiting for the screen to show a line containing "确认"
  last seen: screen (2 lines):
     1| 欢迎 Welcome
     2| 请输入金额`))
			var se *harness.StepError
			Expect(errors.As(err, &se)).To(BeTrue())
			Expect(se.Step.Name).To(Equal("expect_screen"))
		})

		It("shows the customer display it last saw", func() {
			awaitBefore(rn.Runner, "expect_customer_display", func(s harness.Session) bool {
				return slices.Equal(s.(harness.EmulatorSession).Emulator().CustDisplay().Lines(), []string{"TOTAL", "CNY 1.00"})
			})
			err := run("      - display_show: [TOTAL, \"CNY 1.00\"]\n      - expect_customer_display: {line: 2, equals: \"CNY 12.50\", timeout: 100ms}\n")
			Expect(err).To(MatchError(`r.yaml:6:9: scenario "a": step 2 (expect_customer_display): timed out after 100ms waiting for the customer display to show line 2 equal to "CNY 12.50"
  last seen: customer display (2 lines):
     1| TOTAL
     2| CNY 1.00`))
		})

		It("lists the events seen since the last match", func() {
			err := run("      - press: \"1 2\"\n      - expect_event: {device: keypad, kind: key, where: {key: ENTER}, timeout: 100ms}\n")
			Expect(err).To(MatchError(ContainSubstring("timed out after 100ms waiting for a keypad key event with key=ENTER\n  last seen: keypad events since the last match (2):")))
			Expect(err.Error()).To(ContainSubstring("key map[code:49 key:1]"))
		})

		It("shows the keys the driver read", func() {
			awaitBefore(rn.Runner, "expect_key", func(s harness.Session) bool {
				return len(s.(harness.AppSession).App().Keys()) == 1
			})
			err := run("      - press: \"1\"\n      - expect_key: {keys: \"1 2\", timeout: 100ms}\n")
			Expect(err).To(MatchError(ContainSubstring("waiting for key presses 1 2\n  last seen: keypad events read: 1")))
		})

		It("shows the printer's status when it never gets there", func() {
			// The first status request is waited for whatever the
			// step's timeout (the driver's own, generous, bounds it); only
			// the asking again is within 100 ms.
			err := run("      - expect_printer_status: {paper: out, timeout: 100ms}\n")
			Expect(err).To(MatchError(ContainSubstring("waiting for the printer to report paper=out\n  last seen: status: online=true cover=closed paper=ok cutter=ok (DLE EOT 1-4: 12 12 12 12)")))
		})

		It("reports a golden image that differs, pixel count and screen text", func() {
			dir := GinkgoT().TempDir()
			path := filepath.Join(dir, "f.yaml")
			Expect(os.WriteFile(path, []byte(`suite: s
scenarios:
  - name: record
    steps:
      - lcd_text: {text: A}
      - expect_screen: {golden: g.png}
  - name: compare
    steps:
      - lcd_text: {text: B}
      - expect_screen: {golden: g.png, timeout: 100ms}
`), 0o644)).To(Succeed())
			s, err := harness.Load(path)
			Expect(err).NotTo(HaveOccurred())
			rn.ArtifactDir = dir
			GinkgoT().Setenv(harness.UpdateGoldenEnv, "1")
			_, err = rn.Run(context.Background(), s.Scenarios[0])
			Expect(err).NotTo(HaveOccurred())
			Expect(filepath.Join(dir, "g.png")).To(BeAnExistingFile())
			GinkgoT().Setenv(harness.UpdateGoldenEnv, "")
			_, err = rn.Run(context.Background(), s.Scenarios[0])
			Expect(err).NotTo(HaveOccurred(), "the same screen matches")
			res, err := rn.Run(context.Background(), s.Scenarios[1])
			Expect(err).To(MatchError(MatchRegexp(`f.yaml:10:9: scenario "compare": step 2 \(expect_screen\): timed out after 100ms waiting for the screen to match g.png \(tolerance 0.00%\)\n  last seen: [0-9]+ of 76800 pixels differ \([0-9.]+%\), the first at \([0-9]+,[0-9]+\)\n    screen text \(1 lines\):\n     1\| B$`)))
			Expect(res.Artifacts).NotTo(BeEmpty())
			Expect(res.Artifacts[0].Name).To(Equal("lcd.png"))
			Expect(res.Artifacts[0].Path).To(BeAnExistingFile())
		})
	})

	Describe("the printer", func() {
		It("reads back what the terminal printed, in order, and whether it was cut", func() {
			Expect(run("      - print: {lines: [\"POSEMU\", \"合计 12.50\", BYE], cut: true}\n      - expect_receipt: {contains: [POSEMU, \"12.50\", BYE], in_order: true, cut: true}\n")).To(Succeed())
		})

		It("shows the receipt it last saw when the text never comes, and attaches it", func() {
			rn.ArtifactDir = GinkgoT().TempDir()
			res, err := runOn(rn.Runner, scenario("      - print: {lines: [\"合计 12.50\"]}\n      - expect_receipt: {contains: [BYE, \"合计\"], in_order: true, timeout: 200ms}\n"))
			Expect(err).To(MatchError(`r.yaml:6:9: scenario "a": step 2 (expect_receipt): timed out after 200ms waiting for the receipt to show lines containing "BYE", "合计" in this order
  last seen: receipt (1 lines):
     1| 合计 12.50
    last receipt: cut ""`))
			var names []string
			for _, a := range res.Artifacts {
				names = append(names, a.Name)
			}
			Expect(names).To(ContainElements("lcd.png", "receipt.png", "receipt text"))
		})

		It("reports paper out over the wire once the paper is out, from given or a step", func() {
			Expect(runOn(rn.Runner, "suite: s\nscenarios:\n  - name: a\n    given: {printer: {paper: out}}\n    steps:\n      - expect_printer_status: {online: false, paper: out}\n      - printer: {paper: ok}\n      - expect_printer_status: {online: true, paper: ok}\n")).Error().NotTo(HaveOccurred())
		})
	})

	It("fails at once when the driver reads another key than expected", func() {
		start := time.Now()
		err := run("      - press: \"1 3\"\n      - expect_key: {keys: \"1 2\", timeout: 1m}\n")
		Expect(err).To(MatchError(ContainSubstring("expected key 2 (key 2 of 1 2), the driver read key 3 (0x33)")))
		Expect(time.Since(start)).To(BeNumerically("<", 30*time.Second))
	})

	It("fails when an event that must not come comes", func() {
		err := run("      - press: ENTER\n      - expect_no_event: {device: keypad, for: 100ms}\n      - note: quiet\n")
		Expect(err).To(Succeed(), "the press before the step does not count")
		err = run("      - expect_event: {device: keypad, timeout: 10ms}\n")
		Expect(err).To(HaveOccurred())
	})

	It("passes a step's own error on, placed at the step", func() {
		err := run("      - press: \"1 FOO\"\n")
		Expect(err).To(MatchError(`r.yaml:5:9: scenario "a": step 1 (press): keypad: unknown key "FOO" (valid: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ., 00, ENTER, CANCEL, CLEAR, BACKSPACE, ALPHA, UP, DOWN, FN, MENU)`))
	})

	Describe("scenarios that cannot run", func() {
		// A step that waits for a part of posemu (none does today).
		pending := func() *harness.Scenario {
			s, err := harness.Parse("r.yaml", []byte(scenario("      - press: 1\n")))
			Expect(err).NotTo(HaveOccurred())
			sc := s.Scenarios[0]
			sc.Steps = append(sc.Steps, &harness.Step{Name: "future", Index: 2, Pos: harness.Pos{File: "r.yaml", Line: 6, Column: 9},
				Def: &harness.StepDef{Name: "future", Needs: "a part that is missing"}})
			return sc
		}

		It("skips a scenario with a step that is not available yet, saying what it needs", func() {
			_, err := rn.Run(context.Background(), pending())
			var skip *harness.SkipError
			Expect(errors.As(err, &skip)).To(BeTrue())
			Expect(skip.Reason).To(Equal("r.yaml:6:9: step 2 (future) not available yet: needs a part that is missing"))
		})

		It("fails it instead when pending steps must not be skipped", func() {
			rn.StrictPending = true
			_, err := rn.Run(context.Background(), pending())
			Expect(err).To(MatchError(ContainSubstring("step 2 (future) not available yet: needs a part that is missing")))
			Expect(errors.As(err, new(*harness.SkipError))).To(BeFalse())
		})

		It("refuses, when the file loads, a given config the terminal application would refuse", func() {
			_, err := harness.Parse("r.yaml", []byte("suite: s\nscenarios:\n  - name: a\n    given: {config: {merchant_name: TEST}}\n    steps: []\n"))
			Expect(err).To(MatchError(ContainSubstring(`r.yaml:4:12: scenario "a": given: config: `)))
			Expect(err).To(MatchError(ContainSubstring("merchant_name")))
		})

		It("skips a scenario marked skip, and one for the other target", func() {
			_, err := runOn(rn.Runner, "suite: s\nscenarios:\n  - name: a\n    skip: flaky on CI\n    steps: []\n")
			Expect(err).To(MatchError("skipped: flaky on CI"))
			_, err = runOn(rn.Runner, "suite: s\nlabels: [physical-only]\nscenarios:\n  - name: a\n    steps: []\n")
			Expect(err).To(MatchError("skipped: labelled physical-only"))
		})
	})

	It("gives each scenario a fresh emulator", func() {
		Expect(run("      - lcd_text: {text: left over}\n")).To(Succeed())
		Expect(run("      - expect_screen: {blank: true, timeout: 50ms}\n")).To(Succeed())
	})

	It("abandons a wait when the context ends", func() {
		s, err := harness.Parse("r.yaml", []byte(scenario("      - expect_screen: {contains: never, timeout: 1m}\n")))
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err = rn.Run(ctx, s.Scenarios[0])
		Expect(err).To(MatchError(ContainSubstring("abandoned while waiting for the screen to show")))
	})
})
