package hostsim

import (
	"errors"
	"fmt"
)

// Errors of the Go control API (what the buyer and the test operator do).
var (
	ErrNoSuchTrade = errors.New("no such trade")
	ErrNoSuchBuyer = errors.New("no such sandbox buyer")
	// ErrNotWaiting: the buyer has no trade waiting for the password.
	ErrNotWaiting = errors.New("no trade is waiting for this buyer's password")
	// ErrNotPrecreate: only a precreate trade has a QR code to scan.
	ErrNotPrecreate = errors.New("not a precreate trade")
)

// BuyerState is a sandbox buyer as the platform sees it now: Balance is
// the current balance.
type BuyerState struct {
	Buyer
	MaskedLogonID string `json:"masked_logon_id"`
	// AwaitingPassword lists the out_trade_no of trades waiting for this
	// buyer to confirm or decline.
	AwaitingPassword []string `json:"awaiting_password,omitempty"`
}

// Trades lists every trade, oldest first, after applying what time has
// done to them.
func (s *Simulator) Trades() []Trade {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	var out []Trade
	for _, t := range s.st.sorted() {
		s.settle(t, now)
		out = append(out, t.clone())
	}
	s.commit() //nolint:errcheck // logged; the listing reads memory
	return out
}

// Trade returns one trade by out_trade_no.
func (s *Simulator) Trade(outTradeNo string) (Trade, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.st.byOut[outTradeNo]
	if t == nil {
		return Trade{}, false
	}
	s.settle(t, s.clock.Now())
	s.commit() //nolint:errcheck // logged; the answer reads memory
	return t.clone(), true
}

// Buyers lists the sandbox buyers in file order, with their balances now.
func (s *Simulator) Buyers() []BuyerState {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	waiting := map[string][]string{}
	for _, t := range s.st.sorted() {
		s.settle(t, now)
		if t.AwaitingPassword {
			waiting[t.Buyer] = append(waiting[t.Buyer], t.OutTradeNo)
		}
	}
	s.commit() //nolint:errcheck // logged; the listing reads memory
	out := make([]BuyerState, 0, len(s.order))
	for _, code := range s.order {
		b := *s.buyers[code]
		b.Balance = s.st.balances[code]
		out = append(out, BuyerState{Buyer: b, MaskedLogonID: MaskLogonID(b.LogonID), AwaitingPassword: waiting[code]})
	}
	return out
}

// SetBalance sets a sandbox buyer's balance (fen), as a top-up would.
func (s *Simulator) SetBalance(code string, fen int64) error {
	if fen < 0 {
		return fmt.Errorf("balance %d is negative", fen)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buyers[code] == nil {
		return fmt.Errorf("%w: %s", ErrNoSuchBuyer, code)
	}
	s.st.setBalance(code, fen)
	return s.commit()
}

// Scan is a buyer scanning a precreate trade's QR code and paying it. A
// payment above the buyer's password threshold then waits for Confirm.
// A rejected payment returns the platform's *Result (e.g.
// ACQ.BUYER_BALANCE_NOT_ENOUGH) and leaves the QR payable.
func (s *Simulator) Scan(outTradeNo, code string) (Trade, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed() {
		return Trade{}, ErrClosed
	}
	t := s.st.byOut[outTradeNo]
	if t == nil {
		return Trade{}, fmt.Errorf("%w: %s", ErrNoSuchTrade, outTradeNo)
	}
	if t.Kind != KindPrecreate {
		return Trade{}, fmt.Errorf("%w: %s is %s", ErrNotPrecreate, outTradeNo, t.Kind)
	}
	b := s.buyers[code]
	if b == nil {
		return Trade{}, fmt.Errorf("%w: %s", ErrNoSuchBuyer, code)
	}
	now := s.clock.Now()
	s.settle(t, now)
	switch {
	case t.Status == StatusSuccess || t.Status == StatusFinished:
		return t.clone(), s.keep(failure(SubTradeHasSuccess))
	case t.Status == StatusClosed:
		return t.clone(), s.keep(failure(SubTradeHasClose))
	case t.Scanned && t.Buyer != code:
		return t.clone(), s.keep(failure(SubTradeBuyerNotMatch))
	case t.AwaitingPassword:
		return t.clone(), s.keep(nil) // scanned again: still waiting
	}
	needPassword, res := s.decide(b, t.Total, true)
	if res != nil {
		return t.clone(), s.keep(res)
	}
	t.Scanned = true
	s.bindBuyer(t, b)
	if needPassword {
		t.AwaitingPassword = true
		s.st.touch(t)
	} else {
		s.collect(t, b, now)
	}
	s.publish(t)
	return t.clone(), s.keep(nil)
}

// keep commits and returns err, or the commit's failure.
func (s *Simulator) keep(err *Result) error {
	if cerr := s.commit(); cerr != nil {
		return cerr
	}
	if err == nil {
		return nil
	}
	return err
}

// Confirm is the buyer entering the password on the phone: the trade
// waiting for it (outTradeNo, or the buyer's latest when "") is paid, if
// the money is still there.
func (s *Simulator) Confirm(code, outTradeNo string) (Trade, error) {
	return s.answerPassword(code, outTradeNo, true)
}

// Decline is the buyer cancelling on the phone: the trade closes.
func (s *Simulator) Decline(code, outTradeNo string) (Trade, error) {
	return s.answerPassword(code, outTradeNo, false)
}

func (s *Simulator) answerPassword(code, outTradeNo string, pay bool) (Trade, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed() {
		return Trade{}, ErrClosed
	}
	b := s.buyers[code]
	if b == nil {
		return Trade{}, fmt.Errorf("%w: %s", ErrNoSuchBuyer, code)
	}
	now := s.clock.Now()
	var t *Trade
	for _, c := range s.st.sorted() {
		s.settle(c, now)
		if c.Buyer == code && c.AwaitingPassword && (outTradeNo == "" || c.OutTradeNo == outTradeNo) {
			t = c
		}
	}
	if t == nil {
		s.commit() //nolint:errcheck // logged
		if outTradeNo != "" {
			return Trade{}, fmt.Errorf("%w: %s for buyer %s", ErrNotWaiting, outTradeNo, code)
		}
		return Trade{}, fmt.Errorf("%w: %s", ErrNotWaiting, code)
	}
	if !pay {
		t.Status = StatusClosed
		t.Closed = now
		t.ClosedBy = ClosedDecline
		t.AwaitingPassword = false
		s.st.touch(t)
		s.publish(t)
		return t.clone(), s.keep(nil)
	}
	if _, res := s.decide(b, t.Total, false); res != nil {
		// The payment fails on the phone; the trade stays unpaid until
		// the cashier cancels it or it times out.
		t.AwaitingPassword = false
		s.st.touch(t)
		s.publish(t)
		return t.clone(), s.keep(res)
	}
	s.collect(t, b, now)
	s.publish(t)
	return t.clone(), s.keep(nil)
}
