package harness

import (
	"fmt"
	"strings"

	"github.com/posemu/posemu/profile"
	"gopkg.in/yaml.v3"
)

// Pos is a place in a scenario file.
type Pos struct {
	File         string
	Line, Column int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

func posOf(file string, n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: n.Line, Column: n.Column}
}

// Suite is one scenario file, loaded and checked.
type Suite struct {
	Name        string
	Description string
	File        string
	Labels      []string
	// Timeout is how long check steps wait by default.
	Timeout Duration
	// App is the application every scenario runs ("terminal"), or "".
	App       string
	Variables map[string]string
	// Setup runs before the steps of every scenario.
	Setup     []*Step
	Scenarios []*Scenario
}

// Scenario is one test: what is given and the steps.
type Scenario struct {
	Suite  *Suite
	Name   string
	Pos    Pos
	Labels []string
	// Title is the name in other languages, by language code ("zh"),
	// for consoles and reports (hwcheck).
	Title map[string]string
	// Skip, when set, is why the scenario does not run.
	Skip  string
	Given Given
	// Profile is Given.Profile loaded; nil means the default profile.
	Profile *profile.Profile
	Steps   []*Step
}

// FullName is "suite / scenario".
func (sc *Scenario) FullName() string { return sc.Suite.Name + " / " + sc.Name }

// AllLabels are the suite's labels followed by the scenario's.
func (sc *Scenario) AllLabels() []string {
	out := append([]string(nil), sc.Suite.Labels...)
	for _, l := range sc.Labels {
		if !contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// AllSteps are the suite's setup steps followed by the scenario's own.
func (sc *Scenario) AllSteps() []*Step {
	return append(append([]*Step(nil), sc.Suite.Setup...), sc.Steps...)
}

// Listens lists the devices whose readers must run from the first step
// (keys and codes that arrive before anyone asks for them are kept).
func (sc *Scenario) Listens() []string {
	var out []string
	for _, s := range sc.AllSteps() {
		for _, d := range s.Def.Listen {
			if !contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// Labels with a meaning to the runner.
const (
	LabelEmulatorOnly = "emulator-only"
	LabelPhysicalOnly = "physical-only"
)

// Given is the state a scenario starts from.
type Given struct {
	Profile string `yaml:"profile" doc:"device profile: a built-in name (lakala-default) or a profile file, relative to this file"`
	// ProfileSet changes single values of the profile, by dotted path.
	ProfileSet map[string]any    `yaml:"profile_set" doc:"profile values to change, by dotted path, e.g. custdisplay.command_set: cd5220"`
	Printer    *PrinterState     `yaml:"printer" doc:"printer state before the first step"`
	Buyers     []Buyer           `yaml:"buyers" doc:"buyers the payment simulator knows"`
	Faults     []HostFault       `yaml:"faults" doc:"payment simulator faults active from the start"`
	App        string            `yaml:"app" doc:"terminal: run the terminal application in this scenario (the suite's app: by default)"`
	Config     map[string]string `yaml:"config" doc:"terminal application configuration to change, by dotted path, e.g. limits.per_trade_max: \"100.00\" (runs the application)"`
}

// Step is one step, decoded. A step from a group is one per use, with its
// group's parameters filled in.
type Step struct {
	Name string
	Pos  Pos
	// Index is the 1-based place of the step in its list.
	Index int
	// Group is the group the step came from, "" for a scenario's own.
	Group string
	// Via are the use: steps that led here, outermost first.
	Via []Pos
	// Params points at the decoded parameters (the Def's type).
	Params any
	Def    *StepDef
}

// Where says where a step is, with the uses that brought it in.
func (s *Step) Where() string {
	var b strings.Builder
	b.WriteString(s.Pos.String())
	for i := len(s.Via) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, " (used at %s)", s.Via[i])
	}
	return b.String()
}

// Label is how error messages name the step: "step 3 (press)", with the
// group when it came from one.
func (s *Step) Label() string {
	if s.Index == 0 {
		return "given " + s.Name
	}
	if s.Group != "" {
		return fmt.Sprintf("group %q step %d (%s)", s.Group, s.Index, s.Name)
	}
	return fmt.Sprintf("step %d (%s)", s.Index, s.Name)
}

// LoadError is a scenario file that was refused, with where and why.
type LoadError struct {
	Pos      Pos
	Scenario string // "" outside a scenario
	Step     string // e.g. `step 3 (press)`; "" outside a step
	Msg      string
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Scenario != "" {
		fmt.Fprintf(&b, "scenario %q: ", e.Scenario)
	}
	if e.Step != "" {
		b.WriteString(e.Step + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadErrors are all the problems found in one file, in file order.
type LoadErrors []*LoadError

func (es LoadErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
