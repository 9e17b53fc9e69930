package main

import (
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("the built hwcheck binary", Ordered, func() {
	var bin string
	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/posemu/posemu/cmd/hwcheck")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
	})

	It("exits 0 on a healthy emulator and 1 with a fault, writing the records", func() {
		dir := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(bin, "--emulator", "--serial", "BIN001", "--report-dir", dir, "--non-interactive"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s, "60s").Should(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say("PASS  BIN001: all 14 checks passed"))
		Expect(readRecord(filepath.Join(dir, "BIN001.json")).Verdict).To(Equal("pass"))

		s, err = gexec.Start(exec.Command(bin, "--emulator", "--serial", "BIN002", "--report-dir", dir, "--non-interactive",
			"--inject", "printer.paper=out"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s, "60s").Should(gexec.Exit(1))
		Expect(failing(readRecord(filepath.Join(dir, "BIN002.json")))).To(Equal([]string{"printer-status", "test-slip"}))
	})

	It("exits 3 when the station cannot run, and 2 on a bad command line", func() {
		dir := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(bin, "--station", filepath.Join(dir, "none.yaml"), "--serial", "BIN003", "--report-dir", dir, "--non-interactive"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s, "60s").Should(gexec.Exit(3))
		Expect(readRecord(filepath.Join(dir, "BIN003.json")).Verdict).To(Equal("error"))

		s, err = gexec.Start(exec.Command(bin, "--emulator", "--bogus"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s, "60s").Should(gexec.Exit(2))
	})
})
