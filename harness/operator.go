package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Operator is the person at a physical terminal: steps that need a hand
// or an eye ask them.
type Operator interface {
	// Tell shows an instruction and returns at once; the step then checks
	// the result itself (a key read back through the driver).
	Tell(instruction string)
	// Do shows an instruction and waits until the operator says it is done.
	Do(ctx context.Context, instruction string) error
	// Ask asks a yes-or-no question about what the operator sees.
	Ask(ctx context.Context, question string) (bool, error)
}

// ErrNoAnswer is returned when the operator does not answer in time.
var ErrNoAnswer = errors.New("no answer from the operator")

// Answers are an operator's answers: the lines of an input, trimmed, in
// order (so a script can answer too). The consoles (this one, hwcheck's)
// read them.
type Answers struct{ lines chan string }

// ReadAnswers reads in until it ends; a nil in has ended already.
func ReadAnswers(in io.Reader) *Answers {
	a := &Answers{lines: make(chan string, 16)}
	if in == nil {
		close(a.lines)
		return a
	}
	go func() {
		defer close(a.lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			a.lines <- strings.TrimSpace(sc.Text())
		}
	}()
	return a
}

// Lines are the answers as they come, closed when the input ends.
func (a *Answers) Lines() <-chan string { return a.lines }

// Next waits until deadline for the next answer. None in time is an error
// that wraps ErrNoAnswer and says within how long the prompt wanted it
// (timeout).
func (a *Answers) Next(ctx context.Context, deadline time.Time, timeout time.Duration) (string, error) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case l, ok := <-a.lines:
		if !ok {
			return "", errors.New("operator console closed")
		}
		return l, nil
	case <-t.C:
		return "", fmt.Errorf("%w within %s", ErrNoAnswer, timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// IsYes reads an answer to a yes-or-no question, in English or Chinese.
func IsYes(a string) bool {
	return strings.EqualFold(a, "y") || strings.EqualFold(a, "yes") || a == "是"
}

// IsNo is IsYes's no.
func IsNo(a string) bool {
	return strings.EqualFold(a, "n") || strings.EqualFold(a, "no") || a == "否"
}

// DoneAnswer is what an answer to an instruction says: n, no or fail that
// the operator could not do it; anything else (Enter) that it is done.
func DoneAnswer(a, instruction string) error {
	if IsNo(a) || strings.EqualFold(a, "fail") {
		return fmt.Errorf("the operator could not: %s", instruction)
	}
	return nil
}

// Console is an Operator on a text console.
type Console struct {
	out     io.Writer
	timeout time.Duration
	answers *Answers
	mu      sync.Mutex
}

// NewConsole prompts on out and reads answers from in, one per line, in
// order (so a script can answer too); an answer that does not come within
// timeout fails the step.
func NewConsole(in io.Reader, out io.Writer, timeout time.Duration) *Console {
	return &Console{out: out, timeout: timeout, answers: ReadAnswers(in)}
}

func (c *Console) answer(ctx context.Context) (string, error) {
	a, err := c.answers.Next(ctx, time.Now().Add(c.timeout), c.timeout)
	if errors.Is(err, ErrNoAnswer) {
		fmt.Fprintf(c.out, "  (no answer in %s)\n", c.timeout)
	}
	return a, err
}

// Tell prints an instruction.
func (c *Console) Tell(instruction string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, "\n>>> %s\n", instruction)
}

// Do prints an instruction and waits for Enter; "n" or "fail" fails it.
func (c *Console) Do(ctx context.Context, instruction string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, "\n>>> %s\n    Press Enter when done (type n if it cannot be done): ", instruction)
	a, err := c.answer(ctx)
	if err != nil {
		return err
	}
	return DoneAnswer(a, instruction)
}

// Ask prints a question and waits for y or n.
func (c *Console) Ask(ctx context.Context, question string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, "\n??? %s [y/n]: ", question)
	for {
		a, err := c.answer(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case IsYes(a):
			return true, nil
		case IsNo(a):
			return false, nil
		}
		fmt.Fprint(c.out, "    please answer y or n: ")
	}
}

// AskCheck asks the operator to confirm what a check step expects, and
// fails the step on "no".
func (r *Run) AskCheck(question string) error {
	op := r.Operator()
	if op == nil {
		return errors.New("this target has no operator to ask")
	}
	ok, err := op.Ask(r.ctx, question)
	if err != nil {
		return r.Failf("", "asking the operator %q: %v", question, err)
	}
	if !ok {
		return r.Failf("the operator answered no", "%s", question)
	}
	return nil
}

// AskDo asks the operator to do something and waits until they have.
func (r *Run) AskDo(instruction string) error {
	op := r.Operator()
	if op == nil {
		return errors.New("this target has no operator to ask")
	}
	if err := op.Do(r.ctx, instruction); err != nil {
		return r.Failf("", "%v", err)
	}
	return nil
}
