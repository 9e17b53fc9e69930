package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/terminal/config"
)

func posterm(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

var _ = Describe("posterm", func() {
	It("hashes a password from stdin without echoing it", func() {
		code, out, errs := posterm("s3cret\n", "hash-password", "--iterations", "1000")
		Expect(code).To(Equal(0))
		h := strings.TrimSpace(out)
		Expect(config.CheckPassword(h, "s3cret")).To(BeTrue())
		Expect(out + errs).NotTo(ContainSubstring("s3cret"))
	})

	It("refuses an empty password", func() {
		code, _, errs := posterm("\n", "hash-password")
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring("empty password"))
	})

	It("checks a config and reports errors with file and line", func() {
		dir := GinkgoT().TempDir()
		good := filepath.Join(dir, "good.yaml")
		Expect(os.WriteFile(good, config.DefaultYAML(), 0o600)).To(Succeed())
		code, out, _ := posterm("", "check-config", good)
		Expect(code).To(Equal(0))
		Expect(out).To(ContainSubstring("ok (merchant 898310000000001"))

		bad := filepath.Join(dir, "bad.yaml")
		Expect(os.WriteFile(bad, []byte(strings.Replace(string(config.DefaultYAML()), `app_id: "2021000000000001"`, `app_id: "x"`, 1)), 0o600)).To(Succeed())
		code, _, errs := posterm("", "check-config", bad)
		Expect(code).To(Equal(1))
		Expect(errs).To(MatchRegexp(`bad\.yaml:\d+:\d+: payment\.app_id`))
	})

	It("says to start posemu when there is no device map", func() {
		dir := GinkgoT().TempDir()
		code, _, errs := posterm("", "--state", dir, "--devices", filepath.Join(dir, "devices.json"))
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring("is posemu running?"))
	})

	It("refuses unknown arguments", func() {
		code, _, errs := posterm("", "sell")
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring(`unexpected argument "sell"`))
	})

	It("dumps an empty journal", func() {
		code, out, errs := posterm("", "journal", "--state", GinkgoT().TempDir())
		Expect(code).To(Equal(0))
		Expect(out).To(BeEmpty())
		Expect(errs).To(ContainSubstring("batch 000001, next voucher 000001, 0 in doubt"))
	})
})
