package hwcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/harness"
)

// ConsoleOptions configure the operator console.
type ConsoleOptions struct {
	Lang string
	// Color paints PASS green and FAIL red (only for a terminal).
	Color bool
	// Live redraws the countdown in place (only for a terminal; over SSH
	// too). Without it a prompt says its timeout once.
	Live bool
	// Width is the screen's width in columns; 0 means 80.
	Width int
	// Interactive: a person answers on the input. Without it, a prompt
	// fails at once and no serial number is asked for.
	Interactive bool
	// PromptTimeout bounds every prompt (60 s if 0).
	PromptTimeout time.Duration
	// Clock paces the live countdown; nil is the wall clock. (A prompt's
	// deadline is real time whatever this is: tests step the countdown.)
	Clock clock.Clock
}

// Console is the operator's console: the serial number to start, each
// check's progress, prompts with a countdown, a big PASS or FAIL. It is
// line-oriented (no full-screen drawing), so it works over SSH, in a
// serial console and on a small screen, and it is the harness.Operator of
// a physical target.
type Console struct {
	out     io.Writer
	opt     ConsoleOptions
	answers *harness.Answers

	mu        sync.Mutex
	stopCount func()
	progress  bool // a step's progress line is on screen, without its newline
}

var _ harness.Operator = (*Console)(nil)

// NewConsole writes to out and reads answers (and serial numbers) from in,
// one per line; in may be nil when not interactive.
func NewConsole(in io.Reader, out io.Writer, opt ConsoleOptions) *Console {
	if opt.Width <= 0 {
		opt.Width = 80
	}
	if opt.PromptTimeout <= 0 {
		opt.PromptTimeout = 60 * time.Second
	}
	if opt.Clock == nil {
		opt.Clock = clock.Real()
	}
	if !opt.Interactive {
		in = nil
	}
	return &Console{out: out, opt: opt, answers: harness.ReadAnswers(in)}
}

func (c *Console) t(key string, args ...any) string { return T(c.opt.Lang, key, args...) }

// printf writes, ending any countdown first.
func (c *Console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
	fmt.Fprintf(c.out, format, args...)
}

func (c *Console) stopLocked() {
	if c.stopCount != nil {
		c.stopCount()
		c.stopCount = nil
	}
	if c.progress {
		fmt.Fprint(c.out, "\r\x1b[2K")
		c.progress = false
	}
}

// SetPromptTimeout changes how long prompts wait (a station's
// prompt_timeout).
func (c *Console) SetPromptTimeout(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.opt.PromptTimeout = d
	}
}

// ErrQuit is returned by ReadSerial when the operator asks to stop.
var ErrQuit = errors.New("the operator quit")

// ReadSerial asks for the next unit's serial number until a valid one
// comes; io.EOF when the input ends, ErrQuit on q.
func (c *Console) ReadSerial(ctx context.Context) (string, error) {
	for {
		c.printf("\n%s", c.t("serial"))
		select {
		case l, ok := <-c.answers.Lines():
			if !ok {
				c.printf("\n")
				return "", io.EOF
			}
			if strings.EqualFold(l, "q") || strings.EqualFold(l, "quit") {
				return "", ErrQuit
			}
			if err := CheckSerial(l); err != nil {
				c.printf("%s\n", c.t("bad serial", err))
				continue
			}
			return l, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// UnitStart heads a unit's output.
func (c *Console) UnitStart(serial string, p *Plan, st StationInfo) {
	where := st.Name
	if st.Target == harness.TargetEmulator {
		where = c.t("emulator")
	}
	c.printf("\n%s\n%s\n", c.rule('='), c.fit(c.t("unit", serial, p.Suite.Name, where)))
}

// CheckStart shows which check runs.
func (c *Console) CheckStart(i, n int, ch *Check) {
	c.printf("%s\n", c.fit(c.t("check", i, n, c.t(ch.Tier), ch.Title(c.opt.Lang))))
}

// Step shows a step as it starts, on a live terminal only: one line,
// redrawn in place, so that a small screen keeps the check's title in
// view and a log is not flooded.
func (c *Console) Step(s *harness.Step) {
	if !c.opt.Live {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
	line := []rune("    " + s.Label())
	if len(line) > c.opt.Width-1 {
		line = line[:c.opt.Width-1]
	}
	fmt.Fprint(c.out, string(line))
	c.progress = true
}

// CheckEnd shows a check's verdict, measurements and reason.
func (c *Console) CheckEnd(cr CheckResult) {
	var b strings.Builder
	for _, m := range cr.Measurements {
		mark := "ok"
		if !m.Pass {
			mark = c.paint("31", "!!")
		}
		fmt.Fprintf(&b, "    %s %s\n", mark, c.fit(c.t("measure", m.Name, fmtFloat(m.Value), m.Unit, m.LimitsString())))
	}
	verdict := c.t(cr.Verdict)
	switch cr.Verdict {
	case VerdictPass:
		verdict = c.paint("32", verdict)
	case VerdictFail:
		verdict = c.paint("1;31", verdict)
	}
	fmt.Fprintf(&b, "    → %s  %.1fs\n", verdict, time.Duration(cr.Duration).Seconds())
	if cr.Reason != "" {
		for _, l := range c.wrap(cr.Reason, 6) {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	c.printf("%s", b.String())
}

// Verdict shows the unit's big PASS or FAIL, the reasons and where the
// record is.
func (c *Console) Verdict(rec *Record, path string) {
	var b strings.Builder
	word, code, line := "FAIL", "41;97", c.t("unit fail", rec.Serial, rec.Summary.Failed, rec.Summary.Checks)
	switch rec.Verdict {
	case VerdictPass:
		word, code, line = "PASS", "42;30", c.t("unit pass", rec.Serial, rec.Summary.Passed)
	case VerdictError:
		word, code, line = "ERROR", "43;30", c.t("unit error")
	}
	b.WriteString("\n")
	for _, row := range banner(word) {
		fmt.Fprintf(&b, "%s\n", c.paint(code, " "+row+" "))
	}
	fmt.Fprintf(&b, "%s\n", c.fit(line))
	if len(rec.Reasons) > 0 {
		fmt.Fprintf(&b, "%s\n", c.t("reasons"))
		for _, r := range rec.Reasons {
			for i, l := range c.wrap(r, 4) {
				lead := "  - "
				if i > 0 {
					lead = "    "
				}
				fmt.Fprintf(&b, "%s%s\n", lead, l)
			}
		}
	}
	if path != "" {
		fmt.Fprintf(&b, "%s\n", c.fit(c.t("record", path)))
	}
	fmt.Fprintf(&b, "%s\n", c.rule('='))
	c.printf("%s", b.String())
}

// StationError says the station could not run, before any unit.
func (c *Console) StationError(err error) {
	c.printf("%s\n", c.paint("1;31", c.t("station error", err)))
}

// prompt shows an instruction (mark >>>) or a question (???) in the
// console's language, and counts down with hint under it.
func (c *Console) prompt(mark, text, hint string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
	fmt.Fprintf(c.out, "\n%s %s\n", mark, c.paint("1", translatePrompt(c.opt.Lang, text)))
	c.countdownLocked(hint)
}

// Tell shows an instruction; the step checks the result itself (keys read
// back through the driver), so it only counts down.
func (c *Console) Tell(instruction string) { c.prompt(">>>", instruction, "") }

// Do shows an instruction and waits for Enter (done) or n (cannot).
func (c *Console) Do(ctx context.Context, instruction string) error {
	c.prompt(">>>", instruction, c.t("do"))
	if !c.opt.Interactive {
		return errors.New(c.t("noninter", instruction))
	}
	a, err := c.answer(ctx)
	if err != nil {
		return err
	}
	return harness.DoneAnswer(a, instruction)
}

// Ask asks a yes-or-no question about what the operator sees.
func (c *Console) Ask(ctx context.Context, question string) (bool, error) {
	c.prompt("???", question, c.t("ask"))
	if !c.opt.Interactive {
		return false, errors.New(c.t("noninter", question))
	}
	deadline := time.Now().Add(c.opt.PromptTimeout)
	for {
		a, err := c.answerBy(ctx, deadline)
		if err != nil {
			return false, err
		}
		switch {
		case harness.IsYes(a):
			return true, nil
		case harness.IsNo(a):
			return false, nil
		}
		c.printf("    %s", c.t("again"))
	}
}

func (c *Console) answer(ctx context.Context) (string, error) {
	return c.answerBy(ctx, time.Now().Add(c.opt.PromptTimeout))
}

func (c *Console) answerBy(ctx context.Context, deadline time.Time) (string, error) {
	a, err := c.answers.Next(ctx, deadline, c.opt.PromptTimeout)
	switch {
	case errors.Is(err, harness.ErrNoAnswer):
		c.printf("\n  %s\n", c.t("no answer", c.opt.PromptTimeout))
	case ctx.Err() == nil:
		c.mu.Lock()
		c.stopLocked()
		c.mu.Unlock()
	}
	return a, err
}

// countdownLocked shows how long the prompt waits: redrawn every second
// in place on a live terminal (save the cursor, up one line, rewrite,
// restore: what the operator types is not disturbed), once otherwise.
func (c *Console) countdownLocked(hint string) {
	total := c.opt.PromptTimeout
	line := func(left time.Duration) string {
		s := "    [" + c.t("left", int((left+time.Second-1)/time.Second)) + "]"
		if hint != "" {
			s += " " + hint
		}
		return s
	}
	if !c.opt.Live {
		if hint != "" {
			fmt.Fprintf(c.out, "    %s %s\n", hint, c.t("within", total))
		} else {
			fmt.Fprintf(c.out, "    %s\n", c.t("within", total))
		}
		if c.opt.Interactive && hint != "" {
			fmt.Fprint(c.out, "> ")
		}
		return
	}
	fmt.Fprintf(c.out, "%s\n", line(total))
	if hint != "" {
		fmt.Fprint(c.out, "> ")
	}
	clk := c.opt.Clock
	end := clk.Now().Add(total)
	stop := make(chan struct{})
	go func() {
		tick := clk.NewTimer(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C():
				left := end.Sub(clk.Now())
				if left < 0 {
					return
				}
				tick.Reset(time.Second)
				// Whoever stops the countdown holds mu: once it is
				// ours, stop says whether the line is still the
				// countdown's (the line above the cursor).
				c.mu.Lock()
				select {
				case <-stop:
					c.mu.Unlock()
					return
				default:
					fmt.Fprintf(c.out, "\x1b7\x1b[1A\r\x1b[2K%s\x1b8", line(left))
				}
				c.mu.Unlock()
			}
		}
	}()
	c.stopCount = func() { close(stop) }
}
