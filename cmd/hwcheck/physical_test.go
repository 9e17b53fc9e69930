package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator"
)

// robot is the person at a station whose terminal is an emulator: it reads
// the console's prompts and does what they say on the emulator (presses
// the key, scans the code, tears the paper off), answers questions yes
// unless told to say no, and keeps a transcript.
type robot struct {
	e       *emulator.Emulator
	answers io.Writer
	sayNo   *regexp.Regexp

	mu      sync.Mutex
	partial []byte
	out     bytes.Buffer
	prompts []string
	errs    []error
}

var (
	pressRe = regexp.MustCompile(`^>>> Press on the terminal's keypad: (.+)$`)
	scanRe  = regexp.MustCompile(`^>>> Scan the code (\S+) with the terminal's scanner$`)
	doRe    = regexp.MustCompile(`^>>> (.+)$`)
	askRe   = regexp.MustCompile(`^\?\?\? (.+)$`)
)

func (b *robot) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.out.Write(p)
	b.partial = append(b.partial, p...)
	for {
		i := bytes.IndexByte(b.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(b.partial[:i])
		b.partial = b.partial[i+1:]
		if err := b.react(line); err != nil {
			b.errs = append(b.errs, err)
		}
	}
}

func (b *robot) react(line string) error {
	switch {
	case pressRe.MatchString(line):
		b.prompts = append(b.prompts, line)
		return b.e.Keypad().Press(strings.Fields(pressRe.FindStringSubmatch(line)[1])...)
	case scanRe.MatchString(line):
		b.prompts = append(b.prompts, line)
		return b.e.Scanner().Scan(scanRe.FindStringSubmatch(line)[1])
	case askRe.MatchString(line):
		b.prompts = append(b.prompts, line)
		answer := "y\n"
		if b.sayNo != nil && b.sayNo.MatchString(line) {
			answer = "n\n"
		}
		_, err := io.WriteString(b.answers, answer)
		return err
	case doRe.MatchString(line):
		b.prompts = append(b.prompts, line)
		if strings.Contains(line, "Tear off") {
			b.e.Printer().TearOff()
		}
		_, err := io.WriteString(b.answers, "\n")
		return err
	}
	return nil
}

var _ = Describe("hwcheck --station, on a bench whose terminal is an emulator", func() {
	It("asks the operator for what needs a hand or an eye, and fails the check the operator says no to", func() {
		dir := GinkgoT().TempDir()
		devdir, err := os.MkdirTemp("", "hwcheck-bench-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, devdir)
		e, err := emulator.New(emulator.Config{DevDir: devdir, USBIP: "127.0.0.1:0"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(e.Close)

		var station strings.Builder
		fmt.Fprintf(&station, "name: bench 7\nprofile: lakala-default\nprompt_timeout: 20s\ndevices:\n")
		for _, d := range e.Devices() {
			fmt.Fprintf(&station, "  %s: %q\n", d.Name, d.Link)
		}
		stFile := filepath.Join(dir, "bench7.yaml")
		Expect(os.WriteFile(stFile, []byte(station.String()), 0o644)).To(Succeed())

		in, answers := io.Pipe()
		bot := &robot{e: e, answers: answers, sayNo: regexp.MustCompile(`operator screen blue`)}
		code := run(context.Background(), []string{"--station", stFile, "--serial", "PH1", "--report-dir", dir, "--operator", "line-3"},
			in, bot, GinkgoWriter)
		answers.Close()
		Expect(bot.errs).To(BeEmpty())
		Expect(code).To(Equal(1), bot.out.String())

		Expect(bot.prompts).To(ContainElements(
			">>> Press on the terminal's keypad: 1", ">>> Press on the terminal's keypad: MENU",
			">>> Scan the code HWCHECK-SCAN-0001 with the terminal's scanner",
			">>> Tear off the printed paper",
			"??? Is every pixel of the operator screen black, with no dot of another colour?",
			`??? Does the operator screen show a line containing "收银自检 测试"?`,
			`??? Does the customer display show the lines ["POSEMU HWCHECK" "CNY 12.50"]?`,
			`??? Does the receipt show a QR code of "https://posemu.example/hwcheck", the last one cut?`,
		))
		Expect(bot.out.String()).To(ContainSubstring("(answer within 20s)"))

		rec := readRecord(filepath.Join(dir, "PH1.json"))
		Expect(rec.Station.Name).To(Equal("bench 7"))
		Expect(rec.Station.File).To(Equal(stFile))
		Expect(rec.Station.Target).To(Equal("physical"))
		Expect(rec.Operator).To(Equal("line-3"))
		Expect(failing(rec)).To(Equal([]string{"lcd-pixels"}))
		Expect(check(rec, "lcd-pixels").Reason).To(Equal("step 10 (expect_screen_fill): Is every pixel of the operator screen blue, with no dot of another colour?; last seen: the operator answered no"))
		Expect(check(rec, "key-latency").Verdict).To(Equal("skip"))
		Expect(check(rec, "scan-decode").Verdict).To(Equal("skip"))
		Expect(rec.Summary.Passed).To(Equal(11))
		Expect(check(rec, "printer-status").Measurements).To(HaveLen(1))
		Expect(check(rec, "usb-printer").Measurements[0].Name).To(Equal("usb_enumeration"))
	})
})
