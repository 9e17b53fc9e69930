package harness_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/harness"
)

// hand is a scripted operator at a "physical" terminal that is really an
// emulator: it does with the emulator what a person would do by hand.
type hand struct {
	emu *emulator.Emulator
	mu  sync.Mutex
	log []string
	no  bool // answer no to questions
}

func (h *hand) record(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, s)
}

func (h *hand) said() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.log...)
}

func (h *hand) Tell(instr string) {
	h.record("tell: " + instr)
	if keys, ok := strings.CutPrefix(instr, "Press on the terminal's keypad: "); ok {
		Expect(h.emu.Keypad().PressSequence(keys)).To(Succeed())
	}
	if rest, ok := strings.CutPrefix(instr, "Scan the code "); ok {
		code, _, _ := strings.Cut(rest, " ")
		Expect(h.emu.Scanner().Scan(code)).To(Succeed())
	}
}

func (h *hand) Do(_ context.Context, instr string) error {
	h.record("do: " + instr)
	if keys, ok := strings.CutPrefix(instr, "Press on the terminal's keypad: "); ok {
		return h.emu.Keypad().PressSequence(keys)
	}
	return nil
}

func (h *hand) Ask(_ context.Context, q string) (bool, error) {
	h.record("ask: " + q)
	return !h.no, nil
}

var _ = Describe("the physical target", func() {
	var (
		emu     *emulator.Emulator
		op      *hand
		station string
	)
	BeforeEach(func() {
		var err error
		emu, err = emulator.New(emulator.Config{DevDir: filepath.Join(GinkgoT().TempDir(), "bench")})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(emu.Close)
		op = &hand{emu: emu}
		var b strings.Builder
		b.WriteString("name: bench 1\nprompt_timeout: 5s\nvariables: {code: \"286699\"}\ndevices:\n")
		for _, d := range emu.Devices() {
			if d.Name != emulator.CustDisplay { // as if the bench had no customer display cabled
				fmt.Fprintf(&b, "  %s: %s\n", d.Name, d.Link)
			}
		}
		station = b.String()
	})

	target := func() *harness.PhysicalTarget {
		path := filepath.Join(GinkgoT().TempDir(), "station.yaml")
		Expect(os.WriteFile(path, []byte(station), 0o644)).To(Succeed())
		st, err := harness.LoadStation(path)
		Expect(err).NotTo(HaveOccurred())
		return &harness.PhysicalTarget{Station: st, Operator: op}
	}
	run := func(content string) error {
		_, err := runOn(&harness.Runner{Target: target(), Log: GinkgoWriter}, content)
		return err
	}

	It("asks for key presses and checks them through the keypad driver", func() {
		Expect(run(scenario("      - press: \"12.50 ENTER\"\n      - expect_key: \"1 2 . 5 0 ENTER\"\n"))).To(Succeed())
		Expect(op.said()).To(Equal([]string{"tell: Press on the terminal's keypad: 1 2 . 5 0 ENTER"}))
	})

	It("asks for a scan and checks it through the scanner driver", func() {
		Expect(run(scenario("      - scan: \"286612345678\"\n      - expect_scan: \"286612345678\"\n"))).To(Succeed())
	})

	It("waits for the operator's word when no driver can read the keys back", func() {
		Expect(run(scenario("      - press: ENTER\n"))).To(Succeed())
		Expect(op.said()).To(Equal([]string{"do: Press on the terminal's keypad: ENTER"}))
	})

	It("drives the displays through the drivers and asks the operator what they show", func() {
		Expect(run(scenario("      - lcd_text: {text: \"欢迎 Welcome\"}\n      - expect_screen: {contains: Welcome}\n"))).To(Succeed())
		Expect(op.said()).To(Equal([]string{`ask: Does the operator screen show a line containing "Welcome"?`}))
		Expect(emu.LCD().Lines()).To(Equal([]string{"欢迎 Welcome"}), "the text went over the wire")
	})

	It("fails the scenario when the operator answers no", func() {
		op.no = true
		err := run(scenario("      - expect_screen: {row: 1, equals: Welcome}\n"))
		Expect(err).To(MatchError(`r.yaml:5:9: scenario "a": step 1 (expect_screen): Does the operator screen show line 1 equal to "Welcome"?
  last seen: the operator answered no`))
	})

	It("checks the printer's status through its port", func() {
		Expect(run(scenario("      - expect_printer_status: {online: true, paper: ok}\n"))).To(Succeed())
	})

	It("asks the operator to change the printer's state", func() {
		Expect(run(scenario("      - printer: {paper: out, cover: open}\n"))).To(Succeed())
		Expect(op.said()).To(Equal([]string{"do: Take the paper roll out of the printer, then open the printer cover"}))
	})

	It("says so when the station has no address for a device a step needs", func() {
		err := run(scenario("      - display_show: [HI]\n"))
		Expect(err).To(MatchError(ContainSubstring("step 1 (display_show): no address for the custdisplay: add it under devices: in the station file")))
	})

	It("skips scenarios with steps that need the emulator, saying why", func() {
		err := run(scenario("      - press: 1\n      - advance_clock: 30s\n"))
		Expect(err).To(MatchError("skipped: r.yaml:6:9: step 2 (advance_clock) cannot run on a physical terminal: a physical terminal's clock cannot be advanced"))
		err = run("suite: s\nlabels: [emulator-only]\nscenarios:\n  - name: a\n    steps: []\n")
		Expect(err).To(MatchError("skipped: labelled emulator-only"))
		Expect(op.said()).To(BeEmpty())
	})

	It("skips scenarios written for another device profile", func() {
		err := run("suite: s\nscenarios:\n  - name: a\n    given: {profile_set: {custdisplay.command_set: cd5220}}\n    steps: []\n")
		Expect(errors.As(err, new(*harness.SkipError))).To(BeTrue())
		Expect(err).To(MatchError(`skipped: given: the scenario's device profile ("lakala-default", as given) is not station bench 1's ("lakala-default")`))
	})

	Describe("station files", func() {
		DescribeTable("are checked like scenario files",
			func(content, want string) {
				_, err := harness.ParseStation("st.yaml", []byte(content))
				Expect(err).To(MatchError(want))
			},
			Entry("unknown key", "name: b\ndevice: {}\n", `st.yaml:2:1: unknown key "device" (valid: app_id, app_private_key, devices, name, platform, platform_public_key, profile, prompt_timeout, variables)`),
			Entry("no name", "devices: {}\n", `st.yaml:1:1: missing required key "name"`),
			Entry("unknown device", "name: b\ndevices: {keyboard: /dev/ttyS1}\n", `st.yaml:2:10: devices: unknown device "keyboard" (valid: lcd, custdisplay, keypad, scanner, printer, usb-printer)`),
			Entry("bad timeout", "name: b\nprompt_timeout: soon\n", `st.yaml:2:17: prompt_timeout: want a duration such as 500ms or 2s, got "soon"`),
		)
	})
})

var _ = Describe("the operator console", func() {
	It("waits for Enter after an instruction, and takes n as a refusal", func() {
		var out bytes.Buffer
		c := harness.NewConsole(strings.NewReader("\nn\n"), &out, 10*time.Second)
		Expect(c.Do(context.Background(), "Load paper")).To(Succeed())
		Expect(c.Do(context.Background(), "Jam the cutter")).To(MatchError("the operator could not: Jam the cutter"))
		Expect(out.String()).To(ContainSubstring(">>> Load paper\n    Press Enter when done"))
	})

	It("asks again until it gets y or n", func() {
		var out bytes.Buffer
		c := harness.NewConsole(strings.NewReader("maybe\nYES\nno\n否\n"), &out, 10*time.Second)
		Expect(c.Ask(context.Background(), "Is it green?")).To(BeTrue())
		Expect(c.Ask(context.Background(), "Is it red?")).To(BeFalse())
		Expect(c.Ask(context.Background(), "Is it blue?")).To(BeFalse(), "in Chinese too, as hwcheck's console")
		Expect(out.String()).To(ContainSubstring("please answer y or n"))
	})

	It("gives up when nobody answers in time", func() {
		r, w := io.Pipe()
		defer w.Close()
		c := harness.NewConsole(r, io.Discard, 50*time.Millisecond)
		_, err := c.Ask(context.Background(), "Anyone?")
		Expect(err).To(MatchError(harness.ErrNoAnswer))
	})
})
