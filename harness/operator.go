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

// Console is an Operator on a text console.
type Console struct {
	out     io.Writer
	timeout time.Duration
	lines   chan string
	mu      sync.Mutex
}

// NewConsole prompts on out and reads answers from in, one per line, in
// order (so a script can answer too); an answer that does not come within
// timeout fails the step.
func NewConsole(in io.Reader, out io.Writer, timeout time.Duration) *Console {
	c := &Console{out: out, timeout: timeout, lines: make(chan string, 16)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			c.lines <- strings.TrimSpace(sc.Text())
		}
	}()
	return c
}

func (c *Console) answer(ctx context.Context) (string, error) {
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	select {
	case l, ok := <-c.lines:
		if !ok {
			return "", errors.New("operator console closed")
		}
		return l, nil
	case <-t.C:
		fmt.Fprintf(c.out, "  (no answer in %s)\n", c.timeout)
		return "", fmt.Errorf("%w within %s", ErrNoAnswer, c.timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
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
	if no(a) || strings.EqualFold(a, "fail") {
		return fmt.Errorf("the operator could not: %s", instruction)
	}
	return nil
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
		case yes(a):
			return true, nil
		case no(a):
			return false, nil
		}
		fmt.Fprint(c.out, "    please answer y or n: ")
	}
}

func yes(a string) bool { return strings.EqualFold(a, "y") || strings.EqualFold(a, "yes") }
func no(a string) bool  { return strings.EqualFold(a, "n") || strings.EqualFold(a, "no") }

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
