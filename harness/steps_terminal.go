package harness

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/posemu/posemu/emulator/hostsim"
	emkeypad "github.com/posemu/posemu/emulator/keypad"
	"github.com/posemu/posemu/terminal/journal"
)

// What the terminal application shows at the points sign_on waits for
// (terminal/signon.go, terminal/menu.go).
const (
	screenOperatorPrompt = "操作员号 Operator no."
	screenPasswordPrompt = "密码 Password"
	screenMenu           = "主菜单 MENU"
	screenWrongPassword  = "操作员号或密码错误"
	screenLocked         = "已锁定"
)

// SignOnStep signs an operator on through the keypad.
type SignOnStep struct {
	Operator string   `yaml:"operator" required:"true" doc:"operator number, e.g. 01 (00 is the supervisor)"`
	Password string   `yaml:"password" required:"true" doc:"the operator's password, digits (never logged: the screen shows it as *)"`
	Expect   string   `yaml:"expect" doc:"what follows: menu (default: signed on), refused (wrong operator or password), locked (sign-on locked after too many), or none (do not check)"`
	Timeout  Duration `yaml:"timeout" doc:"how long each screen may take"`
}

var digitsRe = regexp.MustCompile(`^[0-9]+$`)

// Validate checks that both can be keyed.
func (s *SignOnStep) Validate() error {
	if !strings.Contains(s.Operator, "${") && (!digitsRe.MatchString(s.Operator) || len(s.Operator) > 2) {
		return fmt.Errorf("operator %q: one or two digits, e.g. 01", s.Operator)
	}
	if !strings.Contains(s.Password, "${") && !digitsRe.MatchString(s.Password) {
		return errors.New("password: digits only (the keypad has no letters)")
	}
	return oneOf("expect", s.Expect, "menu", "refused", "locked", "none")
}

// RestartAppStep stops the terminal application (a power cut, unless
// graceful) and starts it again on the same journal.
type RestartAppStep struct {
	Graceful bool     `yaml:"graceful" doc:"stop it cleanly (as SIGTERM does) instead of cutting the power"`
	OffFor   Duration `yaml:"off_for" doc:"how long the terminal stays off, on the scenario's clock (the platform's own timers run meanwhile)"`
}

// ExpectJournalStep checks the application's journal, as the file on disk
// holds it.
type ExpectJournalStep struct {
	Voucher       string   `yaml:"voucher" doc:"the entry with this voucher number (1 or 000001); else any entry that matches the rest"`
	Kind          string   `yaml:"kind" doc:"sale, sale_qr, void or refund"`
	State         string   `yaml:"state" doc:"pending, in_doubt, approved, declined or cancelled"`
	Amount        string   `yaml:"amount" doc:"yuan"`
	Account       string   `yaml:"account" doc:"the payment code as the journal keeps it: masked, e.g. 281234********3456"`
	SubCode       string   `yaml:"sub_code" doc:"the platform's sub_code of a refusal, e.g. ACQ.BUYER_BALANCE_NOT_ENOUGH"`
	Slips         *int     `yaml:"slips" doc:"copies printed whole: 0, 1 (the merchant's) or 2 (both)"`
	Reprints      *int     `yaml:"reprints" doc:"duplicates printed later"`
	Batch         *int     `yaml:"batch" doc:"the entry's batch"`
	OrigVoucher   *int     `yaml:"orig_voucher" doc:"a void's or refund's original sale"`
	Count         *int     `yaml:"count" doc:"how many entries match the other keys (all entries, if none is given)"`
	NotContains   []string `yaml:"not_contains" doc:"the journal file holds none of these anywhere (a full payment code, a password)"`
	BatchesClosed *int     `yaml:"batches_closed" doc:"how many batches settlement has closed"`
	Matched       *bool    `yaml:"matched" doc:"the batch closed last was reconciled with the platform's bill and matched"`
	OpenBatch     *int     `yaml:"open_batch" doc:"the batch now open"`
	Timeout       Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks the values.
func (s *ExpectJournalStep) Validate() error {
	if s.Voucher == "" && s.Kind == "" && s.State == "" && s.Amount == "" && s.Account == "" && s.SubCode == "" &&
		s.Slips == nil && s.Reprints == nil && s.Batch == nil && s.OrigVoucher == nil && s.Count == nil &&
		s.NotContains == nil && s.BatchesClosed == nil && s.Matched == nil && s.OpenBatch == nil {
		return errors.New("say what to expect: voucher, kind, state, amount, account, sub_code, slips, reprints, batch, orig_voucher, count, not_contains, batches_closed, matched or open_batch")
	}
	if s.Amount != "" && !strings.Contains(s.Amount, "${") && !amountRe.MatchString(s.Amount) {
		return fmt.Errorf("amount %q: write yuan with up to two decimals", s.Amount)
	}
	if s.Voucher != "" && !strings.Contains(s.Voucher, "${") && !digitsRe.MatchString(s.Voucher) {
		return fmt.Errorf("voucher %q: a number such as 1 or 000001", s.Voucher)
	}
	if err := oneOf("kind", s.Kind, string(journal.Sale), string(journal.SaleQR), string(journal.Void), string(journal.Refund)); err != nil {
		return err
	}
	return oneOf("state", s.State, string(journal.Pending), string(journal.InDoubt), string(journal.Approved),
		string(journal.Declined), string(journal.Cancelled))
}

// ExpectSlipStep checks a printed slip against its journal entry.
type ExpectSlipStep struct {
	Voucher   string   `yaml:"voucher" shorthand:"true" doc:"the journal entry the slip is for (default: the newest entry)"`
	Copy      string   `yaml:"copy" doc:"merchant (default) or cardholder"`
	Duplicate *bool    `yaml:"duplicate" doc:"the slip is (true) or is not (false) marked 重打印 DUPLICATED"`
	Timeout   Duration `yaml:"timeout" doc:"how long to wait for it to be printed"`
}

// Validate checks the values.
func (s *ExpectSlipStep) Validate() error {
	if s.Voucher != "" && !strings.Contains(s.Voucher, "${") && !digitsRe.MatchString(s.Voucher) {
		return fmt.Errorf("voucher %q: a number such as 1 or 000001", s.Voucher)
	}
	return oneOf("copy", s.Copy, "merchant", "cardholder")
}

func init() {
	Register(Def[SignOnStep]{
		Name: "sign_on", Area: "terminal",
		Hardware: "asks the operator to sign on (the password is on the station's sheet, never on the console)",
		Summary:  "an operator signs on to the terminal application: the number, ENTER, the password, ENTER, keyed as a person would",
		Example:  `- sign_on: {operator: "01", password: "0000"}`,
		Emulator: signOn,
		Physical: func(r *Run, s *SignOnStep) error {
			return r.AskDo("Sign on as operator " + s.Operator + " (password from the station sheet)")
		},
	})
	Register(Def[RestartAppStep]{
		Name: "restart_app", Area: "terminal",
		Summary:       "cut the terminal application's power (or stop it cleanly) and start it again on the same journal",
		Example:       `- restart_app: {off_for: 5m}`,
		Emulator:      restartApp,
		NotOnHardware: "a power cut at a chosen step needs the emulator; on a bench, use an operator: step",
	})
	Register(Def[ExpectJournalStep]{
		Name: "expect_journal", Area: "terminal",
		Summary:       "the terminal application's journal file has this entry (or count, or settlement)",
		Example:       `- expect_journal: {voucher: 1, kind: sale, state: approved, amount: "12.50", slips: 2}`,
		Emulator:      expectJournal,
		NotOnHardware: "the journal is read from the application's files on the emulator",
	})
	Register(Def[ExpectSlipStep]{
		Name: "expect_slip", Area: "terminal",
		Summary: "a slip printed since the last tear_off is the journal entry's: merchant, terminal, operator, " +
			"masked account, type, batch, voucher, auth, reference, order number, amount, original voucher, QR of the trade number, copy label",
		Example:       `- expect_slip: {voucher: 1, copy: cardholder}`,
		Emulator:      expectSlip,
		NotOnHardware: "the slip is checked against the application's journal on the emulator",
	})
}

func (r *Run) terminalApp() *termApp {
	if s, ok := r.sess.(interface{ terminal() *termApp }); ok {
		return s.terminal()
	}
	return nil
}

func needTerminalApp(r *Run) (*termApp, error) {
	if t := r.terminalApp(); t != nil {
		return t, nil
	}
	return nil, errors.New("this scenario does not run the terminal application (app: terminal)")
}

// awaitScreen waits for a line of the operator display containing text.
// A line containing one of instead fails it at once: the application
// shows that screen until a key or the clock moves it on, and neither
// happens while the step waits.
func awaitScreen(r *Run, timeout Duration, text, what string, instead ...string) error {
	m := r.Emulator().LCD()
	var bad error
	err := r.Await(r.Timeout(timeout), what, func() (bool, string) {
		lines := m.Lines()
		for _, l := range lines {
			if strings.Contains(l, text) {
				return true, ""
			}
		}
		seen := quoteLines("screen text", lines)
		for _, l := range lines {
			for _, x := range instead {
				if strings.Contains(l, x) {
					bad = r.Failf(seen, "expected %s, the screen shows %q instead", what, x)
					return true, seen
				}
			}
		}
		return false, seen
	})
	if err != nil {
		return err
	}
	return bad
}

func signOn(r *Run, s *SignOnStep) error {
	if _, err := needTerminalApp(r); err != nil {
		return err
	}
	if err := awaitScreen(r, s.Timeout, screenOperatorPrompt, "the sign-on screen ("+screenOperatorPrompt+")"); err != nil {
		return err
	}
	kp := r.Emulator().Keypad()
	keys, _ := emkeypad.ParseSequence(s.Operator)
	if err := kp.Press(append(keys, "ENTER")...); err != nil {
		return err
	}
	if err := awaitScreen(r, s.Timeout, screenPasswordPrompt, "the password prompt ("+screenPasswordPrompt+")"); err != nil {
		return err
	}
	pw := make([]string, 0, len(s.Password)+1)
	for _, c := range s.Password {
		pw = append(pw, string(c))
	}
	// The keypad's error names the key it failed on: not for a password.
	if err := kp.Press(append(pw, "ENTER")...); err != nil {
		return errors.New("the keypad did not take the password's keys (is it unplugged?)")
	}
	r.Logf("keyed operator %s and a password of %d digits", s.Operator, len(s.Password))
	switch s.Expect {
	case "", "menu":
		return awaitScreen(r, s.Timeout, screenMenu, "the main menu ("+screenMenu+") after signing on as "+s.Operator,
			screenWrongPassword, screenLocked)
	case "refused":
		return awaitScreen(r, s.Timeout, screenWrongPassword, "the sign-on to be refused ("+screenWrongPassword+")")
	case "locked":
		return awaitScreen(r, s.Timeout, screenLocked, "sign-on to be locked ("+screenLocked+")")
	}
	return nil
}

func restartApp(r *Run, s *RestartAppStep) error {
	t, err := needTerminalApp(r)
	if err != nil {
		return err
	}
	// What was pressed before the cut has been taken in, as a person
	// would see it on the screen before pulling the plug; keys still on
	// their way would otherwise reach the next life of the application.
	if err := t.settle(r.ctx); err != nil {
		return err
	}
	if s.Graceful {
		err = t.stop()
		r.Logf("terminal application stopped")
	} else {
		err = t.kill()
		r.Logf("terminal application's power cut")
	}
	if err != nil {
		return err
	}
	if s.OffFor > 0 {
		if err := t.advance(r.ctx, s.OffFor.D()); err != nil {
			return err
		}
		r.Logf("off for %s, until %s", s.OffFor.D(), r.Clock().Now().Format("15:04:05"))
	}
	if err := t.start(); err != nil {
		return fmt.Errorf("starting the terminal application again: %w", err)
	}
	return t.settle(r.ctx)
}

// voucherNo reads "1" or "000001".
func voucherNo(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (s *ExpectJournalStep) matches(e journal.Entry) bool {
	yuan := func(want string, fen int64) bool {
		if want == "" {
			return true
		}
		w, err := hostsim.ParseYuan(want)
		return err == nil && w == fen
	}
	intIs := func(want *int, got int) bool { return want == nil || *want == got }
	switch {
	case s.Voucher != "" && e.Voucher != voucherNo(s.Voucher),
		s.Kind != "" && string(e.Kind) != s.Kind,
		s.State != "" && string(e.State) != s.State,
		!yuan(s.Amount, e.Amount),
		s.Account != "" && e.Account != s.Account,
		s.SubCode != "" && e.SubCode != s.SubCode,
		!intIs(s.Slips, e.Slips), !intIs(s.Reprints, e.Reprints), !intIs(s.Batch, e.Batch), !intIs(s.OrigVoucher, e.OrigVoucher):
		return false
	}
	return true
}

func (s *ExpectJournalStep) filters() bool {
	return s.Voucher != "" || s.Kind != "" || s.State != "" || s.Amount != "" || s.Account != "" || s.SubCode != "" ||
		s.Slips != nil || s.Reprints != nil || s.Batch != nil || s.OrigVoucher != nil
}

func (s *ExpectJournalStep) describe() string {
	var parts []string
	for _, kv := range [][2]string{{"voucher", s.Voucher}, {"kind", s.Kind}, {"state", s.State}, {"amount", s.Amount},
		{"account", s.Account}, {"sub_code", s.SubCode}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	for _, kv := range []struct {
		k string
		v *int
	}{{"slips", s.Slips}, {"reprints", s.Reprints}, {"batch", s.Batch}, {"orig_voucher", s.OrigVoucher}} {
		if kv.v != nil {
			parts = append(parts, fmt.Sprintf("%s=%d", kv.k, *kv.v))
		}
	}
	what := "an entry with " + strings.Join(parts, " ")
	switch {
	case s.Count != nil && len(parts) > 0:
		what = fmt.Sprintf("%d entries with %s", *s.Count, strings.Join(parts, " "))
	case s.Count != nil:
		what = fmt.Sprintf("%d entries", *s.Count)
	case len(parts) == 0:
		what = "a journal"
	}
	if len(s.NotContains) > 0 {
		what += fmt.Sprintf(", holding none of %q", s.NotContains)
	}
	if s.BatchesClosed != nil {
		what += fmt.Sprintf(", %d batches closed", *s.BatchesClosed)
	}
	if s.Matched != nil {
		what += fmt.Sprintf(", the last closed matched=%t", *s.Matched)
	}
	if s.OpenBatch != nil {
		what += fmt.Sprintf(", batch %06d open", *s.OpenBatch)
	}
	return what
}

func expectJournal(r *Run, s *ExpectJournalStep) error {
	t, err := needTerminalApp(r)
	if err != nil {
		return err
	}
	var held string
	err = r.Await(r.Timeout(s.Timeout), "the journal to have "+s.describe(), func() (bool, string) {
		jf, err := readJournal(t.cfg.StateDir)
		if err != nil {
			return false, err.Error()
		}
		seen := jf.describe()
		for _, text := range s.NotContains {
			if strings.Contains(string(jf.Raw), text) {
				held = text
				return true, seen
			}
		}
		n := 0
		for _, e := range jf.Entries {
			if s.matches(e) {
				n++
			}
		}
		switch {
		case s.Count != nil && n != *s.Count,
			s.Count == nil && s.filters() && n == 0,
			s.BatchesClosed != nil && len(jf.Closed) != *s.BatchesClosed,
			s.Matched != nil && (len(jf.Closed) == 0 || jf.Closed[len(jf.Closed)-1].Matched != *s.Matched),
			s.OpenBatch != nil && jf.Batch != *s.OpenBatch:
			return false, seen
		}
		return true, seen
	})
	if err != nil {
		return err
	}
	if held != "" {
		// Not quoted back: it may be a secret.
		return r.Failf("", "the journal file holds one of the not_contains texts (%d characters)", len(held))
	}
	return nil
}
