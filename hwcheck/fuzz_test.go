package hwcheck_test

import (
	"slices"
	"testing"

	"github.com/posemu/posemu/fixtures"
	"github.com/posemu/posemu/hwcheck"
)

// FuzzParseFault: --inject values come from command lines and CI files.
func FuzzParseFault(f *testing.F) {
	for _, s := range []string{"keypad.unplugged", "printer.paper=out", "lcd.busy=3", "printer.cover=", ".=", "a.b.c=d", "usb-printer.unplugged"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		fl, err := hwcheck.ParseFault(spec)
		if err != nil {
			return
		}
		if fl.String() != spec || fl.Device == "" || fl.What == "" {
			t.Fatalf("ParseFault(%q) = %+v", spec, fl)
		}
	})
}

// FuzzParsePlan: a plan file is outside input; whatever it holds, the
// loader answers with a plan whose every check has one known tier, or an
// error.
func FuzzParsePlan(f *testing.F) {
	def, err := fixtures.HWCheck.ReadFile(hwcheck.DefaultPlanFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(def))
	f.Add("suite: s\nscenarios:\n  - name: a\n    labels: [internal]\n    steps: [{note: x}]\n")
	f.Add("suite: s\nscenarios:\n  - name: a\n    labels: [internal, external]\n    steps: [{measure_lcd_round_trip: {max: 1s}}]\n")
	f.Fuzz(func(t *testing.T, data string) {
		p, err := hwcheck.ParsePlan("f.yaml", []byte(data), map[string]string{"serial": "S"})
		if err != nil {
			return
		}
		for _, c := range p.Checks {
			if !slices.Contains(hwcheck.Tiers, c.Tier) {
				t.Fatalf("check %s in tier %q", c.Name(), c.Tier)
			}
		}
	})
}

// FuzzCheckSerial: a serial number names files; nothing it accepts may
// leave the report directory.
func FuzzCheckSerial(f *testing.F) {
	for _, s := range []string{"TEST001", "../x", "a/b", ".", "SN-1.2_3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if hwcheck.CheckSerial(s) != nil {
			return
		}
		for _, r := range s {
			if r == '/' || r == '\\' || r == 0 {
				t.Fatalf("accepted %q", s)
			}
		}
		if s[0] == '.' || len(s) > 64 {
			t.Fatalf("accepted %q", s)
		}
	})
}
