package hostsim

import (
	"fmt"
	"regexp"

	"github.com/posemu/posemu/fixtures"
	"github.com/posemu/posemu/internal/yamlfile"
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
type BuyersError = yamlfile.Error

// ParseBuyers reads a buyers file strictly: unknown fields, wrong types,
// invalid or duplicate payment codes, bad user ids and negative amounts
// are errors naming file and line.
func ParseBuyers(file string, data []byte) ([]Buyer, error) {
	var f buyersFile
	root, err := yamlfile.Decode(file, data, &f, "buyers file")
	if err != nil {
		return nil, err
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
		if field, msg := b.check(); field != "" {
			return nil, yamlfile.Locate(file, root, yamlfile.Invalid(fmt.Sprintf("buyers[%d].%s", i, field), "%s", msg))
		}
		if j, dup := seen[b.PaymentCode]; dup {
			return nil, yamlfile.Locate(file, root, yamlfile.Invalid(fmt.Sprintf("buyers[%d].payment_code", i), "%s is also buyer %d's", b.PaymentCode, j+1))
		}
		seen[b.PaymentCode] = i
	}
	return f.Buyers, nil
}

var userIDPattern = regexp.MustCompile(`^2088[0-9]{12}$`)

// check returns the field at fault and why, or "" when b is usable.
func (b *Buyer) check() (field, msg string) {
	switch {
	case !AuthCodePattern.MatchString(b.PaymentCode):
		return "payment_code", fmt.Sprintf("%q does not match %s", b.PaymentCode, AuthCodePattern)
	case b.LogonID == "":
		return "logon_id", "is missing"
	case !userIDPattern.MatchString(b.UserID):
		return "user_id", fmt.Sprintf("%q is not 2088 followed by 12 digits", b.UserID)
	case b.Balance < 0:
		return "balance", "is negative"
	case b.Limit < 0:
		return "limit", "is negative"
	case b.PasswordThreshold != nil && *b.PasswordThreshold < 0:
		return "password_threshold", "is negative"
	case b.Funding != FundBalance && b.Funding != FundBankcard:
		return "funding", fmt.Sprintf("%q is neither %q nor %q", b.Funding, FundBalance, FundBankcard)
	case b.Reject != "" && b.Reject != RejectRisk && b.Reject != RejectPaymentFail:
		return "reject", fmt.Sprintf("%q is neither %q nor %q", b.Reject, RejectRisk, RejectPaymentFail)
	}
	return "", ""
}

// DefaultBuyers are the embedded fixtures/hostsim/buyers.yaml.
func DefaultBuyers() ([]Buyer, error) {
	return ParseBuyers("fixtures/hostsim/buyers.yaml", fixtures.Buyers)
}
