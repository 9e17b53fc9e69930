package hostsim_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/hostsim"
)

var _ = Describe("sandbox buyers", func() {
	It("loads the embedded fixture", func() {
		bs, err := hostsim.DefaultBuyers()
		Expect(err).NotTo(HaveOccurred())
		Expect(len(bs)).To(BeNumerically(">=", 8))
		for _, b := range bs {
			Expect(b.PaymentCode).To(MatchRegexp(`^(2[5-9]|30)\d{14,22}$`))
		}
		Expect(bs[0].Funding).To(Equal(hostsim.FundBalance))
		Expect(*bs[0].PasswordThreshold).To(Equal(int64(200000)))
	})

	DescribeTable("refuses a bad file with its line",
		func(text, want string) {
			_, err := hostsim.ParseBuyers("b.yaml", []byte(text))
			Expect(err).To(MatchError(want))
		},
		Entry("an unknown field", "buyers:\n  - payment_code: \"281234567890123456\"\n    logon_id: a\n    user_id: \"2088000000000001\"\n    balence: 5\n",
			"b.yaml:5: field balence not found in type hostsim.Buyer"),
		Entry("a wrong type", "buyers:\n  - payment_code: \"281234567890123456\"\n    balance: lots\n",
			"b.yaml:3: cannot unmarshal !!str `lots` into int64"),
		Entry("a code outside the pattern", "buyers:\n  - payment_code: \"134567890123456789\"\n    logon_id: a\n    user_id: \"2088000000000001\"\n",
			"b.yaml:2:19: buyers[0].payment_code: \"134567890123456789\" does not match ^(2[5-9]|30)[0-9]{14,22}$"),
		Entry("a duplicate code", "buyers:\n  - payment_code: \"281234567890123456\"\n    logon_id: a\n    user_id: \"2088000000000001\"\n  - payment_code: \"281234567890123456\"\n    logon_id: b\n    user_id: \"2088000000000002\"\n",
			"b.yaml:5:19: buyers[1].payment_code: 281234567890123456 is also buyer 1's"),
		Entry("a bad user id", "buyers:\n  - payment_code: \"281234567890123456\"\n    logon_id: a\n    user_id: \"12\"\n",
			"b.yaml:4:14: buyers[0].user_id: \"12\" is not 2088 followed by 12 digits"),
		Entry("an unknown rejection", "buyers:\n  - payment_code: \"281234567890123456\"\n    logon_id: a\n    user_id: \"2088000000000001\"\n    reject: maybe\n",
			"b.yaml:5:13: buyers[0].reject: \"maybe\" is neither \"risk\" nor \"payment_fail\""),
		Entry("no buyers", "buyers: []\n", "b.yaml: no buyers (expected a top-level \"buyers:\" list)"),
		Entry("not YAML", "buyers: [\n", "b.yaml:1: did not find expected node content"),
	)

	DescribeTable("masks logon ids as replies do",
		func(id, want string) { Expect(hostsim.MaskLogonID(id)).To(Equal(want)) },
		Entry("phone", "13800138888", "138****8888"),
		Entry("e-mail", "lisi@sandbox.com", "lis***@sandbox.com"),
		Entry("short e-mail", "ab@x.cn", "ab***@x.cn"),
		Entry("other", "abcdefg", "ab***fg"),
	)

	DescribeTable("amounts",
		func(in string, fen int64, ok bool) {
			got, err := hostsim.ParseYuan(in)
			if !ok {
				Expect(err).To(HaveOccurred())
				return
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(fen))
			Expect(hostsim.Yuan(got)).To(MatchRegexp(`^\d+\.\d\d$`))
		},
		Entry(nil, "88.88", int64(8888), true),
		Entry(nil, "5", int64(500), true),
		Entry(nil, "0.1", int64(10), true),
		Entry(nil, "100000000.00", int64(10000000000), true),
		Entry(nil, "1.001", int64(0), false),
		Entry(nil, "-1", int64(0), false),
		Entry(nil, "1e3", int64(0), false),
		Entry(nil, " 1", int64(0), false),
		Entry(nil, "01", int64(0), false),
		Entry(nil, "1000000000", int64(0), false),
	)
})
