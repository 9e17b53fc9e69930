package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/hwcheck"
)

var _ = Describe("a station that cannot run", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		Expect(os.WriteFile(p, []byte(content), 0o644)).To(Succeed())
		return p
	}

	// cannotRun runs hwcheck, expects exit 3, an error naming want on
	// stderr, and a record that says the station could not run.
	cannotRun := func(record string, want []string, args ...string) *hwcheck.Record {
		GinkgoHelper()
		r := hw(nil, append(args, "--report-dir", filepath.Join(dir, "out"), "--non-interactive")...)
		Expect(r.code).To(Equal(3), r.stdout+r.stderr)
		for _, w := range want {
			Expect(r.stderr).To(ContainSubstring(w))
		}
		Expect(r.stdout).To(ContainSubstring("The station could not run."))
		rec := readRecord(filepath.Join(dir, "out", record))
		Expect(rec.Verdict).To(Equal("error"))
		Expect(rec.Checks).To(BeEmpty())
		for _, w := range want {
			Expect(rec.Error).To(ContainSubstring(w))
		}
		Expect(rec.Reasons).NotTo(BeEmpty())
		Expect(rec.Reasons).To(HaveEach(HavePrefix("station could not run: ")))
		junit, err := os.ReadFile(filepath.Join(dir, "out", strings.TrimSuffix(record, ".json")+".junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(junit)).To(ContainSubstring(`errors="1"`))
		return rec
	}

	It("names a station file that is not there", func() {
		rec := cannotRun("S1.json", []string{"station file nope.yaml:", "no such file"}, "--station", "nope.yaml", "--serial", "S1")
		Expect(rec.Station.File).To(Equal("nope.yaml"))
	})

	It("names the line of a bad station file", func() {
		st := write("bench.yaml", "name: bench\ndevices:\n  keyboard: /dev/ttyS1\n")
		cannotRun("S1.json", []string{st + ":3:", `unknown device "keyboard"`}, "--station", st, "--serial", "S1")
	})

	It("names every device the plan needs that the station lacks, and the checks that need it", func() {
		st := write("bench.yaml", fmt.Sprintf("name: bench\ndevices:\n  lcd: %s\n  keypad: %s\n", os.DevNull, os.DevNull))
		rec := cannotRun("S1.json", []string{
			st + ": no address for the scanner (needed by scanner-port, scan): add it under devices:",
			st + ": no address for the usb-printer (needed by usb-printer)",
			st + ": no address for the printer (needed by printer-status, test-slip)",
		}, "--station", st, "--serial", "S1")
		Expect(rec.Reasons).To(HaveLen(4), "one line per device")
		Expect(rec.Station).To(Equal(hwcheck.StationInfo{Name: "bench", File: st, Target: "physical", Profile: "lakala-default",
			Devices: map[string]string{"lcd": os.DevNull, "keypad": os.DevNull}}))
		Expect(rec.Plan.SHA256).To(HaveLen(64))
	})

	It("names a device whose port is not there, with its path", func() {
		st := write("bench.yaml", fmt.Sprintf("name: bench\ndevices:\n  lcd: /dev/ttyNOPE9\n  keypad: %s\n", os.DevNull))
		cannotRun("S1.json", []string{st + ": devices: the lcd is missing: /dev/ttyNOPE9 does not exist (needed by lcd-info, lcd-pixels, lcd-chinese)"},
			"--station", st, "--serial", "S1", "--tier", "internal,external", "--plan", write("lcd.yaml", lcdPlan))
	})

	It("names the file, line and check of a bad plan", func() {
		plan := write("plan.yaml", "suite: s\nscenarios:\n  - name: a\n    steps: [{note: hi}]\n")
		cannotRun("S2.json", []string{plan + `:3:5: scenario "a": a check has exactly one tier label`}, "--emulator", "--serial", "S2", "--plan", plan)
	})

	It("names a plan file that is not there", func() {
		cannotRun("S3.json", []string{"plan nope.yaml:"}, "--emulator", "--serial", "S3", "--plan", "nope.yaml")
	})

	It("writes a record named after the time when no serial number was given", func() {
		r := hw(strings.NewReader(""), "--emulator", "--plan", "nope.yaml", "--report-dir", dir)
		Expect(r.code).To(Equal(3))
		files, _ := filepath.Glob(filepath.Join(dir, "station-error-*.json"))
		Expect(files).To(HaveLen(1))
	})
})

const lcdPlan = `suite: lcd only
scenarios:
  - name: lcd-info
    labels: [internal]
    steps: [{expect_lcd_info: {width: 320}}]
  - name: lcd-pixels
    labels: [external]
    steps: [{lcd_clear: black}, {expect_screen_fill: black}]
  - name: lcd-chinese
    labels: [external]
    steps: [{lcd_text: {text: "中文"}}]
`

var _ = Describe("the command line", func() {
	DescribeTable("is refused with exit status 2",
		func(msg string, args ...string) {
			r := hw(nil, args...)
			Expect(r.code).To(Equal(2))
			Expect(r.stderr).To(ContainSubstring(msg))
		},
		Entry(nil, "--station FILE or --emulator"),
		Entry(nil, "choose one", "--emulator", "--station", "x.yaml"),
		Entry(nil, "--inject needs --emulator", "--station", "x.yaml", "--inject", "keypad.unplugged"),
		Entry(nil, `unknown device "modem"`, "--emulator", "--inject", "modem.unplugged"),
		Entry(nil, "--non-interactive needs --serial", "--emulator", "--non-interactive"),
		Entry(nil, "--loop needs an operator", "--emulator", "--non-interactive", "--serial", "A", "--loop"),
		Entry(nil, `serial number "../x"`, "--emulator", "--serial", "../x"),
		Entry(nil, `--lang "fr": en or zh`, "--emulator", "--lang", "fr"),
		Entry(nil, "flag provided but not defined: -frobnicate", "--frobnicate"),
	)
})
