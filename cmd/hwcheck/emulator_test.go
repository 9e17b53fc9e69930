package main

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"os"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/hwcheck"
)

var _ = Describe("hwcheck --emulator", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("passes a healthy emulated unit with the default plan: exit 0, and a record of everything", func() {
		r := hw(nil, "--emulator", "--serial", "TEST001", "--report-dir", dir, "--non-interactive", "--operator", "QA-7")
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(r.stdout).To(ContainSubstring("PASS  TEST001: all 14 checks passed"))
		Expect(r.stdout).NotTo(ContainSubstring("\x1b"), "no colour when stdout is not a terminal")

		rec := readRecord(inDir(dir, "TEST001.json"))
		Expect(rec.Schema).To(Equal(hwcheck.RecordSchema))
		Expect(rec.Serial).To(Equal("TEST001"))
		Expect(rec.Attempt).To(Equal(1))
		Expect(rec.Verdict).To(Equal("pass"))
		Expect(rec.Reasons).To(BeEmpty())
		Expect(rec.Operator).To(Equal("QA-7"))
		Expect(rec.Station.Target).To(Equal("emulator"))
		Expect(rec.Station.Profile).To(Equal("lakala-default"))
		Expect(rec.Station.Devices).To(HaveKeyWithValue("usb-printer", MatchRegexp(`^usbip://127\.0\.0\.1:\d+/1-1$`)))
		Expect(rec.Plan.File).To(Equal("fixtures/hwcheck/default.yaml (embedded)"))
		Expect(rec.Plan.SHA256).To(MatchRegexp(`^[0-9a-f]{64}$`))
		Expect(rec.Plan.Tiers).To(Equal([]string{"internal", "external", "interactive"}))
		Expect(rec.Summary).To(Equal(hwcheck.Summary{Checks: 14, Passed: 14}))
		Expect(rec.Finished).To(BeTemporally(">=", rec.Started))

		measured := map[string]bool{}
		for _, c := range rec.Checks {
			Expect(c.Verdict).To(Equal("pass"), c.Name+": "+c.Detail)
			Expect(c.Steps).NotTo(BeEmpty())
			for _, s := range c.Steps {
				Expect(s.Verdict).To(Equal("pass"))
				Expect(s.At).To(ContainSubstring("default.yaml (embedded):"))
			}
			for _, m := range c.Measurements {
				measured[m.Name] = true
				Expect(m.Unit).To(Equal("ms"))
				Expect(m.High).NotTo(BeNil())
				Expect(m.Value).To(BeNumerically("<=", *m.High))
				Expect(m.Pass).To(BeTrue())
				Expect(m.Samples).NotTo(BeEmpty())
			}
		}
		Expect(measured).To(Equal(map[string]bool{"lcd_round_trip": true, "printer_status_round_trip": true,
			"usb_enumeration": true, "key_latency": true, "scan_decode": true}))
		Expect(check(rec, "key-latency").Measurements[0].Samples).To(HaveLen(10))

		for check, file := range map[string]string{"lcd-chinese": "TEST001.lcd-chinese.lcd.png", "test-slip": "TEST001.test-slip.test-slip.png"} {
			Expect(rec.Checks).To(ContainElement(And(HaveField("Name", check),
				HaveField("Attachments", ContainElement(HaveField("File", file))))))
			data, err := os.ReadFile(inDir(dir, file))
			Expect(err).NotTo(HaveOccurred())
			_, err = png.Decode(bytes.NewReader(data))
			Expect(err).NotTo(HaveOccurred(), file)
		}

		junit, err := os.ReadFile(inDir(dir, "TEST001.junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		var suites struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		}
		Expect(xml.Unmarshal(junit, &suites)).To(Succeed())
		Expect(suites.Tests).To(Equal(14))
		Expect(suites.Failures).To(Equal(0))
	})

	DescribeTable("a fault fails exactly the checks that catch it; the others still run; the record says why",
		func(fault string, want []string, why string) {
			r := hw(nil, "--emulator", "--serial", "F1", "--report-dir", dir, "--non-interactive", "--inject", fault)
			rec := readRecord(inDir(dir, "F1.json"))
			Expect(rec.Injected).To(Equal([]string{fault}))
			Expect(rec.Checks).To(HaveLen(14), "every check ran")
			Expect(failing(rec)).To(Equal(want))
			if len(want) == 0 {
				Expect(r.code).To(Equal(0))
				Expect(rec.Verdict).To(Equal("pass"))
				return
			}
			Expect(r.code).To(Equal(1), r.stdout+r.stderr)
			Expect(rec.Verdict).To(Equal("fail"))
			Expect(rec.Summary.Failed).To(Equal(len(want)))
			Expect(rec.Summary.Passed).To(Equal(14 - len(want)))
			Expect(rec.Reasons).To(HaveLen(len(want)))
			for i, name := range want {
				Expect(rec.Reasons[i]).To(HavePrefix(name + ": "))
				c := check(rec, name)
				Expect(c.Detail).NotTo(BeEmpty())
				Expect(c.At).To(ContainSubstring("default.yaml"))
			}
			Expect(rec.Reasons[0]).To(MatchRegexp(why))
			Expect(r.stdout).To(ContainSubstring("FAIL  F1: %d of 14 checks failed", len(want)))
			junit, err := os.ReadFile(inDir(dir, "F1.junit.xml"))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(junit)).To(ContainSubstring(`failures="%d"`, len(want)))
		},
		Entry(nil, "printer.paper=out", []string{"printer-status", "test-slip"}, `paper=out`),
		Entry(nil, "printer.paper=near_end", []string{"printer-status"}, `paper=near_end`),
		Entry(nil, "printer.cover=open", []string{"printer-status", "test-slip"}, `cover=open`),
		Entry(nil, "printer.cutter=jammed", []string{"printer-status", "test-slip"}, `cutter=error`),
		Entry(nil, "printer.unplugged", []string{"printer-status", "test-slip"}, `printer`),
		Entry(nil, "usb-printer.unplugged", []string{"usb-printer"}, `no such device`),
		Entry(nil, "keypad.unplugged", []string{"keypad-port", "keys", "key-latency"}, `keypad's port does not open`),
		Entry(nil, "scanner.unplugged", []string{"scanner-port", "scan", "scan-decode"}, `scanner's port does not open`),
		Entry(nil, "lcd.unplugged", []string{"lcd-info", "lcd-pixels", "lcd-chinese"}, `lcd`),
		Entry(nil, "custdisplay.unplugged", []string{"custdisplay-port", "custdisplay-text"}, `custdisplay's port does not open`),
		Entry(nil, "lcd.busy=1000", []string{"lcd-info", "lcd-pixels", "lcd-chinese"}, `NAK busy`),
		Entry("a drawer left open is no defect of the unit", "printer.drawer=open", []string{}, ``),
	)

	It("fails every check a combination of faults touches", func() {
		r := hw(nil, "--emulator", "--serial", "F2", "--report-dir", dir, "--non-interactive",
			"--inject", "keypad.unplugged", "--inject", "usb-printer.unplugged")
		Expect(r.code).To(Equal(1))
		Expect(failing(readRecord(inDir(dir, "F2.json")))).To(Equal([]string{"usb-printer", "keypad-port", "keys", "key-latency"}))
	})

	It("keeps the earlier record of a retested unit: <serial>-2.json", func() {
		Expect(hw(nil, "--emulator", "--serial", "RT1", "--report-dir", dir, "--non-interactive", "--inject", "keypad.unplugged").code).To(Equal(1))
		Expect(hw(nil, "--emulator", "--serial", "RT1", "--report-dir", dir, "--non-interactive", "--tier", "internal").code).To(Equal(0))
		first, second := readRecord(inDir(dir, "RT1.json")), readRecord(inDir(dir, "RT1-2.json"))
		Expect(first.Verdict).To(Equal("fail"))
		Expect(second.Verdict).To(Equal("pass"))
		Expect(second.Attempt).To(Equal(2))
		Expect(second.Summary.Checks).To(Equal(6))
		Expect(inDir(dir, "RT1-2.junit.xml")).To(BeAnExistingFile())
	})

	It("speaks Chinese with --lang zh", func() {
		r := hw(nil, "--emulator", "--serial", "ZH1", "--report-dir", dir, "--non-interactive", "--lang", "zh", "--tier", "internal")
		Expect(r.code).To(Equal(0))
		Expect(r.stdout).To(ContainSubstring("[1/6] 内部 · 液晶屏信息查询"))
		Expect(r.stdout).To(ContainSubstring("合格  ZH1：6 项全部通过"))
		Expect(readRecord(inDir(dir, "ZH1.json")).Checks[0].Title).To(Equal("液晶屏信息查询"))
	})

	It("asks for the serial number on the console, and with --loop checks one unit after another", func() {
		r := hw(strings.NewReader("not a serial!\nL1\nL2\nq\n"), "--emulator", "--report-dir", dir, "--loop", "--tier", "internal")
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(r.stdout).To(ContainSubstring("Scan or type the unit's serial number"))
		Expect(r.stdout).To(ContainSubstring(`Not a serial number`))
		Expect(regexp.MustCompile(`PASS  L\d: all 6 checks passed`).FindAllString(r.stdout, -1)).To(HaveLen(2))
		Expect(inDir(dir, "L1.json")).To(BeAnExistingFile())
		Expect(inDir(dir, "L2.json")).To(BeAnExistingFile())
	})

	It("lists the plan's checks", func() {
		r := hw(nil, "--list")
		Expect(r.code).To(Equal(0))
		Expect(r.stdout).To(ContainSubstring("internal     usb-printer        USB printer enumerates with its device ID [usb-printer]"))
	})
})
