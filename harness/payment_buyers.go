package harness

import (
	"fmt"
	"strings"

	"github.com/posemu/posemu/emulator/hostsim"
)

// Buyer is a customer the payment simulator knows by payment code (the
// fields of emulator/hostsim's Buyer, amounts in yuan). Given buyers join
// the sandbox buyers of fixtures/hostsim/buyers.yaml; one with a fixture
// buyer's code replaces it.
type Buyer struct {
	Code          string `yaml:"code" required:"true" doc:"the buyer's payment code (what the scanner reads): 16–24 digits starting 25–30"`
	Name          string `yaml:"name" doc:"the buyer's name"`
	LogonID       string `yaml:"logon_id" doc:"the buyer's Alipay account, e.g. 13800138000 (shown masked)"`
	Balance       string `yaml:"balance" doc:"yuan available (default 10000.00); a larger payment fails for want of funds"`
	PasswordAbove string `yaml:"password_above" doc:"payments above this many yuan wait for the buyer's password on the phone (10003); 0: all"`
	Limit         string `yaml:"limit" doc:"largest single payment in yuan (ACQ.TOTAL_FEE_EXCEED above it)"`
	Reject        string `yaml:"reject" doc:"every payment fails: risk or payment_fail"`
	Funding       string `yaml:"funding" doc:"balance (default) or bankcard: the fund channel, and which sub_code a short balance gives"`
}

// Validate checks the values.
func (b *Buyer) Validate() error {
	if err := checkYuan("balance", b.Balance, "password_above", b.PasswordAbove, "limit", b.Limit); err != nil {
		return err
	}
	if !strings.Contains(b.Code, "${") && !hostsim.AuthCodePattern.MatchString(b.Code) {
		return fmt.Errorf("code %q: a payment code is 16 to 24 digits starting 25 to 30 (%s)", b.Code, hostsim.AuthCodePattern)
	}
	if err := oneOf("funding", b.Funding, hostsim.FundBalance, hostsim.FundBankcard); err != nil {
		return err
	}
	return oneOf("reject", b.Reject, "risk", "payment_fail")
}

// scenarioBuyers are the fixture buyers with the given ones added or put
// in their place.
func scenarioBuyers(given []Buyer) ([]hostsim.Buyer, error) {
	fixed, err := fixtureBuyers()
	if err != nil {
		return nil, err
	}
	out := append([]hostsim.Buyer(nil), fixed...)
	for _, g := range given {
		b, err := g.hostsim()
		if err != nil {
			return nil, fmt.Errorf("given: buyers: %s: %w", g.Code, err)
		}
		if i := indexBuyer(out, b.PaymentCode); i >= 0 {
			out[i] = b
		} else {
			out = append(out, b)
		}
	}
	return out, nil
}

func indexBuyer(list []hostsim.Buyer, code string) int {
	for i, b := range list {
		if b.PaymentCode == code {
			return i
		}
	}
	return -1
}

// hostsim is the buyer as the simulator takes it: fen, and the ids a
// real account has, made up from the code when not given.
func (b *Buyer) hostsim() (hostsim.Buyer, error) {
	fen := func(yuan, def string) (int64, error) {
		if yuan == "" {
			yuan = def
		}
		return hostsim.ParseYuan(yuan)
	}
	out := hostsim.Buyer{PaymentCode: b.Code, Name: b.Name, LogonID: b.LogonID, Funding: b.Funding, Reject: b.Reject}
	tail := b.Code[len(b.Code)-12:]
	out.UserID = "2088" + tail
	if out.LogonID == "" {
		out.LogonID = "1" + b.Code[len(b.Code)-10:]
	}
	if out.Name == "" {
		out.Name = "buyer " + b.Code[len(b.Code)-4:]
	}
	var err error
	if out.Balance, err = fen(b.Balance, "10000.00"); err != nil {
		return out, fmt.Errorf("balance: %w", err)
	}
	if out.Limit, err = fen(b.Limit, "0"); err != nil {
		return out, fmt.Errorf("limit: %w", err)
	}
	if b.PasswordAbove != "" {
		t, err := hostsim.ParseYuan(b.PasswordAbove)
		if err != nil {
			return out, fmt.Errorf("password_above: %w", err)
		}
		out.PasswordThreshold = &t
	}
	return out, nil
}
