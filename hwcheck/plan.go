package hwcheck

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/posemu/posemu/fixtures"
	"github.com/posemu/posemu/harness"
)

// Tiers, in the order a plan runs them.
const (
	TierInternal    = "internal"    // the devices answer
	TierExternal    = "external"    // they show and print what a person can judge
	TierInteractive = "interactive" // the operator presses and scans
)

// Tiers lists every tier.
var Tiers = []string{TierInternal, TierExternal, TierInteractive}

// DefaultPlanFile is the default plan inside fixtures.HWCheck.
const DefaultPlanFile = "hwcheck/default.yaml"

// defaultPlanName is how reports and errors name the embedded plan.
const defaultPlanName = "fixtures/hwcheck/default.yaml (embedded)"

// Plan is a check plan: a scenario suite whose scenarios are checks.
type Plan struct {
	Suite *harness.Suite
	// File is where it came from (defaultPlanName for the default).
	File string
	// SHA256 is the hash of the file's bytes, so a record says exactly
	// which plan a unit was checked with.
	SHA256 string
	Checks []*Check
}

// Check is one check of a plan.
type Check struct {
	Scenario *harness.Scenario
	Tier     string
}

// Name is the check's id: its scenario's name.
func (c *Check) Name() string { return c.Scenario.Name }

// Title is the check's name in lang, or its title in English, or its id.
func (c *Check) Title(lang string) string {
	for _, l := range []string{lang, "en"} {
		if t := c.Scenario.Title[l]; t != "" {
			return t
		}
	}
	return c.Scenario.Name
}

// LoadPlan reads the plan at path, or the default plan when path is "".
// vars override the plan's variables (serial, a station's).
func LoadPlan(path string, vars map[string]string) (*Plan, error) {
	if path == "" {
		data, err := fixtures.HWCheck.ReadFile(DefaultPlanFile)
		if err != nil {
			return nil, err
		}
		return ParsePlan(defaultPlanName, data, vars)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", path, err)
	}
	return ParsePlan(path, data, vars)
}

// ParsePlan checks a plan's content: as a scenario suite (the harness's
// loader, every error with file:line:column), then that every check has
// exactly one tier.
func ParsePlan(file string, data []byte, vars map[string]string) (*Plan, error) {
	s, err := harness.ParseWith(file, data, harness.LoadOptions{Variables: vars})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	p := &Plan{Suite: s, File: file, SHA256: hex.EncodeToString(sum[:])}
	var errs harness.LoadErrors
	for _, sc := range s.Scenarios {
		var tiers []string
		for _, l := range sc.AllLabels() {
			if slices.Contains(Tiers, l) {
				tiers = append(tiers, l)
			}
		}
		if len(tiers) != 1 {
			errs = append(errs, &harness.LoadError{Pos: sc.Pos, Scenario: sc.Name,
				Msg: fmt.Sprintf("a check has exactly one tier label (%s); this one has %d: %v", strings.Join(Tiers, ", "), len(tiers), tiers)})
			continue
		}
		p.Checks = append(p.Checks, &Check{Scenario: sc, Tier: tiers[0]})
	}
	if len(s.Scenarios) == 0 {
		errs = append(errs, &harness.LoadError{Pos: harness.Pos{File: file}, Msg: "the plan has no checks"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	// Tiers run in order (internal first: no point asking a person to
	// press keys on a unit whose keypad does not answer), checks within a
	// tier in file order.
	slices.SortStableFunc(p.Checks, func(a, b *Check) int {
		return slices.Index(Tiers, a.Tier) - slices.Index(Tiers, b.Tier)
	})
	return p, nil
}

// Select keeps the checks of the given tiers (all when tiers is empty).
func (p *Plan) Select(tiers []string) error {
	if len(tiers) == 0 {
		return nil
	}
	for _, t := range tiers {
		if !slices.Contains(Tiers, t) {
			return fmt.Errorf("tier %q: valid: %s", t, strings.Join(Tiers, ", "))
		}
	}
	p.Checks = slices.DeleteFunc(p.Checks, func(c *Check) bool { return !slices.Contains(tiers, c.Tier) })
	if len(p.Checks) == 0 {
		return fmt.Errorf("plan %s has no checks in tiers %s", p.File, strings.Join(tiers, ", "))
	}
	return nil
}

// TierNames are the tiers the plan's checks are in, in run order.
func (p *Plan) TierNames() []string {
	var out []string
	for _, c := range p.Checks {
		if !slices.Contains(out, c.Tier) {
			out = append(out, c.Tier)
		}
	}
	return out
}

// Devices are the devices the check's steps use, by the step's area (keys:
// the keypad, …) or its device parameter.
func (c *Check) Devices() []string {
	var out []string
	add := func(d string) {
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, s := range c.Scenario.AllSteps() {
		add(stepDevice(s))
	}
	return out
}

var measureDevices = map[string]string{
	"measure_key_latency": harness.DevKeypad, "measure_scan_decode": harness.DevScanner,
	"measure_lcd_round_trip": harness.DevLCD, "measure_printer_status": harness.DevPrinter,
	"measure_usb_enumeration": harness.DevUSBPrinter,
}

var areaDevices = map[string]string{
	"keys": harness.DevKeypad, "scanner": harness.DevScanner, "display": harness.DevLCD,
	"customer display": harness.DevCustDisplay, "printer": harness.DevPrinter, "usb": harness.DevUSBPrinter,
}

func stepDevice(s *harness.Step) string {
	if d, ok := s.Params.(*harness.DeviceStep); ok {
		return d.Device
	}
	if d, ok := measureDevices[s.Name]; ok {
		return d
	}
	return areaDevices[s.Def.Area]
}
