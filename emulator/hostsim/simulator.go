package hostsim

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/events"
)

// Test app ids. All three verify with the test app key; the second and
// third exist to reach the permission errors.
const (
	// TestAppIDNoProduct has signed for no face-to-face product: every
	// method but alipay.trade.query answers 40006.
	TestAppIDNoProduct = "2021000000000002"
	// TestAppIDForbidden belongs to a merchant barred from collecting:
	// trade methods answer ACQ.ACCESS_FORBIDDEN.
	TestAppIDForbidden = "2021000000000003"
	// DefaultSellerID is the merchant PID (seller_id) of the test apps.
	DefaultSellerID = "2088621000000001"
)

// Defaults of Options.
const (
	DefaultPayTimeout   = 3 * time.Minute      // an unpaid bar-code trade closes then
	DefaultQRTimeout    = 2 * time.Hour        // an unpaid precreate QR expires then
	DefaultCancelWindow = 24 * time.Hour       // cancel is refused after it
	DefaultRefundWindow = 365 * 24 * time.Hour // a paid trade is TRADE_FINISHED after it
	DefaultBillURLLife  = 30 * time.Second     // a bill_download_url works that long
)

// App is a merchant application the gateway knows.
type App struct {
	ID        string
	PublicKey *rsa.PublicKey // verifies the app's request signatures
	// Methods the app has signed for; nil means all. Others answer 40006
	// isv.insufficient-isv-permissions.
	Methods []string
	// Forbidden: trade methods answer 40004 ACQ.ACCESS_FORBIDDEN.
	Forbidden bool
	SellerID  string // "" means DefaultSellerID
}

func (a *App) allows(method string) bool {
	if a.Methods == nil {
		return true
	}
	for _, m := range a.Methods {
		if m == method {
			return true
		}
	}
	return false
}

// Options configure a Simulator. The zero value runs the test app, the
// embedded sandbox buyers and the test platform key, on the wall clock,
// in memory.
type Options struct {
	Clock       clock.Clock     // nil: clock.Real()
	Apps        []App           // nil: DefaultApps of the test keys
	PlatformKey *rsa.PrivateKey // signs replies; nil: the test platform key
	Buyers      []Buyer         // nil: DefaultBuyers()
	// StatePath, when set, is a journal file that keeps trades and
	// balances across restarts; every change reaches it (fsync) before the
	// reply that reports it is sent.
	StatePath string
	// BaseURL prefixes bill_download_url; "" uses the address the request
	// was sent to.
	BaseURL string
	Bus     *events.Bus  // when set, trade changes are published on it (device "host")
	Log     *slog.Logger // nil discards
	// OnHold, when set, is called (with the method) each time a no_reply
	// fault starts holding a request: a harness on virtual time, where a
	// client's real-time deadline means nothing, ends the wait with
	// ReleaseHeld when the scenario waits for the call's outcome.
	OnHold func(method string)

	PayTimeout   time.Duration // 0: DefaultPayTimeout
	QRTimeout    time.Duration // 0: DefaultQRTimeout
	CancelWindow time.Duration // 0: DefaultCancelWindow
	RefundWindow time.Duration // 0: DefaultRefundWindow; <0: never finished
	BillURLLife  time.Duration // 0: DefaultBillURLLife
	// SameDayBills lets bill_date be today; Alipay only has bills for
	// days that are over.
	SameDayBills bool
	// MaxClockSkew, when positive, refuses timestamps further than this
	// from the simulator's clock (isv.invalid-timestamp). Off by default,
	// because a client on the wall clock and a simulator on virtual time
	// disagree by design.
	MaxClockSkew time.Duration
}

// DefaultApps are the three test apps, all verifying with pub.
func DefaultApps(pub *rsa.PublicKey) []App {
	return []App{
		{ID: TestAppID, PublicKey: pub},
		{ID: TestAppIDNoProduct, PublicKey: pub, Methods: []string{MethodQuery}},
		{ID: TestAppIDForbidden, PublicKey: pub, Forbidden: true},
	}
}

// Simulator is the Alipay OpenAPI gateway with the trade service behind
// it. It is an http.Handler: POST /gateway.do, and GET of the bill files
// it hands out. Safe for concurrent use.
type Simulator struct {
	opts     Options
	clock    clock.Clock
	platform *rsa.PrivateKey
	apps     map[string]*App
	buyers   map[string]*Buyer
	order    []string // buyer codes as listed

	mu      sync.Mutex
	st      *store
	journal *journal
	faults  []*faultState
	bills   map[string]*billLink
	held    map[chan struct{}]bool // requests no_reply holds; closing one ends its wait

	done      chan struct{} // closed by Close: hanging replies end
	closeOnce sync.Once
}

// New starts a simulator. With Options.StatePath it first replays the
// journal there.
func New(opts Options) (*Simulator, error) {
	if opts.Clock == nil {
		opts.Clock = clock.Real()
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&opts.PayTimeout, DefaultPayTimeout)
	def(&opts.QRTimeout, DefaultQRTimeout)
	def(&opts.CancelWindow, DefaultCancelWindow)
	def(&opts.RefundWindow, DefaultRefundWindow)
	def(&opts.BillURLLife, DefaultBillURLLife)
	if opts.PlatformKey == nil || opts.Apps == nil {
		keys, err := LoadTestKeys()
		if err != nil {
			return nil, fmt.Errorf("hostsim: %w", err)
		}
		if opts.PlatformKey == nil {
			opts.PlatformKey = keys.PlatformPrivate
		}
		if opts.Apps == nil {
			opts.Apps = DefaultApps(keys.AppPublic)
		}
	}
	if opts.Buyers == nil {
		b, err := DefaultBuyers()
		if err != nil {
			return nil, fmt.Errorf("hostsim: %w", err)
		}
		opts.Buyers = b
	}
	s := &Simulator{
		opts:     opts,
		clock:    opts.Clock,
		platform: opts.PlatformKey,
		apps:     map[string]*App{},
		buyers:   map[string]*Buyer{},
		st:       newStore(),
		bills:    map[string]*billLink{},
		done:     make(chan struct{}),
	}
	for i := range opts.Apps {
		a := opts.Apps[i]
		if a.ID == "" || a.PublicKey == nil {
			return nil, fmt.Errorf("hostsim: app %d needs an ID and a public key", i+1)
		}
		if a.SellerID == "" {
			a.SellerID = DefaultSellerID
		}
		s.apps[a.ID] = &a
	}
	for i := range opts.Buyers {
		b := opts.Buyers[i]
		if b.Funding == "" {
			b.Funding = FundBalance
		}
		if field, msg := b.check(); field != "" {
			return nil, fmt.Errorf("hostsim: buyer %d: %s %s", i+1, field, msg)
		}
		if _, dup := s.buyers[b.PaymentCode]; dup {
			return nil, fmt.Errorf("hostsim: payment_code %s listed twice", b.PaymentCode)
		}
		s.buyers[b.PaymentCode] = &b
		s.order = append(s.order, b.PaymentCode)
		s.st.balances[b.PaymentCode] = b.Balance
	}
	if opts.StatePath != "" {
		j, err := openJournal(opts.StatePath, s.st)
		if err != nil {
			return nil, fmt.Errorf("hostsim: state %s: %w", opts.StatePath, err)
		}
		s.journal = j
	}
	s.st.dirtyTrades = map[*Trade]bool{}
	s.st.dirtyBuyers = map[string]bool{}
	return s, nil
}

// Clock is the clock the simulator reads.
func (s *Simulator) Clock() clock.Clock { return s.clock }

// Close ends hanging replies and closes the state file. Requests after
// Close get HTTP 503.
func (s *Simulator) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.done)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.journal != nil {
			err = s.journal.close()
		}
	})
	return err
}

func (s *Simulator) closed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// commit writes what changed since the last commit to the journal; the
// caller holds s.mu. Without a state file it only forgets the changes.
func (s *Simulator) commit() error {
	st := s.st
	if len(st.dirtyTrades) == 0 && len(st.dirtyBuyers) == 0 {
		return nil
	}
	var err error
	if s.journal != nil {
		err = s.journal.write(st)
	}
	st.dirtyTrades = map[*Trade]bool{}
	st.dirtyBuyers = map[string]bool{}
	if err != nil {
		s.opts.Log.Error("hostsim: writing the state file", "path", s.opts.StatePath, "err", err)
		return fmt.Errorf("state file: %w", err)
	}
	return nil
}

func (s *Simulator) publish(t *Trade) {
	if s.opts.Bus == nil {
		return
	}
	s.opts.Bus.Publish("host", "trade", map[string]any{
		"out_trade_no": t.OutTradeNo, "trade_no": t.TradeNo, "kind": t.Kind,
		"trade_status": t.Status, "total_fen": t.Total, "refunded_fen": t.Refunded,
		"awaiting_password": t.AwaitingPassword, "closed_by": t.ClosedBy,
	})
}

// ErrClosed is returned by the Go API after Close.
var ErrClosed = errors.New("hostsim: simulator closed")
