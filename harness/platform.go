package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/hostsim"
)

// PlatformCallTimeout bounds each call of the harness's payment client,
// and of the terminal application's (real time). An answered call takes
// milliseconds, two RSA signatures and loopback, and seconds on a loaded
// machine: the bound is generous, and costs nothing when the answer comes.
// A no_reply fault does not cost it either: on the emulator the harness
// ends a call the simulator holds as soon as the scenario waits for its
// outcome (Platform.awaiting).
const PlatformCallTimeout = 10 * time.Second

// Platform is the payment platform of one scenario and the harness's
// client of it. On the emulator it is a hostsim.Simulator of the
// scenario's own, on loopback, on the scenario's virtual clock; on a
// bench it is the station's platform URL. Payments go through
// drivers/payment's Client and Cashier, as the terminal's will, and run in
// the background so that advance_clock drives their polling.
type Platform struct {
	// URL is the gateway's full URL.
	URL string
	// Sim is the simulator; nil on a physical terminal.
	Sim *hostsim.Simulator
	// Client is the harness's payment client.
	Client *payment.Client

	clk       clock.Clock
	virt      *clock.Virtual // nil on a physical terminal
	transport *http.Transport
	stopServe context.CancelFunc
	served    chan error
	opsCtx    context.Context
	stopOps   context.CancelFunc

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change of the ops
	ops     []*payOp
	latency []time.Time // when the simulator's latency waits end
	waiters int         // steps waiting for what the platform's calls come to
	seq     int
	closed  bool
}

// payOp is one payment (or resolution) the cashier runs in the background.
type payOp struct {
	kind       string // pay, pay_qr or resolve
	outTradeNo string
	amount     payment.Fen
	code       string
	doneCh     chan struct{}

	// guarded by Platform.mu
	done     bool
	out      payment.Outcome
	err      error
	waiting  bool
	until    time.Time
	progress []payment.Progress
	qr       string
}

// PlatformSession is a session with a payment platform.
type PlatformSession interface {
	Platform() (*Platform, error)
}

// Platform is the scenario's payment platform, started on first use.
func (r *Run) Platform() (*Platform, error) {
	if s, ok := r.sess.(PlatformSession); ok {
		return s.Platform()
	}
	return nil, errors.New("this target has no payment platform")
}

// startedPlatform is the platform if the scenario has one running already.
func (r *Run) startedPlatform() *Platform {
	if s, ok := r.sess.(interface{ startedPlatform() *Platform }); ok {
		return s.startedPlatform()
	}
	return nil
}

// usesPlatform reports whether sc talks to the payment platform: a payment
// step, or buyers or faults given. Only then does the emulator target
// start a simulator for it, so other scenarios pay nothing for it.
func usesPlatform(sc *Scenario) bool {
	if len(sc.Given.Buyers) > 0 || len(sc.Given.Faults) > 0 {
		return true
	}
	return slices.ContainsFunc(sc.AllSteps(), func(s *Step) bool { return s.Def.Area == "payment" })
}

// The parsed test keys and sandbox buyers, read once per process.
var (
	testKeys      = sync.OnceValues(hostsim.LoadTestKeys)
	fixtureBuyers = sync.OnceValues(hostsim.DefaultBuyers)
)

// startSimPlatform serves a simulator for sc on loopback, reading virt,
// publishing trade changes on bus.
func startSimPlatform(sc *Scenario, virt *clock.Virtual, bus *events.Bus) (*Platform, error) {
	if sc == nil {
		sc = &Scenario{}
	}
	if virt == nil {
		return nil, errors.New("the payment simulator needs the scenario's virtual clock")
	}
	keys, err := testKeys()
	if err != nil {
		return nil, err
	}
	buyers, err := scenarioBuyers(sc.Given.Buyers)
	if err != nil {
		return nil, err
	}
	p := &Platform{clk: virt, virt: virt, changed: make(chan struct{})}
	sim, err := hostsim.New(hostsim.Options{Clock: simClock{p}, Buyers: buyers, Bus: bus, OnHold: p.onHold,
		PlatformKey: keys.PlatformPrivate, Apps: hostsim.DefaultApps(keys.AppPublic),
		SameDayBills: usesTerminal(sc)}) // the application settles (and reconciles) within the scenario's day
	if err != nil {
		return nil, err
	}
	for _, f := range sc.Given.Faults {
		if err := sim.AddFault(f.fault()); err != nil {
			sim.Close()
			return nil, fmt.Errorf("given: faults: %w", err)
		}
	}
	l, err := hostsim.Listen("127.0.0.1:0")
	if err != nil {
		sim.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.Sim, p.URL, p.stopServe, p.served = sim, hostsim.GatewayURL(l), cancel, make(chan error, 1)
	go func() { p.served <- sim.Serve(ctx, l) }()
	if err := p.connectTest(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// newRemotePlatform is a client of the platform cfg names, on the wall
// clock: a bench's.
func newRemotePlatform(cfg payment.Config) (*Platform, error) {
	p := &Platform{URL: cfg.GatewayURL, clk: clock.Real(), changed: make(chan struct{})}
	if err := p.connectWith(cfg); err != nil {
		return nil, err
	}
	return p, nil
}

// connectTest makes the harness's client with the test keys of
// fixtures/keys, which the simulator (and a posemu on a bench) knows.
func (p *Platform) connectTest() error {
	keys, err := testKeys()
	if err != nil {
		return err
	}
	return p.connectWith(payment.Config{GatewayURL: p.URL, AppID: hostsim.TestAppID,
		AppPrivateKey: keys.AppPrivate, PlatformPublicKey: keys.PlatformPublic})
}

func (p *Platform) connectWith(cfg payment.Config) error {
	p.transport = &http.Transport{}
	cfg.HTTPClient = &http.Client{Transport: p.transport}
	cfg.Clock = p.clk
	if cfg.Timeout == 0 {
		cfg.Timeout = PlatformCallTimeout
	}
	c, err := payment.New(cfg)
	if err != nil {
		return err
	}
	p.Client = c
	p.opsCtx, p.stopOps = context.WithCancel(context.Background())
	return nil
}

// Close stops the payments still running, then the simulator.
func (p *Platform) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	ops := slices.Clone(p.ops)
	p.mu.Unlock()
	if p.stopOps != nil {
		p.stopOps()
	}
	for _, op := range ops {
		<-op.doneCh
	}
	var err error
	if p.stopServe != nil {
		p.stopServe()
		err = <-p.served
	}
	if p.transport != nil {
		p.transport.CloseIdleConnections()
	}
	return err
}

// wake tells whoever settles that something changed; the caller holds p.mu.
func (p *Platform) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// NewTradeNo is a fresh out_trade_no: the scenario's clock and a
// sequence, so the same scenario makes the same numbers on the emulator.
func (p *Platform) NewTradeNo(prefix string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	return fmt.Sprintf("%s%s%03d", prefix, p.clk.Now().In(hostsim.CST).Format("20060102150405"), p.seq)
}

// start runs f (a cashier flow) in the background as op.
func (p *Platform) start(op *payOp, f func(ctx context.Context, c *payment.Cashier) (payment.Outcome, error)) error {
	op.doneCh = make(chan struct{})
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return errors.New("the payment platform is closed")
	}
	p.ops = append(p.ops, op)
	p.wake()
	p.mu.Unlock()
	c := &payment.Cashier{Client: p.Client, Clock: opClock{p: p, op: op}, Progress: func(pr payment.Progress) {
		p.mu.Lock()
		op.progress = append(op.progress, pr)
		p.wake()
		p.mu.Unlock()
	}}
	go func() {
		defer close(op.doneCh)
		out, err := f(p.opsCtx, c)
		p.mu.Lock()
		op.done, op.out, op.err, op.waiting = true, out, err, false
		p.wake()
		p.mu.Unlock()
	}()
	return nil
}

// op returns the latest background payment of outTradeNo ("": the latest
// of all).
func (p *Platform) op(outTradeNo string) *payOp {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.ops) - 1; i >= 0; i-- {
		if outTradeNo == "" || p.ops[i].outTradeNo == outTradeNo {
			return p.ops[i]
		}
	}
	return nil
}

// lastTradeNo is the out_trade_no of the latest payment the harness made.
func (p *Platform) lastTradeNo() string {
	if op := p.op(""); op != nil {
		return op.outTradeNo
	}
	return ""
}

func (p *Platform) describeOps() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for _, op := range p.ops {
		parts = append(parts, op.describeLocked(p.clk.Now()))
	}
	if len(parts) == 0 {
		return "no payments"
	}
	return strings.Join(parts, "; ")
}

// describeLocked says where op is, for failure messages; the caller holds
// the platform's lock.
func (op *payOp) describeLocked(now time.Time) string {
	s := fmt.Sprintf("%s %s (%s yuan)", op.kind, op.outTradeNo, op.amount.Yuan())
	switch {
	case op.done && op.err != nil:
		return s + ": refused before sending: " + op.err.Error()
	case op.done:
		return s + ": " + outcomeString(op.out)
	case op.waiting && op.until.After(now):
		s += fmt.Sprintf(": waiting on the scenario's clock until %s (advance_clock %s)", op.until.Format("15:04:05"), op.until.Sub(now))
	default:
		s += ": talking to the platform"
	}
	if n := len(op.progress); n > 0 {
		s += ", till shows " + progressString(op.progress[n-1])
	}
	return s
}

// Platform is the station's payment platform, connected on first use.
func (s *physSession) Platform() (*Platform, error) {
	return s.platform.get(func() (*Platform, error) { return stationPlatform(s.station) })
}

func (s *physSession) startedPlatform() *Platform { return s.platform.started() }

// lazyPlatform is a session's payment platform, started on first use.
type lazyPlatform struct {
	mu sync.Mutex
	p  *Platform
}

// get is the platform, which start starts if it has not been.
func (l *lazyPlatform) get(start func() (*Platform, error)) (*Platform, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.p == nil {
		p, err := start()
		if err != nil {
			return nil, err
		}
		l.p = p
	}
	return l.p, nil
}

// started is the platform if it was started, else nil.
func (l *lazyPlatform) started() *Platform {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.p
}

// close closes the platform if it was started.
func (l *lazyPlatform) close() error {
	if p := l.started(); p != nil {
		return p.Close()
	}
	return nil
}

// stationPlatform is a client of the station's platform, with its app and
// keys, or posemu's test ones.
func stationPlatform(st *Station) (*Platform, error) {
	if st == nil || st.Platform == "" {
		return nil, errors.New("no payment platform: add platform: URL (e.g. http://192.168.1.10:8090/gateway.do) to the station file")
	}
	keys, err := testKeys()
	if err != nil {
		return nil, err
	}
	cfg := payment.Config{GatewayURL: st.Platform, AppID: st.AppID,
		AppPrivateKey: keys.AppPrivate, PlatformPublicKey: keys.PlatformPublic}
	if cfg.AppID == "" {
		cfg.AppID = hostsim.TestAppID
	}
	read := func(path string) ([]byte, error) {
		if !filepath.IsAbs(path) {
			path = filepath.Join(st.dir, path)
		}
		return os.ReadFile(path)
	}
	if st.AppPrivateKey != "" {
		if cfg.AppPrivateKeyPEM, err = read(st.AppPrivateKey); err != nil {
			return nil, fmt.Errorf("station: app_private_key: %w", err)
		}
		cfg.AppPrivateKey = nil
	}
	if st.PlatformPublicKey != "" {
		if cfg.PlatformPublicKeyPEM, err = read(st.PlatformPublicKey); err != nil {
			return nil, fmt.Errorf("station: platform_public_key: %w", err)
		}
		cfg.PlatformPublicKey = nil
	}
	p, err := newRemotePlatform(cfg)
	if err != nil {
		return nil, fmt.Errorf("station: payment platform: %w", err)
	}
	return p, nil
}
