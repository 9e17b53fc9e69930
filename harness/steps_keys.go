package harness

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	drvkeypad "github.com/posemu/posemu/drivers/keypad"
	emkeypad "github.com/posemu/posemu/emulator/keypad"
	"gopkg.in/yaml.v3"
)

// Keys is a key sequence written as text ("12.50 ENTER": digit runs are
// typed one key at a time, "00" is the double-zero key, other words are
// key names) or as a list ([1, 2, ".", 5, ENTER]; each item read the same
// way).
type Keys []string

// DecodeNode reads either form.
func (k *Keys) DecodeNode(n *yaml.Node) error {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{n}
	case yaml.SequenceNode:
		items = n.Content
	default:
		return nodeErr(n, "want keys as text (\"12.50 ENTER\") or a list ([1, 2, ENTER]), got %s", kindName(n))
	}
	var out Keys
	for _, it := range items {
		s, err := scalarString(it)
		if err != nil {
			return err
		}
		keys, err := emkeypad.ParseSequence(s)
		if err != nil {
			return nodeErr(resolve(it), "no keys in %q", s)
		}
		out = append(out, keys...)
	}
	if len(out) == 0 {
		return nodeErr(n, "no keys")
	}
	*k = out
	return nil
}

// JSONSchema: text or a list of names and numbers.
func (Keys) JSONSchema() map[string]any {
	return map[string]any{"anyOf": []any{
		map[string]any{"type": "string"},
		map[string]any{"type": "array", "minItems": 1, "items": map[string]any{"type": []any{"string", "number"}}},
	}}
}

func (k Keys) String() string { return strings.Join(k, " ") }

// PressStep presses keys on the keypad.
type PressStep struct {
	Keys Keys `yaml:"keys" required:"true" shorthand:"true" doc:"the keys, as text or a list"`
}

// TypeAmountStep types an amount and confirms it.
type TypeAmountStep struct {
	Amount string `yaml:"amount" required:"true" shorthand:"true" doc:"yuan with up to two decimals, e.g. 12.50"`
	Enter  *bool  `yaml:"enter" doc:"press ENTER after the amount (default true)"`
}

var amountRe = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)

// Validate checks the amount's form.
func (s *TypeAmountStep) Validate() error {
	if !amountRe.MatchString(s.Amount) {
		return fmt.Errorf("amount %q: write yuan with up to two decimals, such as 12.50", s.Amount)
	}
	return nil
}

func (s *TypeAmountStep) keys() Keys {
	keys, _ := emkeypad.ParseSequence(s.Amount)
	if s.Enter == nil || *s.Enter {
		keys = append(keys, "ENTER")
	}
	return keys
}

// ScanStep presents a code to the scanner.
type ScanStep struct {
	Code string `yaml:"code" required:"true" shorthand:"true" doc:"the code the scanner reads (printable ASCII)"`
}

// ExpectKeyStep checks the next keypad events the terminal's driver read.
type ExpectKeyStep struct {
	Keys    Keys     `yaml:"keys" shorthand:"true" doc:"the next key presses, in order"`
	Event   string   `yaml:"event" doc:"key (default), disconnected or reconnected"`
	Timeout Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks that the step asks for something.
func (s *ExpectKeyStep) Validate() error {
	switch s.Event {
	case "", "key":
		if len(s.Keys) == 0 {
			return errors.New("keys: say which keys, e.g. expect_key: ENTER")
		}
	case "disconnected", "reconnected":
		if len(s.Keys) > 0 {
			return fmt.Errorf("keys: a %s event has no keys", s.Event)
		}
	default:
		return fmt.Errorf("event %q: valid: key, disconnected, reconnected", s.Event)
	}
	return nil
}

// ExpectScanStep checks the next code the terminal's scanner driver read.
type ExpectScanStep struct {
	Code    string   `yaml:"code" shorthand:"true" doc:"the code the driver returns"`
	Error   string   `yaml:"error" doc:"instead of a code, the read fails with an error containing this text"`
	Timeout Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks that exactly one of code and error is given.
func (s *ExpectScanStep) Validate() error {
	if (s.Code == "") == (s.Error == "") {
		return errors.New("give either code or error")
	}
	return nil
}

func init() {
	Register(Def[PressStep]{
		Name: "press", Area: "keys",
		Hardware: "asks the operator to press the keys; when a later step reads the keypad, the keys are checked as they arrive through the driver",
		Summary:  "press keys on the keypad",
		Example:  `- press: "12.50 ENTER"`,
		Emulator: func(r *Run, s *PressStep) error { return r.Emulator().Keypad().Press(s.Keys...) },
		Physical: func(r *Run, s *PressStep) error { return r.handPress(s.Keys) },
	})
	Register(Def[TypeAmountStep]{
		Name: "type_amount", Area: "keys",
		Hardware: "asks the operator to type the amount and ENTER, checked as press is",
		Summary:  "type an amount on the keypad and press ENTER",
		Example:  `- type_amount: "12.50"`,
		Emulator: func(r *Run, s *TypeAmountStep) error { return r.Emulator().Keypad().Press(s.keys()...) },
		Physical: func(r *Run, s *TypeAmountStep) error { return r.handPress(s.keys()) },
	})
	Register(Def[ScanStep]{
		Name: "scan", Area: "scanner",
		Hardware: "asks the operator to scan the code (from a test card); checked through the scanner driver when a later step reads it",
		Summary:  "present a code (a buyer's payment code) to the scanner",
		Example:  `- scan: "286612345678901234"`,
		Emulator: func(r *Run, s *ScanStep) error { return r.Emulator().Scanner().Scan(s.Code) },
		Physical: handScan,
	})
	Register(Def[ExpectKeyStep]{
		Name: "expect_key", Area: "keys",
		Summary:  "the terminal's keypad driver reads these keys next (or a disconnect / reconnect)",
		Example:  `- expect_key: [1, 2, ".", 5, ENTER]`,
		Emulator: expectKey, Physical: expectKey,
		Listen: []string{DevKeypad},
	})
	Register(Def[ExpectScanStep]{
		Name: "expect_scan", Area: "scanner",
		Summary:  "the terminal's scanner driver returns this code next",
		Example:  `- expect_scan: "286612345678901234"`,
		Emulator: expectScan, Physical: expectScan,
		Listen: []string{DevScanner},
	})
}

// handPress asks the operator to press keys; when the app reads the
// keypad, the keys are checked as they arrive, and kept for expect_key.
func (r *Run) handPress(keys Keys) error {
	instr := "Press on the terminal's keypad: " + keys.String()
	app := r.App()
	if app == nil || !app.Listening(DevKeypad) {
		return r.AskDo(instr)
	}
	r.Operator().Tell(instr)
	return r.Await(r.promptTimeout(), "the keys "+keys.String(), func() (bool, string) {
		var got []string
		for _, ev := range app.Keys() {
			if ev.Kind == drvkeypad.KeyPress {
				got = append(got, ev.Key)
			}
		}
		return hasRun(got, keys), "keys read: " + strings.Join(got, " ")
	})
}

func handScan(r *Run, s *ScanStep) error {
	instr := fmt.Sprintf("Scan the code %s with the terminal's scanner", s.Code)
	app := r.App()
	if app == nil || !app.Listening(DevScanner) {
		return r.AskDo(instr)
	}
	r.Operator().Tell(instr)
	return r.Await(r.promptTimeout(), "the scan of "+s.Code, func() (bool, string) {
		var got []string
		for _, sr := range app.Scans() {
			if sr.Err == nil && sr.Code == s.Code {
				return true, ""
			}
			got = append(got, scanString(sr))
		}
		return false, "reads: " + strings.Join(got, ", ")
	})
}

// hasRun reports whether want appears in got as a contiguous run.
func hasRun(got []string, want Keys) bool {
	for i := 0; i+len(want) <= len(got); i++ {
		match := true
		for j, w := range want {
			if !strings.EqualFold(got[i+j], w) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func expectKey(r *Run, s *ExpectKeyStep) error {
	app := r.App()
	if err := needListening(app, DevKeypad); err != nil {
		return err
	}
	what := "key presses " + s.Keys.String()
	if s.Event == "disconnected" || s.Event == "reconnected" {
		what = "the keypad driver to report " + s.Event
	}
	var bad error
	err := r.Await(r.Timeout(s.Timeout), what, func() (bool, string) {
		evs := app.Keys()
		seen := "keypad events read: " + keyEvents(evs)
		matched, used := 0, 0
		for _, ev := range evs {
			used++
			if s.Event == "disconnected" || s.Event == "reconnected" {
				if ev.Kind.String() == s.Event {
					app.ConsumeKeys(used)
					return true, ""
				}
				bad = r.Failf(seen, "expected the keypad driver to report %s, but it read %s first", s.Event, ev)
				return true, seen
			}
			if ev.Kind != drvkeypad.KeyPress {
				continue // connection changes do not break a key sequence
			}
			if !strings.EqualFold(ev.Key, s.Keys[matched]) {
				bad = r.Failf(seen, "expected key %s (key %d of %s), the driver read %s", s.Keys[matched], matched+1, s.Keys, ev)
				return true, seen
			}
			if matched++; matched == len(s.Keys) {
				app.ConsumeKeys(used)
				return true, ""
			}
		}
		return false, seen
	})
	if err != nil {
		return err
	}
	return bad
}

func keyEvents(evs []drvkeypad.Event) string {
	if len(evs) == 0 {
		return "(none)"
	}
	parts := make([]string, len(evs))
	for i, ev := range evs {
		if ev.Kind == drvkeypad.KeyPress {
			parts[i] = ev.Key
		} else {
			parts[i] = "<" + ev.Kind.String() + ">"
		}
	}
	return strings.Join(parts, " ")
}

func expectScan(r *Run, s *ExpectScanStep) error {
	app := r.App()
	if err := needListening(app, DevScanner); err != nil {
		return err
	}
	what := "the scanner driver to return " + s.Code
	if s.Error != "" {
		what = fmt.Sprintf("a scanner read failing with %q", s.Error)
	}
	var bad error
	err := r.Await(r.Timeout(s.Timeout), what, func() (bool, string) {
		reads := app.Scans()
		var seen []string
		for i, sr := range reads {
			seen = append(seen, scanString(sr))
			switch {
			case s.Error != "" && sr.Err != nil && strings.Contains(sr.Err.Error(), s.Error):
				app.ConsumeScans(i + 1)
				return true, ""
			case s.Code != "" && sr.Err != nil:
				continue // a disconnect in between is not the code
			case s.Code != "" && sr.Code == s.Code:
				app.ConsumeScans(i + 1)
				return true, ""
			default:
				bad = r.Failf("scanner reads: "+strings.Join(seen, ", "), "expected %s, the driver returned %s", what, scanString(sr))
				return true, ""
			}
		}
		if len(seen) == 0 {
			return false, "scanner reads: (none)"
		}
		return false, "scanner reads: " + strings.Join(seen, ", ")
	})
	if err != nil {
		return err
	}
	return bad
}

func scanString(sr ScanResult) string {
	if sr.Err != nil {
		return "error: " + sr.Err.Error()
	}
	return fmt.Sprintf("%q", sr.Code)
}

func needListening(app *App, dev string) error {
	if app == nil {
		return errors.New("this target has no terminal-side drivers")
	}
	if !app.Listening(dev) {
		_, err := app.Address(dev)
		if err != nil {
			return err
		}
		return fmt.Errorf("the %s reader is not running", dev)
	}
	return nil
}
