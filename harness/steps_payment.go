package harness

import (
	"errors"
	"fmt"
	"strings"

	"github.com/posemu/posemu/emulator/hostsim"
)

// BuyerStep is what a buyer does: top up, scan the till's QR code,
// confirm or decline a payment waiting for the password.
type BuyerStep struct {
	Code    string   `yaml:"code" required:"true" doc:"the buyer's payment code"`
	Confirm *bool    `yaml:"confirm" doc:"true: the buyer enters the password; false: the buyer declines"`
	Scan    bool     `yaml:"scan" doc:"the buyer scans the QR code the till shows (pay with qr: true) and pays"`
	Balance string   `yaml:"balance" doc:"first set the buyer's balance to this many yuan (a top-up)"`
	Trade   string   `yaml:"trade" doc:"out_trade_no of the trade (the one waiting for this buyer, or the latest QR, if unset)"`
	After   Duration `yaml:"after" doc:"virtual time the buyer takes before scanning or confirming"`
	Timeout Duration `yaml:"timeout" doc:"how long to wait for the trade to be there to confirm or scan"`
}

// Validate checks that the buyer does something.
func (s *BuyerStep) Validate() error {
	if s.Confirm == nil && !s.Scan && s.Balance == "" {
		return errors.New("say what the buyer does: confirm: true (pays), confirm: false (declines), scan: true or balance")
	}
	return checkYuan("balance", s.Balance)
}

// HostFault is a misbehaviour of the payment platform (emulator/hostsim's
// Fault).
type HostFault struct {
	Kind    string   `yaml:"kind" doc:"latency, no_reply, unknown, http_error, lost_reply, bad_signature or error"`
	API     string   `yaml:"api" doc:"method it affects, e.g. alipay.trade.pay, alipay.trade.query (all if unset)"`
	Count   int      `yaml:"count" doc:"how many calls it affects (0: all until cleared)"`
	Latency Duration `yaml:"latency" doc:"for latency: how long the platform takes to answer, on the scenario's clock"`
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
	if f.API != "" && !strings.Contains(f.API, "${") && !contains(hostsim.Methods(), f.API) {
		return fmt.Errorf("api %q: valid: %s", f.API, strings.Join(hostsim.Methods(), ", "))
	}
	return oneOf("kind", f.Kind, "latency", "no_reply", "unknown", "http_error", "lost_reply", "bad_signature", "error")
}

func (f *HostFault) fault() hostsim.Fault {
	return hostsim.Fault{Kind: hostsim.FaultKind(f.Kind), Method: f.API, Count: f.Count,
		Latency: hostsim.Duration(f.Latency), Status: f.Status, Commit: f.Commit, SubCode: f.SubCode}
}

// ExpectTradeStep checks a trade as the payment platform has it.
type ExpectTradeStep struct {
	OutTradeNo       string   `yaml:"out_trade_no" doc:"the till's order number (the latest trade if unset)"`
	Status           string   `yaml:"status" doc:"WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_CLOSED or TRADE_FINISHED"`
	Amount           string   `yaml:"amount" doc:"total_amount in yuan"`
	Refunded         string   `yaml:"refunded" doc:"yuan refunded so far"`
	Refunds          *int     `yaml:"refunds" doc:"how many refunds moved money on it"`
	Buyer            string   `yaml:"buyer" doc:"payment code of the buyer who paid (or is asked to)"`
	ClosedBy         string   `yaml:"closed_by" doc:"why it closed: timeout, close, cancel, decline or refund"`
	AwaitingPassword *bool    `yaml:"awaiting_password" doc:"the buyer has yet to confirm on the phone"`
	Count            *int     `yaml:"count" doc:"how many trades the platform has"`
	Timeout          Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks the values.
func (s *ExpectTradeStep) Validate() error {
	if err := checkYuan("amount", s.Amount, "refunded", s.Refunded); err != nil {
		return err
	}
	if err := oneOf("closed_by", s.ClosedBy, hostsim.ClosedTimeout, hostsim.ClosedClose, hostsim.ClosedCancel,
		hostsim.ClosedDecline, hostsim.ClosedRefund); err != nil {
		return err
	}
	return oneOf("status", s.Status, "WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_CLOSED", "TRADE_FINISHED")
}

// ExpectBuyerStep checks a sandbox buyer's account on the simulator.
type ExpectBuyerStep struct {
	Code     string   `yaml:"code" required:"true" doc:"the buyer's payment code"`
	Balance  string   `yaml:"balance" doc:"yuan left: what was charged shows here, once"`
	Awaiting *int     `yaml:"awaiting" doc:"how many trades wait for this buyer's password"`
	Timeout  Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks that the step checks something.
func (s *ExpectBuyerStep) Validate() error {
	if s.Balance == "" && s.Awaiting == nil {
		return errors.New("say what to expect: balance or awaiting")
	}
	return checkYuan("balance", s.Balance)
}

func init() {
	Register(Def[BuyerStep]{
		Name: "buyer", Area: "payment",
		Hardware: "asks the operator to do it on the buyer's phone",
		Summary:  "the buyer confirms (enters the password) or declines a payment waiting for them, scans the till's QR code, or tops up",
		Example:  `- buyer: {code: "282000000000000002", confirm: true, after: 20s}`,
		Emulator: buyerEmu,
		Physical: func(r *Run, s *BuyerStep) error {
			var todo []string
			if s.Balance != "" {
				todo = append(todo, "top the account up to "+s.Balance+" yuan")
			}
			if s.Scan {
				todo = append(todo, "scan the QR code the terminal shows and pay")
			}
			if s.Confirm != nil && *s.Confirm {
				todo = append(todo, "confirm the payment")
			} else if s.Confirm != nil {
				todo = append(todo, "decline the payment")
			}
			return r.AskDo("On the buyer's phone (code " + s.Code + "), " + strings.Join(todo, ", then "))
		},
	})
	Register(Def[HostFault]{
		Name: "host_fault", Area: "payment",
		Summary:       "make the payment platform misbehave (or clear: true)",
		Example:       `- host_fault: {api: alipay.trade.query, kind: no_reply, count: 2}`,
		Emulator:      hostFault,
		NotOnHardware: "a real payment platform cannot be told to fail",
	})
	Register(Def[ExpectTradeStep]{
		Name: "expect_trade", Area: "payment",
		Summary:  "the payment platform has the trade in this state",
		Example:  `- expect_trade: {status: TRADE_SUCCESS, amount: "12.50"}`,
		Hardware: "asks the platform (alipay.trade.query): status and amount only, of the harness's own trades",
		Emulator: expectTrade,
		Physical: expectTradeByQuery,
	})
	Register(Def[ExpectBuyerStep]{
		Name: "expect_buyer", Area: "payment",
		Summary:       "a sandbox buyer's balance (what was charged, once) or the trades waiting for their password",
		Example:       `- expect_buyer: {code: "281234567890123456", balance: "99987.50"}`,
		Emulator:      expectBuyer,
		NotOnHardware: "a real platform does not show a buyer's account",
	})
}

// checkYuan checks that each value is yuan with up to two decimals; kv is
// keys and their values in turn, and a value left empty is not checked.
func checkYuan(kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if v := kv[i+1]; v != "" && !amountRe.MatchString(v) {
			return fmt.Errorf("%s %q: write yuan with up to two decimals", kv[i], v)
		}
	}
	return nil
}

func simOf(r *Run) (*hostsim.Simulator, *Platform, error) {
	p, err := r.Platform()
	if err != nil {
		return nil, nil, err
	}
	if p.Sim == nil {
		return nil, nil, errors.New("the payment platform is not the simulator")
	}
	return p.Sim, p, nil
}

// settledSim is the simulator once the payments in the background have
// come to rest, for a check of what they did.
func settledSim(r *Run) (*hostsim.Simulator, error) {
	sim, p, err := simOf(r)
	if err != nil {
		return nil, err
	}
	return sim, p.settle(r.ctx)
}

func hostFault(r *Run, f *HostFault) error {
	sim, _, err := simOf(r)
	if err != nil {
		return err
	}
	if f.Clear {
		sim.ClearFaults()
		return nil
	}
	return sim.AddFault(f.fault())
}

func buyerEmu(r *Run, s *BuyerStep) error {
	sim, p, err := simOf(r)
	if err != nil {
		return err
	}
	if s.Balance != "" {
		fen, err := hostsim.ParseYuan(s.Balance)
		if err != nil {
			return err
		}
		if err := sim.SetBalance(s.Code, fen); err != nil {
			return err
		}
	}
	if s.After > 0 {
		if err := r.AdvanceClock(s.After.D()); err != nil {
			return err
		}
	}
	if s.Scan {
		if err := buyerScans(r, p, s); err != nil {
			return err
		}
	}
	if s.Confirm == nil {
		return nil
	}
	what := "decline"
	act := sim.Decline
	if *s.Confirm {
		what, act = "confirm", sim.Confirm
	}
	var last error
	err = r.Await(r.Timeout(s.Timeout), fmt.Sprintf("a trade waiting for buyer %s to %s", s.Code, what), func() (bool, string) {
		_, last = act(s.Code, s.Trade)
		if last == nil || !errors.Is(last, hostsim.ErrNotWaiting) && !errors.Is(last, hostsim.ErrNoSuchTrade) {
			return true, ""
		}
		return false, fmt.Sprintf("%v\ntrades: %s\npayments: %s", last, tradesSeen(sim), p.describeOps())
	})
	if err != nil {
		return err
	}
	if last != nil {
		return fmt.Errorf("buyer %s cannot %s: %w", s.Code, what, last)
	}
	r.Logf("buyer %s %sed at %s", s.Code, what, r.Clock().Now().Format("15:04:05"))
	return p.settle(r.ctx)
}

// buyerScans pays a precreated trade's QR code once the till shows it.
func buyerScans(r *Run, p *Platform, s *BuyerStep) error {
	var no string
	err := r.Await(r.Timeout(s.Timeout), "the till to show a QR code", func() (bool, string) {
		if no = p.latestQR(s.Trade); no != "" {
			return true, ""
		}
		return false, "no QR code shown yet"
	})
	if err != nil {
		return err
	}
	if _, err := p.Sim.Scan(no, s.Code); err != nil {
		return fmt.Errorf("buyer %s scanning the QR code of %s: %w", s.Code, no, err)
	}
	return p.settle(r.ctx)
}

func tradesSeen(sim *hostsim.Simulator) string {
	ts := sim.Trades()
	if len(ts) == 0 {
		return "(none)"
	}
	var parts []string
	for _, t := range ts {
		parts = append(parts, tradeString(t))
	}
	return "\n  " + strings.Join(parts, "\n  ")
}

func tradeString(t hostsim.Trade) string {
	s := fmt.Sprintf("%s %s %s yuan", t.OutTradeNo, t.Status, hostsim.Yuan(t.Total))
	if t.Refunded > 0 {
		s += ", refunded " + hostsim.Yuan(t.Refunded)
	}
	if t.Buyer != "" {
		s += ", buyer " + t.Buyer
	}
	if t.AwaitingPassword {
		s += ", awaiting the password"
	}
	if t.ClosedBy != "" {
		s += ", closed by " + t.ClosedBy
	}
	return s
}

func expectTrade(r *Run, s *ExpectTradeStep) error {
	sim, err := settledSim(r)
	if err != nil {
		return err
	}
	return r.Await(r.Timeout(s.Timeout), "the platform to have "+s.describe(), func() (bool, string) {
		ts := sim.Trades()
		seen := "trades: " + tradesSeen(sim)
		if s.Count != nil && len(ts) != *s.Count {
			return false, seen
		}
		if s.OutTradeNo == "" && s.Status == "" && s.Amount == "" && s.Refunded == "" && s.Refunds == nil &&
			s.Buyer == "" && s.ClosedBy == "" && s.AwaitingPassword == nil {
			return true, ""
		}
		var t hostsim.Trade
		var ok bool
		if s.OutTradeNo != "" {
			t, ok = sim.Trade(s.OutTradeNo)
		} else if len(ts) > 0 {
			t, ok = ts[len(ts)-1], true
		}
		return ok && s.matches(t), seen
	})
}

func (s *ExpectTradeStep) matches(t hostsim.Trade) bool {
	yuan := func(want string, fen int64) bool {
		if want == "" {
			return true
		}
		w, err := hostsim.ParseYuan(want)
		return err == nil && w == fen
	}
	refunds := 0
	for _, rf := range t.Refunds {
		if rf.Amount > 0 {
			refunds++
		}
	}
	switch {
	case s.Status != "" && t.Status != s.Status,
		!yuan(s.Amount, t.Total), !yuan(s.Refunded, t.Refunded),
		s.Refunds != nil && refunds != *s.Refunds,
		s.Buyer != "" && t.Buyer != s.Buyer,
		s.ClosedBy != "" && t.ClosedBy != s.ClosedBy,
		s.AwaitingPassword != nil && t.AwaitingPassword != *s.AwaitingPassword:
		return false
	}
	return true
}

func (s *ExpectTradeStep) describe() string {
	var parts []string
	for _, kv := range [][2]string{{"out_trade_no", s.OutTradeNo}, {"status", s.Status}, {"amount", s.Amount},
		{"refunded", s.Refunded}, {"buyer", s.Buyer}, {"closed_by", s.ClosedBy}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if s.Refunds != nil {
		parts = append(parts, fmt.Sprintf("refunds=%d", *s.Refunds))
	}
	if s.AwaitingPassword != nil {
		parts = append(parts, fmt.Sprintf("awaiting_password=%t", *s.AwaitingPassword))
	}
	what := "the latest trade with "
	if s.OutTradeNo != "" {
		what = "a trade with "
	}
	if len(parts) == 0 {
		what = "its trades"
	} else {
		what += strings.Join(parts, " ")
	}
	if s.Count != nil {
		what += fmt.Sprintf(" (%d trades in all)", *s.Count)
	}
	return what
}

func expectBuyer(r *Run, s *ExpectBuyerStep) error {
	sim, err := settledSim(r)
	if err != nil {
		return err
	}
	want := int64(-1)
	if s.Balance != "" {
		if want, err = hostsim.ParseYuan(s.Balance); err != nil {
			return err
		}
	}
	return r.Await(r.Timeout(s.Timeout), "buyer "+s.Code+" to have "+s.describe(), func() (bool, string) {
		for _, b := range sim.Buyers() {
			if b.PaymentCode != s.Code {
				continue
			}
			seen := fmt.Sprintf("buyer %s: balance %s, awaiting the password for %d trades %q", b.PaymentCode,
				hostsim.Yuan(b.Balance), len(b.AwaitingPassword), b.AwaitingPassword)
			ok := (want < 0 || b.Balance == want) && (s.Awaiting == nil || len(b.AwaitingPassword) == *s.Awaiting)
			return ok, seen
		}
		return false, "the simulator has no buyer " + s.Code
	})
}

func (s *ExpectBuyerStep) describe() string {
	var parts []string
	if s.Balance != "" {
		parts = append(parts, "balance "+s.Balance)
	}
	if s.Awaiting != nil {
		parts = append(parts, fmt.Sprintf("%d trades awaiting the password", *s.Awaiting))
	}
	return strings.Join(parts, " and ")
}
