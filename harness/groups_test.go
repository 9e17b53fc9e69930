package harness_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/harness"
)

const varsFile = `suite: groups
labels: [demo]
variables:
  amount: "12.50"
  code: "2866"
  greeting: "Hi ${amount}"
groups:
  pay:
    params: [amount, code]
    defaults: {code: "${code}"}
    steps:
      - type_amount: "${amount}"
      - scan: "${code}"
  pay twice:
    params: [first]
    steps:
      - use: {group: pay, with: {amount: "${first}"}}
      - use: {group: pay, with: {amount: "1", code: "99"}}
setup:
  - note: "setup for ${amount}"
scenarios:
  - name: variables
    labels: [vars]
    steps:
      - display_show: ["${amount}", "$${literal}"]
      - scan: "${code}${code}"
  - name: groups
    steps:
      - use: {group: pay twice, with: {first: "${amount}"}}
      - use: {group: pay, with: {amount: "3"}}
`

var _ = Describe("variables and step groups", func() {
	var s *harness.Suite
	BeforeEach(func() {
		var err error
		s, err = harness.Parse("v.yaml", []byte(varsFile))
		Expect(err).NotTo(HaveOccurred())
	})

	It("substitutes ${name} in values, and $${ is a literal ${", func() {
		steps := s.Scenarios[0].Steps
		Expect(steps[0].Params).To(Equal(&harness.DisplayShowStep{Lines: []string{"12.50", "${literal}"}}))
		Expect(steps[1].Params).To(Equal(&harness.ScanStep{Code: "28662866"}))
	})

	It("does not substitute inside a variable's own value", func() {
		Expect(s.Variables["greeting"]).To(Equal("Hi ${amount}"))
	})

	It("expands groups in place, with parameters, defaults and nested uses", func() {
		var got []string
		for _, st := range s.Scenarios[1].Steps {
			switch p := st.Params.(type) {
			case *harness.TypeAmountStep:
				got = append(got, "amount "+p.Amount)
			case *harness.ScanStep:
				got = append(got, "scan "+p.Code)
			}
		}
		Expect(got).To(Equal([]string{
			"amount 12.50", "scan 2866", // pay twice → pay with the default code
			"amount 1", "scan 99", // pay twice → pay with both given
			"amount 3", "scan 2866", // pay directly
		}))
	})

	It("keeps where a group's step is and where it was used", func() {
		st := s.Scenarios[1].Steps[0]
		Expect(st.Group).To(Equal("pay"))
		Expect(st.Pos.String()).To(Equal("v.yaml:12:9"))
		Expect(st.Via).To(HaveLen(2))
		Expect(st.Where()).To(Equal("v.yaml:12:9 (used at v.yaml:17:9) (used at v.yaml:29:9)"))
		Expect(st.Label()).To(Equal(`group "pay" step 1 (type_amount)`))
	})

	It("runs the setup before each scenario's own steps", func() {
		all := s.Scenarios[0].AllSteps()
		Expect(all[0].Params).To(Equal(&harness.NoteStep{Text: "setup for 12.50"}))
		Expect(all[1:]).To(Equal(s.Scenarios[0].Steps))
	})

	It("merges suite and scenario labels", func() {
		Expect(s.Scenarios[0].AllLabels()).To(Equal([]string{"demo", "vars"}))
		Expect(s.Scenarios[1].AllLabels()).To(Equal([]string{"demo"}))
	})

	It("lets a station's variables override the file's", func() {
		s, err := harness.ParseWith("v.yaml", []byte(varsFile), harness.LoadOptions{Variables: map[string]string{"code": "REAL"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Scenarios[0].Steps[1].Params).To(Equal(&harness.ScanStep{Code: "REALREAL"}))
	})

	It("lists the devices whose readers must run from the start", func() {
		s, err := harness.Parse("l.yaml", []byte(scenario("      - press: 1\n      - expect_scan: \"1\"\n      - expect_key: 1\n")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Scenarios[0].Listens()).To(Equal([]string{"scanner", "keypad"}))
	})
})
