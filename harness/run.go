package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/profile"
)

// Target names.
const (
	TargetEmulator = "emulator"
	TargetPhysical = "physical"
)

// DefaultTimeout is how long a check step waits when neither the step nor
// the suite says. A check that holds returns at once, so only one that
// fails waits this long: it is generous, for a loaded machine.
const DefaultTimeout = 10 * time.Second

// Target carries scenarios out on a terminal.
type Target interface {
	// Name is TargetEmulator or TargetPhysical.
	Name() string
	// Start prepares a terminal for one scenario.
	Start(ctx context.Context, sc *Scenario) (Session, error)
}

// Session is one scenario's terminal. Steps reach what it offers through
// the optional interfaces below, via Run.
type Session interface {
	Close() error
}

// EmulatorSession is a session on the emulator: the device models and the
// virtual clock.
type EmulatorSession interface {
	Emulator() *emulator.Emulator
	Clock() *clock.Virtual
}

// AppSession is a session with the terminal-side drivers (the app role).
type AppSession interface{ App() *App }

// OperatorSession is a session with a person at the terminal.
type OperatorSession interface{ Operator() Operator }

// ArtifactSession saves what a failure report should show (screen PNG,
// receipt) into dir.
type ArtifactSession interface {
	Artifacts(dir string) []Artifact
}

// Artifact is a file or text a failed scenario leaves for its report.
type Artifact struct {
	Name string // e.g. "lcd.png", "custdisplay"
	Path string // a file, or ""
	Text string // inline content, or ""
}

// SkipError says why a scenario does not run on this target.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// StepError is a step that failed, with what it expected and what it saw.
type StepError struct {
	Scenario string
	Step     *Step
	Msg      string
	// Seen is the state when the step gave up (screen lines, receipt text).
	Seen string
	Err  error
}

func (e *StepError) Error() string {
	var b strings.Builder
	if e.Step != nil {
		fmt.Fprintf(&b, "%s: ", e.Step.Where())
	}
	if e.Scenario != "" {
		fmt.Fprintf(&b, "scenario %q: ", e.Scenario)
	}
	if e.Step != nil {
		b.WriteString(e.Step.Label() + ": ")
	}
	b.WriteString(e.Msg)
	if e.Seen != "" {
		b.WriteString("\n  last seen: ")
		b.WriteString(strings.ReplaceAll(strings.TrimRight(e.Seen, "\n"), "\n", "\n    "))
	}
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

// Runner runs scenarios on a target.
type Runner struct {
	Target Target
	// Log receives one line per step; nil discards.
	Log io.Writer
	// ArtifactDir receives a failed scenario's artifacts; "" keeps none.
	ArtifactDir string
	// StrictPending fails, instead of skipping, scenarios whose steps are
	// not available yet.
	StrictPending bool
	// OnStep, if set, is called as each step starts (progress displays,
	// step timings).
	OnStep func(sc *Scenario, s *Step)
}

// Check returns a *SkipError when sc cannot run on the runner's target
// (its labels, a skip, a step the target lacks), an error when it must
// fail without running (StrictPending), and nil when it can run.
func (rn *Runner) Check(sc *Scenario) error {
	t := rn.Target.Name()
	labels := sc.AllLabels()
	switch {
	case sc.Skip != "":
		return &SkipError{Reason: sc.Skip}
	case t == TargetPhysical && slices.Contains(labels, LabelEmulatorOnly):
		return &SkipError{Reason: "labelled " + LabelEmulatorOnly}
	case t == TargetEmulator && slices.Contains(labels, LabelPhysicalOnly):
		return &SkipError{Reason: "labelled " + LabelPhysicalOnly}
	}
	if t == TargetPhysical && len(sc.Given.Config) > 0 {
		return &SkipError{Reason: fmt.Sprintf("%s: given: config: a physical terminal's configuration is set on the terminal", sc.Pos)}
	}
	for _, s := range sc.AllSteps() {
		if ok, why := s.Def.Runs(t); !ok {
			reason := fmt.Sprintf("%s: %s %s", s.Where(), s.Label(), why)
			if s.Def.Needs == "" {
				return &SkipError{Reason: reason}
			}
			return rn.unavailable(reason)
		}
	}
	return nil
}

func (rn *Runner) unavailable(reason string) error {
	if rn.StrictPending {
		return errors.New(reason)
	}
	return &SkipError{Reason: reason}
}

// Result is what a run leaves behind.
type Result struct {
	Duration  time.Duration
	Artifacts []Artifact
	// Measurements are what measure_* steps measured, failed ones too.
	Measurements []Measurement
	// Attachments are what attach steps kept (screen, receipt PNGs).
	Attachments []Attachment
}

// Run carries sc out. A scenario that cannot run returns the *SkipError
// from Check; a failed step returns a *StepError, and the Result holds the
// failure's artifacts.
func (rn *Runner) Run(ctx context.Context, sc *Scenario) (*Result, error) {
	res := &Result{}
	if err := rn.Check(sc); err != nil {
		return res, err
	}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	sess, err := rn.Target.Start(ctx, sc)
	var skip *SkipError
	if errors.As(err, &skip) {
		return res, skip
	}
	if err != nil {
		return res, fmt.Errorf("%s: scenario %q: starting the %s target: %w", sc.Pos, sc.Name, rn.Target.Name(), err)
	}
	r := &Run{ctx: ctx, target: rn.Target.Name(), sc: sc, sess: sess, log: rn.Log, onStep: rn.OnStep}
	if r.log == nil {
		r.log = io.Discard
	}
	err = r.given()
	if err == nil {
		err = r.steps(sc.AllSteps())
	}
	res.Measurements, res.Attachments = r.measures, r.attached
	if err != nil && rn.ArtifactDir != "" {
		if as, ok := sess.(ArtifactSession); ok {
			dir := filepath.Join(rn.ArtifactDir, safeName(sc.Suite.Name+"-"+sc.Name))
			if mkErr := os.MkdirAll(dir, 0o755); mkErr == nil {
				res.Artifacts = as.Artifacts(dir)
			}
		}
	}
	if cerr := sess.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("%s: scenario %q: closing the %s target: %w", sc.Pos, sc.Name, rn.Target.Name(), cerr)
	}
	return res, err
}

// given sets up what the scenario's given asks for, with the steps that
// would do it.
func (r *Run) given() error {
	if p := r.sc.Given.Printer; p != nil {
		d, _ := Lookup("printer")
		step := &Step{Name: "printer", Pos: r.sc.Pos, Params: p, Def: d} // Index 0: given
		if err := r.steps([]*Step{step}); err != nil {
			return err
		}
	}
	return r.startTerminalApp()
}

func (r *Run) steps(list []*Step) error {
	for _, s := range list {
		if err := r.ctx.Err(); err != nil {
			return &StepError{Scenario: r.sc.Name, Step: s, Msg: "not run: " + err.Error(), Err: err}
		}
		r.step = s
		if r.onStep != nil {
			r.onStep(r.sc, s)
		}
		fmt.Fprintf(r.log, "%s %s\n", s.Pos, s.Label())
		run := s.Def.emulator
		if r.target == TargetPhysical {
			run = s.Def.physical
		}
		if err := run(r, s.Params); err != nil {
			var se *StepError
			if !errors.As(err, &se) {
				se = &StepError{Msg: err.Error(), Err: err}
			}
			se.Scenario, se.Step = r.sc.Name, s
			return se
		}
	}
	return nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// Run is one scenario in progress: what a step's runner works with.
type Run struct {
	ctx      context.Context
	target   string
	sc       *Scenario
	step     *Step
	onStep   func(*Scenario, *Step)
	measures []Measurement
	attached []Attachment
	sess     Session
	log      io.Writer
	evCursor uint64
}

// Context ends when the scenario is abandoned.
func (r *Run) Context() context.Context { return r.ctx }

// Target is TargetEmulator or TargetPhysical.
func (r *Run) Target() string { return r.target }

// Scenario is the scenario being run.
func (r *Run) Scenario() *Scenario { return r.sc }

// Step is the step being run.
func (r *Run) Step() *Step { return r.step }

// Logf writes a line to the run's log.
func (r *Run) Logf(format string, args ...any) { fmt.Fprintf(r.log, "  "+format+"\n", args...) }

// Emulator is the emulated hardware; nil on a physical terminal.
func (r *Run) Emulator() *emulator.Emulator {
	if s, ok := r.sess.(EmulatorSession); ok {
		return s.Emulator()
	}
	return nil
}

// Clock is the emulator's virtual clock; nil on a physical terminal.
func (r *Run) Clock() *clock.Virtual {
	if s, ok := r.sess.(EmulatorSession); ok {
		return s.Clock()
	}
	return nil
}

// App is the terminal-side drivers; nil if the target has none.
func (r *Run) App() *App {
	if s, ok := r.sess.(AppSession); ok {
		return s.App()
	}
	return nil
}

// Operator is the person at a physical terminal; nil on the emulator.
func (r *Run) Operator() Operator {
	if s, ok := r.sess.(OperatorSession); ok {
		return s.Operator()
	}
	return nil
}

// Profile is the device profile the scenario runs with.
func (r *Run) Profile() *profile.Profile {
	if a := r.App(); a != nil {
		return a.Profile()
	}
	if r.sc.Profile != nil {
		return r.sc.Profile
	}
	return profile.Default()
}

// Timeout is d, or the suite's default, or DefaultTimeout.
func (r *Run) Timeout(d Duration) time.Duration {
	switch {
	case d > 0:
		return d.D()
	case r.sc.Suite.Timeout > 0:
		return r.sc.Suite.Timeout.D()
	}
	return DefaultTimeout
}

// Path resolves a path written in the scenario file (relative to it).
func (r *Run) Path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(r.sc.Suite.File), p)
}

// Failf is a step failure with the state seen.
func (r *Run) Failf(seen, format string, args ...any) error {
	return &StepError{Msg: fmt.Sprintf(format, args...), Seen: seen}
}
