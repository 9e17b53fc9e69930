package harness

import (
	"errors"
	"fmt"
)

// The part the payment steps wait for.
const needHostSim = "the payment platform simulator (emulator/hostsim: buyers, faults, trades)"

// Buyer is a customer the payment simulator knows by payment code (the
// fields of emulator/hostsim's Buyer, amounts in yuan).
type Buyer struct {
	Code          string `yaml:"code" required:"true" doc:"the buyer's payment code (what the scanner reads)"`
	Name          string `yaml:"name" doc:"the buyer's name"`
	LogonID       string `yaml:"logon_id" doc:"the buyer's Alipay account, e.g. 159****1234"`
	Balance       string `yaml:"balance" doc:"yuan available; a larger payment fails for want of funds"`
	PasswordAbove string `yaml:"password_above" doc:"payments above this many yuan wait for the buyer's password on the phone (10003); 0: all"`
	Limit         string `yaml:"limit" doc:"largest single payment in yuan (ACQ.TOTAL_FEE_EXCEED above it)"`
	Reject        string `yaml:"reject" doc:"every payment fails: risk or payment_fail"`
}

// Validate checks the values.
func (b *Buyer) Validate() error {
	for _, kv := range [][2]string{{"balance", b.Balance}, {"password_above", b.PasswordAbove}, {"limit", b.Limit}} {
		if kv[1] != "" && !amountRe.MatchString(kv[1]) {
			return fmt.Errorf("%s %q: write yuan with up to two decimals", kv[0], kv[1])
		}
	}
	return oneOf("reject", b.Reject, "risk", "payment_fail")
}

// BuyerStep is what a buyer does with a payment waiting for them.
type BuyerStep struct {
	Code    string   `yaml:"code" required:"true" doc:"the buyer's payment code"`
	Confirm *bool    `yaml:"confirm" doc:"true: the buyer enters the password; false: the buyer declines"`
	Trade   string   `yaml:"trade" doc:"out_trade_no of the trade (the one waiting for this buyer if unset)"`
	After   Duration `yaml:"after" doc:"virtual time the buyer takes"`
}

// Validate checks that the buyer does something.
func (s *BuyerStep) Validate() error {
	if s.Confirm == nil {
		return errors.New("confirm: say true (the buyer pays) or false (the buyer declines)")
	}
	return nil
}

// HostFault is a misbehaviour of the payment platform (emulator/hostsim's
// Fault).
type HostFault struct {
	Kind    string   `yaml:"kind" doc:"latency, no_reply, unknown, http_error, lost_reply, bad_signature or error"`
	API     string   `yaml:"api" doc:"method it affects, e.g. alipay.trade.pay, alipay.trade.query (all if unset)"`
	Count   int      `yaml:"count" doc:"how many calls it affects (0: all until cleared)"`
	Latency Duration `yaml:"latency" doc:"for latency: how long the platform takes to answer"`
	Status  int      `yaml:"status" doc:"for http_error: the HTTP status"`
	Commit  bool     `yaml:"commit" doc:"for no_reply, unknown and http_error: carry the request out first, then fail"`
	SubCode string   `yaml:"sub_code" doc:"for error: the sub_code to answer with, e.g. ACQ.SYSTEM_ERROR"`
	Clear   bool     `yaml:"clear" doc:"remove every fault instead"`
}

// Validate checks the kind.
func (f *HostFault) Validate() error {
	if f.Clear {
		if f.Kind != "" || f.API != "" {
			return errors.New("clear: true takes no other keys")
		}
		return nil
	}
	if f.Kind == "" {
		return errors.New("kind: say which fault: latency, no_reply, unknown, http_error, lost_reply, bad_signature or error")
	}
	return oneOf("kind", f.Kind, "latency", "no_reply", "unknown", "http_error", "lost_reply", "bad_signature", "error")
}

// ExpectTradeStep checks a trade as the payment platform has it.
type ExpectTradeStep struct {
	OutTradeNo string   `yaml:"out_trade_no" doc:"the terminal's order number (the latest trade if unset)"`
	Status     string   `yaml:"status" doc:"WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_CLOSED or TRADE_FINISHED"`
	Amount     string   `yaml:"amount" doc:"total_amount in yuan"`
	Refunded   string   `yaml:"refunded" doc:"yuan refunded so far"`
	Buyer      string   `yaml:"buyer" doc:"payment code of the buyer who paid"`
	Count      *int     `yaml:"count" doc:"how many trades the platform has"`
	Timeout    Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks the status.
func (s *ExpectTradeStep) Validate() error {
	return oneOf("status", s.Status, "WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_CLOSED", "TRADE_FINISHED")
}

func init() {
	Register(Def[BuyerStep]{
		Name: "buyer", Area: "payment",
		Hardware: "asks the operator to confirm or decline on the buyer's phone",
		Summary:  "the buyer confirms (enters the password) or declines a payment waiting for them",
		Example:  `- buyer: {code: "286612345678901234", confirm: true}`,
		Needs:    needHostSim,
		Physical: func(r *Run, s *BuyerStep) error {
			if *s.Confirm {
				return r.AskDo("On the buyer's phone (code " + s.Code + "), confirm the payment")
			}
			return r.AskDo("On the buyer's phone (code " + s.Code + "), decline the payment")
		},
	})
	Register(Def[HostFault]{
		Name: "host_fault", Area: "payment",
		Summary:       "make the payment platform misbehave (or clear: true)",
		Example:       `- host_fault: {api: alipay.trade.query, kind: no_reply, count: 2}`,
		Needs:         needHostSim,
		NotOnHardware: "a real payment platform cannot be told to fail",
	})
	Register(Def[ExpectTradeStep]{
		Name: "expect_trade", Area: "payment",
		Summary:       "the payment platform has the trade in this state",
		Example:       `- expect_trade: {status: TRADE_SUCCESS, amount: "12.50"}`,
		Needs:         needHostSim,
		NotOnHardware: "reading trades back needs the platform's query API (to be wired with drivers/payment)",
	})
}
