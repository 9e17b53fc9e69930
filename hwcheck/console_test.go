package hwcheck_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/harness"
	"github.com/posemu/posemu/hwcheck"
)

// syncBuffer is a bytes.Buffer the console's countdown may write to while
// the test reads it.
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

var _ = Describe("the operator console", func() {
	ctx := context.Background()

	It("asks for a serial number until a valid one comes; q quits, the end of input ends", func() {
		out := &syncBuffer{}
		c := hwcheck.NewConsole(strings.NewReader("bad serial\nSN1\nq\n"), out, hwcheck.ConsoleOptions{Interactive: true})
		Expect(c.ReadSerial(ctx)).To(Equal("SN1"))
		Expect(out.String()).To(ContainSubstring(`Not a serial number: serial number "bad serial"`))
		_, err := c.ReadSerial(ctx)
		Expect(err).To(MatchError(hwcheck.ErrQuit))
		_, err = c.ReadSerial(ctx)
		Expect(err).To(MatchError(io.EOF))
	})

	It("takes y and n (and 是, 否), and asks again on anything else", func() {
		out := &syncBuffer{}
		c := hwcheck.NewConsole(strings.NewReader("maybe\ny\n否\n"), out, hwcheck.ConsoleOptions{Interactive: true, Lang: "zh"})
		Expect(c.Ask(ctx, "Does the operator screen show a line containing \"OK\"?")).To(BeTrue())
		Expect(out.String()).To(ContainSubstring(`操作员屏幕是否显示 a line containing "OK"？`))
		Expect(out.String()).To(ContainSubstring("请输入 y 或 n"))
		Expect(c.Ask(ctx, "Is every pixel of the operator screen black, with no dot of another colour?")).To(BeFalse())
		Expect(out.String()).To(ContainSubstring("操作员屏幕是否每个像素都是黑色"))
	})

	It("fails a prompt nobody answers in time, saying so", func() {
		out := &syncBuffer{}
		pr, _ := io.Pipe()
		c := hwcheck.NewConsole(pr, out, hwcheck.ConsoleOptions{Interactive: true, PromptTimeout: 30 * time.Millisecond})
		err := c.Do(ctx, "Tear off the printed paper")
		Expect(err).To(MatchError(harness.ErrNoAnswer))
		Expect(out.String()).To(ContainSubstring("(answer within 30ms)"))
		Expect(out.String()).To(ContainSubstring("(no answer in 30ms)"))
	})

	It("fails every prompt at once when nobody is at the station", func() {
		c := hwcheck.NewConsole(nil, &syncBuffer{}, hwcheck.ConsoleOptions{})
		Expect(c.Do(ctx, "Load paper")).To(MatchError(ContainSubstring("non-interactive: nobody at the station to Load paper")))
		_, err := c.Ask(ctx, "Is it lit?")
		Expect(err).To(MatchError(ContainSubstring("non-interactive")))
	})

	It("counts down in place on a live terminal, above what the operator types", func() {
		out := &syncBuffer{}
		pr, pw := io.Pipe()
		clk := clock.NewVirtual(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
		c := hwcheck.NewConsole(pr, out, hwcheck.ConsoleOptions{Interactive: true, Live: true, PromptTimeout: 60 * time.Second, Clock: clk})
		done := make(chan bool)
		go func() {
			defer GinkgoRecover()
			ok, err := c.Ask(ctx, "Is it lit?")
			Expect(err).NotTo(HaveOccurred())
			done <- ok
		}()
		Eventually(out.String, 10*time.Second).Should(ContainSubstring("    [60 s left] Answer y (yes) or n (no)\n> "))
		Expect(clk.WaitForWaiters(1, nil)).To(BeTrue())
		clk.Advance(time.Second)
		Eventually(out.String, 10*time.Second).Should(ContainSubstring("\x1b7\x1b[1A\r\x1b[2K    [59 s left] Answer y (yes) or n (no)\x1b8"))
		pw.Write([]byte("y\n"))
		Eventually(done).Should(Receive(BeTrue()))
	})

	It("shows a big PASS or FAIL, the reasons wrapped to the screen, and no colour unless asked", func() {
		out := &syncBuffer{}
		c := hwcheck.NewConsole(nil, out, hwcheck.ConsoleOptions{Width: 32})
		rec := &hwcheck.Record{Serial: "SN1", Verdict: hwcheck.VerdictFail, Summary: hwcheck.Summary{Checks: 3, Failed: 1},
			Reasons: []string{"test-slip: step 2 (print_test_slip): printer not ready: paper out, offline, cover open"}}
		c.Verdict(rec, "out/SN1.json")
		s := out.String()
		Expect(s).NotTo(ContainSubstring("\x1b"))
		Expect(s).To(ContainSubstring(" █     █  █  ███  ████ \n"))
		Expect(s).To(ContainSubstring("FAIL  SN1: 1 of 3 checks"))
		Expect(s).To(ContainSubstring("Record: out/SN1.json"))
		for _, l := range strings.Split(s, "\n") {
			Expect(len([]rune(l))).To(BeNumerically("<=", 32), "line %q", l)
		}

		out = &syncBuffer{}
		c = hwcheck.NewConsole(nil, out, hwcheck.ConsoleOptions{Lang: "zh", Color: true})
		c.Verdict(&hwcheck.Record{Serial: "SN1", Verdict: hwcheck.VerdictPass, Summary: hwcheck.Summary{Checks: 3, Passed: 3}}, "")
		Expect(out.String()).To(ContainSubstring("\x1b[42;30m"))
		Expect(out.String()).To(ContainSubstring("合格  SN1：3 项全部通过"))
	})
})
