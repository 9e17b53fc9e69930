package harness

import (
	"errors"
	"fmt"
)

// The part the payment steps wait for.
const needHostSim = "the payment platform simulator (emulator/hostsim: buyers, faults, trades)"

// Buyer is a customer the payment simulator knows by payment code.
type Buyer struct {
	Code     string `yaml:"code" required:"true" doc:"the buyer's payment code (what the scanner reads)"`
	Name     string `yaml:"name" doc:"the buyer's logon id, e.g. 159****1234"`
	Balance  string `yaml:"balance" doc:"yuan available; a larger payment fails with insufficient funds"`
	Password bool   `yaml:"password" doc:"payments need the buyer's confirmation (pay answers 10003, the terminal polls)"`
	Status   string `yaml:"status" doc:"code state: valid (default), expired, used or invalid"`
}

// Validate checks the values.
func (b *Buyer) Validate() error {
	if b.Balance != "" && !amountRe.MatchString(b.Balance) {
		return fmt.Errorf("balance %q: write yuan with up to two decimals", b.Balance)
	}
	return oneOf("status", b.Status, "valid", "expired", "used", "invalid")
}

// BuyerStep is what a buyer does with a payment waiting for them.
type BuyerStep struct {
	Code    string   `yaml:"code" required:"true" doc:"the buyer's payment code"`
	Confirm *bool    `yaml:"confirm" doc:"true: the buyer enters the password; false: the buyer declines"`
	After   Duration `yaml:"after" doc:"virtual time the buyer takes"`
}

// Validate checks that the buyer does something.
func (s *BuyerStep) Validate() error {
	if s.Confirm == nil {
		return errors.New("confirm: say true (the buyer pays) or false (the buyer declines)")
	}
	return nil
}

// HostFault is a misbehaviour of the payment platform.
type HostFault struct {
	API   string   `yaml:"api" doc:"method it affects, e.g. alipay.trade.pay, alipay.trade.query (all if unset)"`
	Kind  string   `yaml:"kind" doc:"timeout, http_error, system_error, bad_signature, drop, delay"`
	Code  string   `yaml:"code" doc:"sub_code to answer with, e.g. ACQ.SYSTEM_ERROR"`
	Delay Duration `yaml:"delay" doc:"for delay: how long the platform takes to answer"`
	Count int      `yaml:"count" doc:"how many calls it affects (0: all until cleared)"`
	Clear bool     `yaml:"clear" doc:"remove every fault instead"`
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
		return errors.New("kind: say which fault: timeout, http_error, system_error, bad_signature, drop or delay")
	}
	return oneOf("kind", f.Kind, "timeout", "http_error", "system_error", "bad_signature", "drop", "delay")
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
		Example:       `- host_fault: {api: alipay.trade.query, kind: timeout, count: 2}`,
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
