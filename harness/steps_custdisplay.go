package harness

import (
	"errors"
	"fmt"
	"strings"

	"github.com/posemu/posemu/drivers/custdisplay"
)

// DisplayShowStep writes the customer display's lines through its driver.
type DisplayShowStep struct {
	Lines []string `yaml:"lines" required:"true" shorthand:"true" doc:"line 1 and (optionally) line 2"`
}

// Validate checks the number of lines.
func (s *DisplayShowStep) Validate() error {
	if len(s.Lines) < 1 || len(s.Lines) > 2 {
		return fmt.Errorf("lines: give one or two lines, not %d", len(s.Lines))
	}
	return nil
}

// DisplayLineStep replaces one line of the customer display.
type DisplayLineStep struct {
	Line int    `yaml:"line" required:"true" doc:"1 or 2"`
	Text string `yaml:"text" required:"true" doc:"the text (ASCII; other characters show as ?)"`
}

// DisplayAmountStep shows a label and an amount the way the driver does.
type DisplayAmountStep struct {
	Label  string `yaml:"label" doc:"line 1, e.g. TOTAL"`
	Amount string `yaml:"amount" required:"true" doc:"yuan with up to two decimals"`
}

// Validate checks the amount.
func (s *DisplayAmountStep) Validate() error {
	if !amountRe.MatchString(s.Amount) {
		return fmt.Errorf("amount %q: write yuan with up to two decimals, such as 12.50", s.Amount)
	}
	return nil
}

func (s *DisplayAmountStep) fen() int64 {
	yuan, frac, _ := strings.Cut(s.Amount, ".")
	var y, f int64
	fmt.Sscan(yuan, &y)
	frac = (frac + "00")[:2]
	fmt.Sscan(frac, &f)
	return y*100 + f
}

// DisplayClearStep clears the customer display (init: reset it first).
type DisplayClearStep struct {
	Init bool `yaml:"init" doc:"send ESC @ (initialise) before clearing"`
}

// ExpectCustomerDisplayStep checks what the customer display shows.
type ExpectCustomerDisplayStep struct {
	TextMatch `yaml:",inline"`
	Line      int      `yaml:"line" doc:"only this line (1 or 2)"`
	Lines     []string `yaml:"lines" doc:"the lines are exactly these (trailing blanks ignored)"`
	Blank     bool     `yaml:"blank" doc:"nothing shown"`
	Timeout   Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks that the step checks something.
func (s *ExpectCustomerDisplayStep) Validate() error {
	if !s.set() && s.Lines == nil && !s.Blank {
		return errors.New("say what to expect: contains, not_contains, equals, regex, lines or blank")
	}
	if s.Line < 0 {
		return fmt.Errorf("line %d: lines count from 1", s.Line)
	}
	return nil
}

func init() {
	cust := func(r *Run, fn func(d *custdisplay.Display) error) error { return r.App().CustDisplay(fn) }
	show := func(r *Run, s *DisplayShowStep) error {
		l2 := ""
		if len(s.Lines) > 1 {
			l2 = s.Lines[1]
		}
		return cust(r, func(d *custdisplay.Display) error { return d.Show(s.Lines[0], l2) })
	}
	Register(Def[DisplayShowStep]{
		Name: "display_show", Area: "customer display",
		Summary:  "the terminal shows one or two lines on the customer display (through drivers/custdisplay)",
		Example:  `- display_show: ["TOTAL", "CNY 12.50"]`,
		Emulator: show, Physical: show,
	})
	line := func(r *Run, s *DisplayLineStep) error {
		return cust(r, func(d *custdisplay.Display) error { return d.WriteLine(s.Line, s.Text) })
	}
	Register(Def[DisplayLineStep]{
		Name: "display_line", Area: "customer display",
		Summary:  "the terminal replaces one line of the customer display",
		Example:  `- display_line: {line: 2, text: "THANK YOU"}`,
		Emulator: line, Physical: line,
	})
	amount := func(r *Run, s *DisplayAmountStep) error {
		return cust(r, func(d *custdisplay.Display) error { return d.ShowAmount(s.Label, s.fen()) })
	}
	Register(Def[DisplayAmountStep]{
		Name: "display_amount", Area: "customer display",
		Summary:  "the terminal shows a label and a right-aligned amount (CNY 12.50)",
		Example:  `- display_amount: {label: TOTAL, amount: "12.50"}`,
		Emulator: amount, Physical: amount,
	})
	clear := func(r *Run, s *DisplayClearStep) error {
		return cust(r, func(d *custdisplay.Display) error {
			if s.Init {
				if err := d.Init(); err != nil {
					return err
				}
			}
			return d.Clear()
		})
	}
	Register(Def[DisplayClearStep]{
		Name: "display_clear", Area: "customer display",
		Summary:  "the terminal clears the customer display",
		Example:  `- display_clear: {init: true}`,
		Emulator: clear, Physical: clear,
	})
	Register(Def[ExpectCustomerDisplayStep]{
		Name: "expect_customer_display", Area: "customer display",
		Hardware: "asks the operator whether the customer display shows it (y/n)",
		Summary:  "the customer display shows this text",
		Example:  `- expect_customer_display: {line: 2, equals: "           CNY 12.50"}`,
		Emulator: func(r *Run, s *ExpectCustomerDisplayStep) error {
			m := r.Emulator().CustDisplay()
			return r.Await(r.Timeout(s.Timeout), "the customer display to show "+s.describe(), func() (bool, string) {
				lines := m.Lines()
				return s.matches(lines), quoteLines("customer display", lines)
			})
		},
		Physical: func(r *Run, s *ExpectCustomerDisplayStep) error {
			return r.AskCheck("Does the customer display show " + s.describe() + "?")
		},
	})
}

func (s *ExpectCustomerDisplayStep) matches(lines []string) bool {
	if s.Blank {
		for _, l := range lines {
			if strings.TrimSpace(l) != "" {
				return false
			}
		}
		return true
	}
	if s.Lines != nil {
		for i, want := range s.Lines {
			got := ""
			if i < len(lines) {
				got = lines[i]
			}
			if strings.TrimRight(got, " ") != strings.TrimRight(want, " ") {
				return false
			}
		}
	}
	if s.Line > 0 {
		if s.Line > len(lines) {
			return false
		}
		lines = lines[s.Line-1 : s.Line]
	}
	return s.match(lines)
}

func (s *ExpectCustomerDisplayStep) describe() string {
	var parts []string
	switch {
	case s.Blank:
		parts = append(parts, "nothing")
	case s.Lines != nil:
		parts = append(parts, fmt.Sprintf("the lines %q", s.Lines))
	}
	if s.set() {
		where := "a line"
		if s.Line > 0 {
			where = fmt.Sprintf("line %d", s.Line)
		}
		parts = append(parts, where+" "+s.TextMatch.describe())
	}
	return strings.Join(parts, ", ")
}
