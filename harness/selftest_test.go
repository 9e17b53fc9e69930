package harness_test

import (
	"bytes"
	"image/png"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/harness"
)

// The steps manufacturing checks use (measure_*, expect_lcd_info,
// expect_screen_fill, expect_port, expect_usb_printer, print_test_slip,
// attach) on one emulated unit with its USB door, as hwcheck runs them.
var _ = Describe("manufacturing-check steps on a unit", func() {
	var (
		e  *emulator.Emulator
		rn *harness.Runner
	)
	BeforeEach(func() {
		dir, err := os.MkdirTemp("", "harness-unit-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, dir)
		clk := clock.NewVirtual(harness.DefaultClockStart)
		e, err = emulator.New(emulator.Config{DevDir: dir, Clock: clk, USBIP: "127.0.0.1:0"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(e.Close)
		rn = &harness.Runner{Target: &harness.UnitTarget{Emulator: e, Clock: clk}, Log: GinkgoWriter}
	})
	runSteps := func(steps string) (*harness.Result, error) {
		return runOn(rn, scenario(steps))
	}

	It("records every measurement in ms with its samples and limits", func() {
		res, err := runSteps(`      - measure_lcd_round_trip: {samples: 3, max: 1s}
      - measure_printer_status: {samples: 2, max: 1s, stat: max}
      - measure_usb_enumeration: {samples: 2, max: 2s, name: usb_open}
      - measure_key_latency: {key: ENTER, samples: 4, min: 1ns, max: 1s, stat: mean}
      - measure_scan_decode: {code: ABC123, samples: 2, max: 1s}
`)
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, m := range res.Measurements {
			names = append(names, m.Name)
			Expect(m.Unit).To(Equal("ms"))
			Expect(m.Pass).To(BeTrue())
			Expect(m.Step).To(MatchRegexp(`^r\.yaml:\d+:9$`))
		}
		Expect(names).To(Equal([]string{"lcd_round_trip", "printer_status_round_trip", "usb_open", "key_latency", "scan_decode"}))
		Expect(res.Measurements[0].Samples).To(HaveLen(3))
		Expect(res.Measurements[0].Stat).To(Equal("median"))
		Expect(*res.Measurements[0].High).To(Equal(1000.0))
		Expect(res.Measurements[0].Low).To(BeNil())
		Expect(res.Measurements[3].Samples).To(HaveLen(4))
		Expect(*res.Measurements[3].Low).To(Equal(0.000001))
		Expect(res.Measurements[3].LimitsString()).To(Equal("0–1000 ms"))
	})

	It("fails the step when a measurement is outside its limits, and still records it", func() {
		res, err := runSteps("      - measure_lcd_round_trip: {samples: 2, min: 10s}\n")
		Expect(err).To(MatchError(MatchRegexp(`step 1 \(measure_lcd_round_trip\): lcd_round_trip [0-9.]+ ms is outside its limits \(≥ 10000 ms\)\n  last seen: samples \(ms\): \[`)))
		Expect(res.Measurements).To(HaveLen(1))
		Expect(res.Measurements[0].Pass).To(BeFalse())
	})

	It("fails a measurement whose device does not answer, with the samples it got", func() {
		Expect(e.Unplug("usb-printer")).To(Succeed())
		res, err := runSteps("      - measure_usb_enumeration: {max: 1s}\n")
		Expect(err).To(MatchError(ContainSubstring("usb_enumeration: failed after 0 good samples: open port \"usbip://")))
		Expect(res.Measurements).To(ConsistOf(HaveField("Pass", false)))
	})

	It("reads the LCD's info, and fills every pixel", func() {
		_, err := runSteps(`      - expect_lcd_info: {width: 320, height: 240, depth: 16, firmware: posemu}
      - lcd_clear: black
      - expect_screen_fill: black
      - lcd_clear: white
      - expect_screen_fill: white
`)
		Expect(err).NotTo(HaveOccurred())
		_, err = runSteps("      - expect_lcd_info: {width: 480}\n")
		Expect(err).To(MatchError(ContainSubstring("the display is 320x240, not 480x0")))
	})

	It("says how many pixels are not the colour, and where the first is", func() {
		_, err := runSteps(`      - lcd_clear: white
      - lcd_rect: {x: 10, y: 5, w: 2, h: 3, color: red}
      - expect_screen_fill: {color: white, timeout: 100ms}
`)
		Expect(err).To(MatchError(ContainSubstring("6 of 76800 pixels are not white; the first at (10,5) is red")))
	})

	It("opens ports, and fails one whose device is unplugged", func() {
		_, err := runSteps("      - expect_port: keypad\n      - expect_port: usb-printer\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(e.Unplug("scanner")).To(Succeed())
		_, err = runSteps("      - expect_port: scanner\n")
		Expect(err).To(MatchError(ContainSubstring("the scanner's port does not open")))
	})

	It("reads the USB printer's ids and IEEE 1284 device ID", func() {
		_, err := runSteps("      - expect_usb_printer: {vid: 0x04b8, pid: 0x0202, device_id: \"MFG:EPSON\", ready: true}\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(e.Printer().SetPaper("out")).To(Succeed())
		_, err = runSteps("      - expect_usb_printer: {device_id: \"MFG:STAR\"}\n")
		Expect(err).To(MatchError(ContainSubstring(`the device ID does not contain "MFG:STAR"`)))
		Expect(err).To(MatchError(ContainSubstring(`device ID "MFG:EPSON;CMD:ESC/POS;`)))
		_, err = runSteps("      - expect_usb_printer: {ready: true}\n")
		Expect(err).To(MatchError(ContainSubstring("the printer reports ready=false over USB")))
	})

	It("prints a test slip, and attaches it and the screen", func() {
		res, err := runSteps(`      - tear_off: {}
      - print_test_slip: {lines: ["SN 42"], barcode: B-1, qr: Q-1}
      - expect_receipt: {contains: ["SELF TEST", "SN 42", "END"], in_order: true, qr: Q-1, cut: true}
      - attach: {what: receipt, name: slip.png}
      - lcd_text: {text: hello}
      - attach: screen
`)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Attachments).To(HaveLen(2))
		Expect(res.Attachments[0].Name).To(Equal("slip.png"))
		Expect(res.Attachments[1].Name).To(Equal("screen.png"))
		for _, a := range res.Attachments {
			_, err := png.Decode(bytes.NewReader(a.Data))
			Expect(err).NotTo(HaveOccurred(), a.Name)
		}
		Expect(e.Printer().Receipts()[0].Barcodes).NotTo(BeEmpty())
	})

	It("refuses to attach a receipt when nothing was printed", func() {
		e.Printer().TearOff()
		_, err := runSteps("      - attach: receipt\n")
		Expect(err).To(MatchError(ContainSubstring("no receipt to attach")))
	})

	It("keeps the unit's state from one scenario to the next, and calls OnStep for every step", func() {
		var seen []string
		rn.OnStep = func(_ *harness.Scenario, s *harness.Step) { seen = append(seen, s.Label()) }
		_, err := runSteps("      - unplug: keypad\n      - note: gone\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(seen).To(Equal([]string{"step 1 (unplug)", "step 2 (note)"}))
		_, err = runSteps("      - expect_port: keypad\n")
		Expect(err).To(MatchError(ContainSubstring("the keypad's port does not open")))
	})

	DescribeTable("refuses bad limits when the file loads",
		func(step, msg string) {
			_, err := harness.Parse("r.yaml", []byte(scenario(step)))
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry(nil, "      - measure_lcd_round_trip: {min: 2s, max: 1s}\n", "min 2s is above max 1s"),
		Entry(nil, "      - measure_lcd_round_trip: {stat: p99}\n", `stat "p99": valid: median, max, mean`),
		Entry(nil, "      - measure_lcd_round_trip: {samples: 5000}\n", "samples 5000: 1–1000"),
		Entry(nil, "      - attach: {what: screen, name: ../x.png}\n", "a plain file name"),
		Entry(nil, "      - attach: film\n", `what "film": valid: screen, receipt`),
	)
})

var _ = Describe("a scenario's title", func() {
	It("is read by language", func() {
		s, err := harness.Parse("t.yaml", []byte("suite: s\nscenarios:\n  - name: a\n    title: {zh: 甲, en: A}\n    steps: [{note: x}]\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Scenarios[0].Title).To(Equal(map[string]string{"zh": "甲", "en": "A"}))
	})
})

var _ = Describe("USB steps on the per-scenario emulator", func() {
	It("get an emulator with its USB door", func() {
		rn := &harness.Runner{Target: &harness.EmulatorTarget{TempDir: GinkgoT().TempDir()}, Log: GinkgoWriter}
		_, err := runOn(rn, scenario("      - measure_usb_enumeration: {samples: 1, max: 2s}\n      - expect_usb_printer: {device_id: \"MFG:EPSON\"}\n"))
		Expect(err).NotTo(HaveOccurred())
	})
})
