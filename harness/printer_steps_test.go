package harness_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/harness"
)

var _ = Describe("printing through drivers/printer", func() {
	rn := onEmulator()
	run := rn.run

	It("refuses a doc item that prints two things, or looks that do not apply, when the file loads", func() {
		_, err := harness.Parse("p.yaml", []byte(scenario("      - print: {doc: [{text: A, qr: B}, {barcode: \"123\", bold: true}, {text: C, size: 9x9}]}\n")))
		Expect(err).To(MatchError(ContainSubstring("doc: item 1: one thing per item, not text and qr: make one item each")))
		_, err = harness.Parse("p.yaml", []byte(scenario("      - print: {doc: [{barcode: \"123\", bold: true}]}\n")))
		Expect(err).To(MatchError(ContainSubstring("doc: item 1: bold applies to text and columns, not to barcode")))
		_, err = harness.Parse("p.yaml", []byte(scenario("      - print: {lines: [A], interrupt: {at: 合计, paper: out}}\n")))
		Expect(err).To(MatchError(ContainSubstring(`interrupt: at "合计": use the ASCII part of a line`)))
		_, err = harness.Parse("p.yaml", []byte(scenario("      - print: {lines: [A], raw: \"1B\"}\n")))
		Expect(err).To(MatchError(ContainSubstring("say what to print: lines, doc or raw (one of them)")))
	})

	It("fails a print that was to fail and printed", func() {
		err := run("      - print: {lines: [A], fails: paper_out}\n")
		Expect(err).To(MatchError(ContainSubstring("print: expected it to fail (paper_out), it printed")))
	})

	It("fails a print whose interrupt never struck", func() {
		err := run("      - print: {lines: [A], interrupt: {at: NOT THERE, paper: out}}\n")
		Expect(err).To(MatchError(ContainSubstring("the interrupt never struck: no write carried its text")))
	})

	It("fails a resume with nothing to resume", func() {
		Expect(run("      - resume_print: {}\n")).To(MatchError(ContainSubstring("no print to resume")))
	})

	It("names the fault a print met when it was not expected", func() {
		err := run("      - printer: {cover: open}\n      - print: [A]\n")
		Expect(err).To(MatchError(ContainSubstring("print: printer")))
		Expect(err).To(MatchError(ContainSubstring("cover open")))
	})
})
