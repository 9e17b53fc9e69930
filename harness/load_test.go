package harness_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/harness"
)

// scenario wraps steps (already indented for the steps list) in a file.
func scenario(steps string) string {
	return "suite: s\nscenarios:\n  - name: a\n    steps:\n" + steps
}

const groupFile = `suite: s
groups:
  sign on:
    params: [op]
    steps:
      - press: "${op} ENTER"
scenarios:
  - name: a
    steps:
`

var _ = Describe("loading a scenario file", func() {
	DescribeTable("refuses a bad file with file:line:column, scenario, step and the valid choices",
		func(content, want string) {
			_, err := harness.Parse("f.yaml", []byte(content))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(Equal(want))
		},
		Entry("unknown step, with a suggestion and every valid step",
			scenario("      - pres: ENTER\n"),
			`f.yaml:5:9: scenario "a": step 1 (pres): unknown step "pres" (did you mean "press"?); valid steps: `+strings.Join(append(harness.StepNames(), "use"), ", ")),
		Entry("unknown key of a step",
			scenario("      - expect_screen: {contians: x}\n"),
			`f.yaml:5:25: scenario "a": step 1 (expect_screen): unknown key "contians" (valid: blank, contains, equals, golden, lines, not_contains, regex, row, timeout, tolerance)`),
		Entry("a number where a duration goes",
			scenario("      - expect_screen: {contains: x, timeout: 2}\n"),
			`f.yaml:5:47: scenario "a": step 1 (expect_screen): timeout: want a duration such as 500ms or 2s, got "2"`),
		Entry("text where a number goes",
			scenario("      - lcd_text: {x: left, text: a}\n"),
			`f.yaml:5:23: scenario "a": step 1 (lcd_text): x: want a whole number, got "left"`),
		Entry("a list where text goes",
			scenario("      - press: [1, [2]]\n"),
			`f.yaml:5:20: scenario "a": step 1 (press): want text, got a list`),
		Entry("two steps under one dash",
			scenario("      - press: ENTER\n        scan: \"123\"\n"),
			`f.yaml:5:9: scenario "a": step 1: a step has exactly one key, the step's name; got 2 (press, scan): start each step with its own "- "`),
		Entry("a step name without a value",
			scenario("      - tear_off\n"),
			`f.yaml:5:9: scenario "a": step 1: a step is one key and its value, such as "- press: ENTER"; got "tear_off" (a step with no values is written "- tear_off: {}")`),
		Entry("a missing required key",
			scenario("      - lcd_text: {x: 1}\n"),
			`f.yaml:5:19: scenario "a": step 1 (lcd_text): missing required key "text"`),
		Entry("a value out of its set",
			scenario("      - unplug: keyboard\n"),
			`f.yaml:5:17: scenario "a": step 1 (unplug): device "keyboard": valid: lcd, custdisplay, keypad, scanner, printer, usb-printer`),
		Entry("an event kind out of its set",
			scenario("      - expect_key: {keys: [1], event: bogus}\n"),
			`f.yaml:5:21: scenario "a": step 1 (expect_key): event "bogus": valid: key, disconnected, reconnected`),
		Entry("a check that checks nothing",
			scenario("      - expect_screen: {}\n"),
			`f.yaml:5:24: scenario "a": step 1 (expect_screen): say what to expect: contains, not_contains, equals, regex, lines, blank or golden`),
		Entry("a bad regular expression",
			scenario("      - expect_screen: {regex: \"(\"}\n"),
			"f.yaml:5:32: scenario \"a\": step 1 (expect_screen): regex: regex \"(\": missing closing ): `(`"),
		Entry("a bad colour",
			scenario("      - lcd_text: {text: a, color: purple}\n"),
			`f.yaml:5:36: scenario "a": step 1 (lcd_text): color: colour "purple": use a name (black, white, red, green, blue, yellow, cyan, magenta, gray), #RRGGBB or an RGB565 number`),
		Entry("a bad amount",
			scenario("      - type_amount: 12.505\n"),
			`f.yaml:5:22: scenario "a": step 1 (type_amount): amount "12.505": write yuan with up to two decimals, such as 12.50`),
		Entry("a percentage over 100",
			scenario("      - expect_screen: {contains: x, tolerance: 200%}\n"),
			`f.yaml:5:49: scenario "a": step 1 (expect_screen): tolerance: want a percentage from 0% to 100%, such as 0.5%, got "200%"`),
		Entry("an undefined variable, none defined",
			scenario("      - scan: \"${code}\"\n"),
			`f.yaml:5:15: scenario "a": step 1 (scan): undefined variable "code": no variables are defined here`),
		Entry("an undefined variable, listing the defined ones",
			"suite: s\nvariables: {amount: \"1\", card: \"2\"}\n"+scenario("      - scan: \"${code}\"\n")[9:],
			`f.yaml:6:15: scenario "a": step 1 (scan): undefined variable "code" (defined: amount, card)`),
		Entry("an unterminated variable",
			scenario("      - scan: \"${code\"\n"),
			`f.yaml:5:15: scenario "a": step 1 (scan): unterminated ${ in "${code" (write $${ for a literal ${)`),
		Entry("a group that does not exist, in a file without groups",
			scenario("      - use: sign on\n"),
			`f.yaml:5:9: scenario "a": step 1 (use): no group "sign on": this file defines no groups`),
		Entry("a group that does not exist, with a suggestion",
			groupFile+"      - use: sign in\n",
			`f.yaml:10:9: scenario "a": step 1 (use): no group "sign in" (did you mean "sign on"?); groups: sign on`),
		Entry("a group's parameter left out",
			groupFile+"      - use: sign on\n",
			`f.yaml:10:9: scenario "a": step 1 (use): group "sign on" needs parameter "op" (give it under with:)`),
		Entry("a parameter the group does not take",
			groupFile+"      - use: {group: sign on, with: {op: \"01\", pw: \"2\"}}\n",
			`f.yaml:10:9: scenario "a": step 1 (use): group "sign on" has no parameter "pw" (params: op)`),
		Entry("a bad value inside a group, with where it was used",
			"suite: s\ngroups:\n  title:\n    params: [x]\n    steps:\n      - lcd_text: {x: \"${x}\", text: hi}\nscenarios:\n  - name: a\n    steps:\n      - use: {group: title, with: {x: \"8\"}}\n      - use: {group: title, with: {x: left}}\n",
			`f.yaml:6:23: scenario "a": group "title" step 1 (lcd_text) used at f.yaml:11:9: x: want a whole number, got "left"`),
		Entry("groups that use each other",
			"suite: s\ngroups:\n  a:\n    steps:\n      - use: b\n  b:\n    steps:\n      - use: a\nscenarios:\n  - name: x\n    steps:\n      - use: a\n",
			`f.yaml:8:9: scenario "x": group "b" step 1 (use) used at f.yaml:5:9 used at f.yaml:12:9: group "a" uses itself: a → b → a`),
		Entry("a misspelt step in a group no scenario uses",
			"suite: s\ngroups:\n  g:\n    steps:\n      - presss: 1\nscenarios: []\n",
			`f.yaml:5:9: group "g" step 1: unknown step "presss" (did you mean "press"?); valid steps: `+strings.Join(append(harness.StepNames(), "use"), ", ")),
		Entry("an unknown top-level key, and the key it hides",
			"suite: s\nscenario:\n  - name: a\n",
			"f.yaml:2:1: unknown key \"scenario\" (valid: app, description, groups, labels, scenarios, setup, suite, timeout, variables)\nf.yaml:1:1: missing required key \"scenarios\""),
		Entry("no suite name",
			"scenarios: []\n",
			`f.yaml:1:1: missing required key "suite"`),
		Entry("an unknown key of a scenario",
			"suite: s\nscenarios:\n  - name: a\n    stpes: []\n",
			"f.yaml:4:5: scenario \"a\": unknown key \"stpes\" (valid: given, labels, name, skip, steps, title)\nf.yaml:3:5: scenario \"a\": missing required key \"steps\""),
		Entry("a label Ginkgo cannot filter on",
			"suite: s\nlabels: [\"bad label\"]\nscenarios: []\n",
			`f.yaml:2:10: label "bad label": labels are letters, digits and _ . : - (no spaces; Ginkgo's filter syntax uses the rest)`),
		Entry("two scenarios with one name",
			"suite: s\nscenarios:\n  - name: a\n    steps: []\n  - name: a\n    steps: []\n",
			`f.yaml:5:5: scenario "a": a scenario with this name is already at f.yaml:3:5`),
		Entry("a scenario for neither target",
			"suite: s\nscenarios:\n  - name: a\n    labels: [emulator-only, physical-only]\n    steps: []\n",
			`f.yaml:3:5: scenario "a": labelled both emulator-only and physical-only: it could never run`),
		Entry("an unknown profile",
			"suite: s\nscenarios:\n  - name: a\n    given: {profile: nope}\n    steps: []\n",
			`f.yaml:4:22: scenario "a": given: profile: profile "nope": no such built-in profile (have: lakala-default)`),
		Entry("a profile value that does not exist",
			"suite: s\nscenarios:\n  - name: a\n    given: {profile_set: {lcd.widht: 3}}\n    steps: []\n",
			`f.yaml:4:26: scenario "a": given: profile_set: lcd.widht: the profile has no value "widht" here (see docs/profiles.md)`),
		Entry("a profile value out of range",
			"suite: s\nscenarios:\n  - name: a\n    given: {profile_set: {lcd.width: -3}}\n    steps: []\n",
			`f.yaml:4:26: scenario "a": given: profile_set: lcd.width: -3 is out of range 64–1280 pixels`),
		Entry("a bad buyer in given",
			"suite: s\nscenarios:\n  - name: a\n    given: {buyers: [{code: \"1\", balance: lots}]}\n    steps: []\n",
			`f.yaml:4:22: scenario "a": given: buyers: item 1: balance "lots": write yuan with up to two decimals`),
		Entry("YAML that does not parse",
			"suite: x\n  bad: indent\n",
			`f.yaml:2: not valid YAML: mapping values are not allowed in this context`),
		Entry("a list instead of a mapping",
			"- a\n- b\n",
			`f.yaml:1:1: a scenario file is a mapping with keys suite, scenarios, …; got a list`),
		Entry("an empty file",
			"",
			`f.yaml: the file is empty: a scenario file is a mapping with keys suite, scenarios, …`),
		Entry("a merge key",
			"suite: s\nscenarios:\n  - name: a\n    steps:\n      - expect_screen: {<<: {contains: x}}\n",
			`f.yaml:5:25: scenario "a": step 1 (expect_screen): merge keys (<<) are not supported: use a group (use:) to share steps`),
	)

	It("reports every bad step of a file, not only the first", func() {
		_, err := harness.Parse("f.yaml", []byte(scenario("      - pres: 1\n      - scan: \"1\"\n      - unplug: x\n")))
		var errs harness.LoadErrors
		Expect(err).To(BeAssignableToTypeOf(errs))
		errs = err.(harness.LoadErrors)
		Expect(errs).To(HaveLen(2))
		Expect(errs[0].Pos.Line).To(Equal(5))
		Expect(errs[1].Pos.Line).To(Equal(7))
		Expect(errs[1].Scenario).To(Equal("a"))
		Expect(errs[1].Step).To(Equal("step 3 (unplug)"))
	})

	It("reads every step's documented example", func() {
		for _, d := range harness.Steps() {
			_, err := harness.Parse("f.yaml", []byte("suite: s\nvariables: {op_password: x}\nscenarios:\n  - name: a\n    steps:\n      "+d.Example+"\n"))
			Expect(err).NotTo(HaveOccurred(), "the example of %s", d.Name)
		}
	})

	It("takes numbers where text goes, as written", func() {
		s, err := harness.Parse("f.yaml", []byte(scenario("      - scan: 286612345678901234\n      - lcd_text: {text: 12.50}\n")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Scenarios[0].Steps[0].Params).To(Equal(&harness.ScanStep{Code: "286612345678901234"}))
		Expect(s.Scenarios[0].Steps[1].Params.(*harness.LCDTextStep).Text).To(Equal("12.50"))
	})
})
