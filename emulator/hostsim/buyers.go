package hostsim

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/posemu/posemu/fixtures"
)

// AuthCodePattern is what an Alipay payment code (auth_code) looks like:
// 16 to 24 digits starting 25 to 30.
var AuthCodePattern = regexp.MustCompile(`^(2[5-9]|30)[0-9]{14,22}$`)

// Funding sources of a sandbox buyer.
const (
	FundBalance  = "balance"  // Alipay balance: fund_channel ALIPAYACCOUNT
	FundBankcard = "bankcard" // a linked bank card: fund_channel BANKCARD
)

// Rejections a sandbox buyer can be configured with.
const (
	RejectRisk        = "risk"         // ACQ.PAYMENT_REQUEST_HAS_RISK
	RejectPaymentFail = "payment_fail" // ACQ.PAYMENT_FAIL
)

// Buyer is one sandbox buyer of fixtures/hostsim/buyers.yaml. Amounts are
// in fen.
type Buyer struct {
	// PaymentCode is the code the buyer's phone shows (auth_code); it
	// must match AuthCodePattern. Sandbox codes do not expire.
	PaymentCode string `yaml:"payment_code" json:"payment_code"`
	Name        string `yaml:"name" json:"name"`
	// LogonID is the buyer's Alipay account (phone or e-mail); replies
	// show it masked.
	LogonID string `yaml:"logon_id" json:"logon_id"`
	// UserID is the 16-digit 2088… buyer_user_id.
	UserID  string `yaml:"user_id" json:"user_id"`
	Balance int64  `yaml:"balance" json:"balance"`
	// Funding is "balance" (default) or "bankcard"; it decides the
	// fund_channel and which not-enough sub_code a short balance gives.
	Funding string `yaml:"funding,omitempty" json:"funding"`
	// PasswordThreshold: a payment above it waits for the buyer to enter
	// the password on the phone (10003). Absent: never; 0: always.
	PasswordThreshold *int64 `yaml:"password_threshold,omitempty" json:"password_threshold,omitempty"`
	// Limit is the largest single payment the buyer may make (0: none);
	// above it pay answers ACQ.TOTAL_FEE_EXCEED.
	Limit int64 `yaml:"limit,omitempty" json:"limit,omitempty"`
	// Reject makes every payment of this buyer fail: "risk" or
	// "payment_fail".
	Reject string `yaml:"reject,omitempty" json:"reject,omitempty"`
}

type buyersFile struct {
	Buyers []Buyer `yaml:"buyers"`
}

// BuyersError is a problem in a buyers file, with where it is.
type BuyersError struct {
	File string
	Line int
	Msg  string
}

func (e *BuyersError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// ParseBuyers reads a buyers file strictly: unknown fields, wrong types,
// invalid or duplicate payment codes, bad user ids and negative amounts
// are errors naming file and line.
func ParseBuyers(file string, data []byte) ([]Buyer, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, buyersYAMLError(file, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f buyersFile
	if err := dec.Decode(&f); err != nil {
		return nil, buyersYAMLError(file, err)
	}
	lines := buyerLines(&root)
	line := func(i int) int {
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	if len(f.Buyers) == 0 {
		return nil, &BuyersError{File: file, Msg: "no buyers (expected a top-level \"buyers:\" list)"}
	}
	seen := map[string]int{}
	for i := range f.Buyers {
		b := &f.Buyers[i]
		if b.Funding == "" {
			b.Funding = FundBalance
		}
		if msg := b.check(); msg != "" {
			return nil, &BuyersError{File: file, Line: line(i), Msg: fmt.Sprintf("buyer %d (%s): %s", i+1, b.Name, msg)}
		}
		if j, dup := seen[b.PaymentCode]; dup {
			return nil, &BuyersError{File: file, Line: line(i), Msg: fmt.Sprintf("payment_code %s is also buyer %d's", b.PaymentCode, j+1)}
		}
		seen[b.PaymentCode] = i
	}
	return f.Buyers, nil
}

var userIDPattern = regexp.MustCompile(`^2088[0-9]{12}$`)

func (b *Buyer) check() string {
	switch {
	case !AuthCodePattern.MatchString(b.PaymentCode):
		return fmt.Sprintf("payment_code %q does not match %s", b.PaymentCode, AuthCodePattern)
	case b.LogonID == "":
		return "logon_id is missing"
	case !userIDPattern.MatchString(b.UserID):
		return fmt.Sprintf("user_id %q is not 2088 followed by 12 digits", b.UserID)
	case b.Balance < 0:
		return "balance is negative"
	case b.Limit < 0:
		return "limit is negative"
	case b.PasswordThreshold != nil && *b.PasswordThreshold < 0:
		return "password_threshold is negative"
	case b.Funding != FundBalance && b.Funding != FundBankcard:
		return fmt.Sprintf("funding %q is neither %q nor %q", b.Funding, FundBalance, FundBankcard)
	case b.Reject != "" && b.Reject != RejectRisk && b.Reject != RejectPaymentFail:
		return fmt.Sprintf("reject %q is neither %q nor %q", b.Reject, RejectRisk, RejectPaymentFail)
	}
	return ""
}

// buyerLines finds the line of each item of the buyers list.
func buyerLines(root *yaml.Node) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "buyers" && m.Content[i+1].Kind == yaml.SequenceNode {
			var lines []int
			for _, item := range m.Content[i+1].Content {
				lines = append(lines, item.Line)
			}
			return lines
		}
	}
	return nil
}

func buyersYAMLError(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &BuyersError{File: file, Line: n, Msg: m[2]}
	}
	return &BuyersError{File: file, Msg: msg}
}

// DefaultBuyers are the embedded fixtures/hostsim/buyers.yaml.
func DefaultBuyers() ([]Buyer, error) {
	return ParseBuyers("fixtures/hostsim/buyers.yaml", fixtures.Buyers)
}
