package hwcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/posemu/posemu/harness"
)

// Unit is one terminal to check, and where and how.
type Unit struct {
	Serial   string
	Plan     *Plan
	Target   harness.Target
	Station  StationInfo
	Operator string
	Lang     string
	Injected []string
	// UI shows progress; nil shows nothing.
	UI *Console
	// Log receives every step's log line (--verbose); nil discards.
	Log     io.Writer
	Version string
}

// Run runs every check of the plan on the unit, in order; a failed check
// does not stop the others. The record it returns is not written yet.
func (u *Unit) Run(ctx context.Context) *Record {
	rec := u.newRecord()
	artDir, err := os.MkdirTemp("", "hwcheck-artifacts-")
	if err != nil {
		return u.StationError(rec, fmt.Errorf("temporary directory for failure pictures: %w", err))
	}
	defer os.RemoveAll(artDir)
	if u.UI != nil {
		u.UI.UnitStart(u.Serial, u.Plan, u.Station)
	}
	for i, c := range u.Plan.Checks {
		if u.UI != nil {
			u.UI.CheckStart(i+1, len(u.Plan.Checks), c)
		}
		cr := u.runCheck(ctx, c, artDir)
		if u.UI != nil {
			u.UI.CheckEnd(cr)
		}
		rec.Checks = append(rec.Checks, cr)
	}
	u.finish(rec)
	if err := ctx.Err(); err != nil {
		return u.StationError(rec, fmt.Errorf("interrupted (%v): the unit was not checked to the end", err))
	}
	return rec
}

func (u *Unit) newRecord() *Record {
	host, _ := os.Hostname()
	rec := &Record{Schema: RecordSchema, Serial: u.Serial, Reasons: []string{}, Station: u.Station,
		Operator: u.Operator, Lang: u.Lang, Injected: u.Injected, Started: time.Now(), Checks: []CheckResult{},
		Tool: ToolInfo{Version: u.Version, Host: host}}
	if u.Plan != nil {
		rec.Plan = PlanInfo{Name: u.Plan.Suite.Name, File: u.Plan.File, SHA256: u.Plan.SHA256, Tiers: u.Plan.TierNames()}
	}
	if rec.Plan.Tiers == nil {
		rec.Plan.Tiers = []string{}
	}
	if rec.Station.Devices == nil {
		rec.Station.Devices = map[string]string{}
	}
	return rec
}

// StationError turns rec (nil: a new one) into the record of a station
// that could not run, saying why.
func (u *Unit) StationError(rec *Record, err error) *Record {
	if rec == nil {
		rec = u.newRecord()
	}
	rec.Verdict = VerdictError
	rec.Error = err.Error()
	for _, l := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
		rec.Reasons = append(rec.Reasons, "station could not run: "+l)
	}
	if rec.Finished.IsZero() {
		rec.Finished = time.Now()
		rec.Duration = Millis(rec.Finished.Sub(rec.Started))
	}
	return rec
}

func (u *Unit) finish(rec *Record) {
	rec.Finished = time.Now()
	rec.Duration = Millis(rec.Finished.Sub(rec.Started))
	rec.Summary = Summary{Checks: len(rec.Checks)}
	for _, c := range rec.Checks {
		switch c.Verdict {
		case VerdictPass:
			rec.Summary.Passed++
		case VerdictFail:
			rec.Summary.Failed++
			rec.Reasons = append(rec.Reasons, c.Name+": "+c.Reason)
		case VerdictSkip:
			rec.Summary.Skipped++
		}
	}
	rec.Verdict = VerdictPass
	if rec.Summary.Failed > 0 || rec.Summary.Passed == 0 {
		rec.Verdict = VerdictFail
	}
	if rec.Summary.Passed == 0 && rec.Summary.Failed == 0 {
		rec.Reasons = append(rec.Reasons, "no check ran on this target")
	}
}

// offTarget says why the plan keeps a check off this target ("" when it
// does not): its skip, or an emulator-only / physical-only label. Such a
// check is skipped without failing the unit; a check that should run here
// and cannot (a step the target lacks) fails it.
func offTarget(c *Check, target string) string {
	labels := c.Scenario.AllLabels()
	switch {
	case c.Scenario.Skip != "":
		return c.Scenario.Skip
	case target == harness.TargetPhysical && slices.Contains(labels, harness.LabelEmulatorOnly):
		return "labelled " + harness.LabelEmulatorOnly + ": not on a physical terminal"
	case target == harness.TargetEmulator && slices.Contains(labels, harness.LabelPhysicalOnly):
		return "labelled " + harness.LabelPhysicalOnly + ": not on the emulator"
	}
	return ""
}

func (u *Unit) runCheck(ctx context.Context, c *Check, artDir string) CheckResult {
	cr := CheckResult{Name: c.Name(), Title: c.Title(u.Lang), Tier: c.Tier, Started: time.Now(),
		Measurements: []harness.Measurement{}, Steps: []StepResult{}}
	if why := offTarget(c, u.Target.Name()); why != "" {
		cr.Verdict, cr.Reason = VerdictSkip, why
		return cr
	}
	var log bytes.Buffer
	var w io.Writer = &log
	if u.Log != nil {
		w = io.MultiWriter(&log, u.Log)
	}
	stepStart := time.Time{}
	rn := &harness.Runner{Target: u.Target, Log: w, ArtifactDir: artDir}
	rn.OnStep = func(_ *harness.Scenario, s *harness.Step) {
		now := time.Now()
		if n := len(cr.Steps); n > 0 {
			cr.Steps[n-1].Verdict, cr.Steps[n-1].Duration = VerdictPass, Millis(now.Sub(stepStart))
		}
		stepStart = now
		cr.Steps = append(cr.Steps, StepResult{Step: s.Label(), At: s.Where()})
		if u.UI != nil {
			u.UI.Step(s)
		}
	}
	if err := ctx.Err(); err != nil {
		cr.Verdict, cr.Reason, cr.Detail = VerdictFail, "not run: "+err.Error(), err.Error()
		return cr
	}
	res, err := rn.Run(ctx, c.Scenario)
	end := time.Now()
	cr.Duration = Millis(end.Sub(cr.Started))
	if n := len(cr.Steps); n > 0 {
		cr.Steps[n-1].Duration = Millis(end.Sub(stepStart))
		cr.Steps[n-1].Verdict = VerdictPass
		if err != nil {
			cr.Steps[n-1].Verdict = VerdictFail
		}
	}
	cr.Log = strings.Split(strings.TrimRight(log.String(), "\n"), "\n")
	if res != nil {
		cr.Measurements = append(cr.Measurements, res.Measurements...)
		for _, a := range res.Attachments {
			cr.Attachments = append(cr.Attachments, AttachmentRef{Name: c.Name() + "." + a.Name, Data: a.Data})
		}
		cr.Attachments = append(cr.Attachments, failureArtifacts(c, res.Artifacts)...)
	}
	cr.Verdict = VerdictPass
	if err != nil {
		cr.Verdict = VerdictFail
		cr.Reason, cr.At = reason(c, err)
		cr.Detail = err.Error()
	}
	return cr
}

// reason is a failure in one line, and where in the plan.
func reason(c *Check, err error) (string, string) {
	var se *harness.StepError
	var skip *harness.SkipError
	switch {
	case errors.As(err, &se) && se.Step != nil:
		r := se.Step.Label() + ": " + firstLine(se.Msg)
		if seen := strings.TrimSpace(firstLine(se.Seen)); seen != "" && !strings.HasSuffix(seen, ":") {
			r += "; last seen: " + seen
		}
		return r, se.Step.Where()
	case errors.As(err, &skip):
		return "cannot run on this target: " + firstLine(skip.Reason), c.Scenario.Pos.String()
	}
	if inner := errors.Unwrap(err); inner != nil && strings.Contains(err.Error(), "starting the") {
		return "could not start: " + firstLine(inner.Error()), c.Scenario.Pos.String()
	}
	return firstLine(err.Error()), c.Scenario.Pos.String()
}

// failureArtifacts keeps what a failed check's devices showed: the screen
// for a check that uses the LCD, the receipt for one that prints.
func failureArtifacts(c *Check, arts []harness.Artifact) []AttachmentRef {
	devs := c.Devices()
	relevant := map[string]string{
		"lcd.png": harness.DevLCD, "lcd text": harness.DevLCD, "customer display": harness.DevCustDisplay,
		"receipt.png": harness.DevPrinter, "receipt text": harness.DevPrinter,
	}
	var out []AttachmentRef
	for _, a := range arts {
		if d, ok := relevant[a.Name]; ok && !slices.Contains(devs, d) {
			continue
		}
		switch {
		case a.Path != "":
			if data, err := os.ReadFile(a.Path); err == nil {
				out = append(out, AttachmentRef{Name: c.Name() + ".failed-" + a.Name, Data: data})
			}
		case a.Text != "":
			out = append(out, AttachmentRef{Name: a.Name, Text: a.Text})
		}
	}
	return out
}
