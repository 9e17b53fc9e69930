package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/terminal/config"
)

var _ = Describe("Config", func() {
	It("has a valid embedded default with test credentials", func() {
		c := config.Default()
		Expect(c.Merchant.Number).To(Equal("898310000000001"))
		Expect(c.Payment.AppID).To(Equal("2021000000000001"))
		Expect(c.TestMode).To(BeTrue())
		Expect(c.Limits.PerTrade).To(Equal(config.Fen(500000)))
		Expect(c.SignOn.MaxFailures).To(Equal(3))
		Expect(c.SignOn.Lockout).To(Equal(5 * time.Minute))
		sup, ok := c.Operator("00")
		Expect(ok).To(BeTrue())
		Expect(config.CheckPassword(sup.PasswordHash, "123456")).To(BeTrue())
		Expect(config.CheckPassword(sup.PasswordHash, "123457")).To(BeFalse())
		Expect(string(config.DefaultYAML())).To(ContainSubstring("TEST CREDENTIALS ONLY"))
	})

	It("hashes passwords with a salt and checks them", func() {
		a, err := config.HashPassword("0000", config.MinIterations)
		Expect(err).NotTo(HaveOccurred())
		b, _ := config.HashPassword("0000", config.MinIterations)
		Expect(a).NotTo(Equal(b))
		Expect(a).To(HavePrefix("pbkdf2-sha256$1000$"))
		Expect(config.CheckPassword(a, "0000")).To(BeTrue())
		Expect(config.CheckPassword(a, "0001")).To(BeFalse())
		Expect(config.CheckPassword("garbage", "0000")).To(BeFalse())
		_, err = config.HashPassword("0000", 10)
		Expect(err).To(HaveOccurred())
	})

	It("reads yuan amounts without floating point", func() {
		for in, want := range map[string]config.Fen{"12": 1200, "12.3": 1230, "12.34": 1234, "0.01": 1} {
			f, err := config.ParseYuan(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(f).To(Equal(want))
		}
		for _, in := range []string{"", "1.234", "1.", ".5", "-1", "1e3", "abc"} {
			_, err := config.ParseYuan(in)
			Expect(err).To(HaveOccurred(), in)
		}
		Expect(config.Fen(123456).String()).To(Equal("1234.56"))
	})

	edit := func(old, new string) []byte {
		s := string(config.DefaultYAML())
		Expect(s).To(ContainSubstring(old))
		return []byte(strings.Replace(s, old, new, 1))
	}
	lineOf := func(data []byte, needle string) int {
		for i, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, needle) {
				return i + 1
			}
		}
		return -1
	}
	refused := func(data []byte) *config.Error {
		_, err := config.Parse("t.yaml", data)
		var ce *config.Error
		Expect(errors.As(err, &ce)).To(BeTrue(), "%v", err)
		return ce
	}

	DescribeTable("refuses bad values with file and line",
		func(old, new, field, msg string) {
			data := edit(old, new)
			e := refused(data)
			Expect(e.File).To(Equal("t.yaml"))
			Expect(e.Line).To(Equal(lineOf(data, strings.TrimSpace(new))), e.Error())
			Expect(e.Field).To(Equal(field))
			Expect(e.Error()).To(ContainSubstring(msg))
		},
		Entry("merchant number", `number: "898310000000001"`, `number: "8983"`, "merchant.number", "15 digits"),
		Entry("terminal number", `number: "10000001"`, `number: "1"`, "terminal.number", "8 letters"),
		Entry("operator hash", `password_hash: "pbkdf2-sha256$10000$DUeJ`, `password_hash: "md5$`, "operators[1].password_hash", "hash-password"),
		Entry("app id", `app_id: "2021000000000001"`, `app_id: "12"`, "payment.app_id", "16-digit"),
		Entry("gateway", `gateway: "http://127.0.0.1:8090/gateway.do"`, `gateway: "ftp://x"`, "payment.gateway", "http(s)"),
		Entry("daily limit", `daily_total: "50000.00"`, `daily_total: "10.00"`, "limits.daily_total", "below the per-trade"),
		Entry("lockout attempts", `max_failures: 3`, `max_failures: 30`, "sign_on.max_failures", "1 to 10"),
	)

	It("refuses unknown keys and bad amounts with the line", func() {
		data := edit("test_mode: true", "test_mode: true\ncolour: blue")
		e := refused(data)
		Expect(e.Line).To(Equal(lineOf(data, "colour")))
		Expect(e.Msg).To(ContainSubstring("colour"))
		data = edit(`per_trade_max: "5000.00"`, `per_trade_max: "50.001"`)
		e = refused(data)
		Expect(e.Line).To(Equal(lineOf(data, "50.001")))
	})

	It("refuses plaintext passwords and says what to do", func() {
		data := edit(`name: cashier 收银员`, "name: cashier\n    password: \"0000\"")
		e := refused(data)
		Expect(e.Line).To(Equal(lineOf(data, "password:")))
		Expect(e.Msg).To(ContainSubstring("plaintext"))
		Expect(e.Error()).NotTo(ContainSubstring("0000"))
	})

	It("requires the supervisor", func() {
		data := edit(`number: "00"`, `number: "09"`)
		Expect(refused(data).Msg).To(ContainSubstring("supervisor"))
	})

	It("loads a file and resolves relative paths from it", func() {
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "posterm.yaml")
		Expect(os.WriteFile(path, config.DefaultYAML(), 0o600)).To(Succeed())
		c, err := config.Load(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.StateDir).To(Equal(filepath.Join(dir, "posterm-state")))
		Expect(c.Payment.PrivateKey).To(Equal("embedded:fixtures/keys/app_private_key.pem"))
		_, err = config.Load(filepath.Join(dir, "missing.yaml"))
		Expect(err).To(HaveOccurred())
	})
})
