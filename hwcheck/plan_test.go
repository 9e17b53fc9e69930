package hwcheck_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/harness"
	"github.com/posemu/posemu/hwcheck"
)

var _ = Describe("check plans", func() {
	It("loads the embedded default plan: every check in one tier, tiers in order", func() {
		p, err := hwcheck.LoadPlan("", map[string]string{"serial": "SN1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(p.File).To(ContainSubstring("fixtures/hwcheck/default.yaml"))
		Expect(p.SHA256).To(HaveLen(64))
		Expect(p.TierNames()).To(Equal(hwcheck.Tiers))
		var names []string
		for _, c := range p.Checks {
			names = append(names, c.Name())
			Expect(c.Title("zh")).NotTo(Equal(c.Name()), "check %s has a Chinese title", c.Name())
		}
		Expect(names).To(ContainElements("lcd-info", "printer-status", "usb-printer", "test-slip", "keys", "scan"))
	})

	It("names the devices a check uses, from its steps", func() {
		p, err := hwcheck.LoadPlan("", nil)
		Expect(err).NotTo(HaveOccurred())
		devs := map[string][]string{}
		for _, c := range p.Checks {
			devs[c.Name()] = c.Devices()
		}
		Expect(devs["keys"]).To(Equal([]string{"keypad"}))
		Expect(devs["usb-printer"]).To(Equal([]string{"usb-printer"}))
		Expect(devs["test-slip"]).To(Equal([]string{"printer"}))
		Expect(devs["custdisplay-port"]).To(Equal([]string{"custdisplay"}))
	})

	It("refuses a check without exactly one tier, at its line", func() {
		_, err := hwcheck.ParsePlan("p.yaml", []byte(`suite: s
scenarios:
  - name: a
    labels: [internal]
    steps: [{note: hi}]
  - name: b
    steps: [{note: hi}]
  - name: c
    labels: [internal, external]
    steps: [{note: hi}]
`), nil)
		Expect(err).To(MatchError(ContainSubstring(`p.yaml:6:5: scenario "b": a check has exactly one tier label (internal, external, interactive); this one has 0`)))
		Expect(err).To(MatchError(ContainSubstring(`p.yaml:8:5: scenario "c": a check has exactly one tier label`)))
	})

	It("refuses what the scenario loader refuses, with file:line:column", func() {
		_, err := hwcheck.ParsePlan("p.yaml", []byte("suite: s\nscenarios:\n  - name: a\n    labels: [internal]\n    steps: [{measure_lcd_round_trip: {max: fast}}]\n"), nil)
		var le harness.LoadErrors
		Expect(err).To(BeAssignableToTypeOf(le))
		Expect(err.Error()).To(HavePrefix("p.yaml:5:"))
		Expect(err.Error()).To(ContainSubstring("max"))
	})

	It("keeps the checks of the tiers asked for", func() {
		p, err := hwcheck.LoadPlan("", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Select([]string{"internal"})).To(Succeed())
		for _, c := range p.Checks {
			Expect(c.Tier).To(Equal("internal"))
		}
		Expect(p.Select([]string{"outer"})).To(MatchError(`tier "outer": valid: internal, external, interactive`))
	})
})

var _ = Describe("--inject", func() {
	DescribeTable("takes the faults the control API offers",
		func(spec string) {
			f, err := hwcheck.ParseFault(spec)
			Expect(err).NotTo(HaveOccurred())
			Expect(f.String()).To(Equal(spec))
		},
		Entry(nil, "keypad.unplugged"), Entry(nil, "usb-printer.unplugged"), Entry(nil, "printer.paper=out"),
		Entry(nil, "printer.paper=near_end"), Entry(nil, "printer.cover=open"), Entry(nil, "printer.cutter=jammed"),
		Entry(nil, "printer.drawer=open"), Entry(nil, "lcd.busy=10"),
	)
	DescribeTable("refuses others, listing what is valid",
		func(spec, msg string) {
			_, err := hwcheck.ParseFault(spec)
			Expect(err).To(MatchError(And(ContainSubstring(msg), ContainSubstring("DEVICE.unplugged (DEVICE: lcd, custdisplay, keypad, scanner, printer, usb-printer)"))))
		},
		Entry(nil, "modem.unplugged", `unknown device "modem"`),
		Entry(nil, "printer.paper=wet", "printer.paper takes ok, near_end, near-end, out"),
		Entry(nil, "keypad.unplugged=1", "unplugged takes no value"),
		Entry(nil, "keypad.sticky", `no fault "sticky" on the keypad`),
		Entry(nil, "lcd.busy=many", "lcd.busy takes a number of frames"),
		Entry(nil, "paper", "write DEVICE.FAULT"),
	)
})
