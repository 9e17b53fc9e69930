package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/profile"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/hw"
	"github.com/posemu/posemu/terminal/journal"
	"gopkg.in/yaml.v3"
)

// AppTerminal is the value of app: (in a suite or a scenario's given)
// that runs the terminal application in the scenario.
const AppTerminal = "terminal"

// terminalSettleLimit bounds how long the harness waits for the terminal
// application to come to rest (every goroutine of it waiting for a key, a
// scan or the clock): a platform call takes a moment (one that gets no
// reply is ended, see Platform.awaiting), a slip a moment of printing, a
// loaded machine several times that.
const terminalSettleLimit = 20 * time.Second

// terminalStopLimit bounds how long a stopped application may take to end.
const terminalStopLimit = 5 * time.Second

// usesTerminal reports whether sc runs the terminal application: the suite
// or the scenario says app: terminal, it changes the application's
// configuration, or it uses a step of the terminal area (sign_on,
// restart_app, expect_journal, expect_slip), which mean nothing without it.
func usesTerminal(sc *Scenario) bool {
	if sc == nil {
		return false
	}
	if sc.Given.App == AppTerminal || len(sc.Given.Config) > 0 || (sc.Suite != nil && sc.Suite.App == AppTerminal) {
		return true
	}
	return slices.ContainsFunc(sc.AllSteps(), func(s *Step) bool { return s.Def.Area == "terminal" })
}

// terminalConfig is the embedded TEST configuration with the scenario's
// overrides (dotted paths, as profile_set), its journal in stateDir. The
// platform calls time out after PlatformCallTimeout unless the scenario
// says otherwise, as the harness's own do.
func terminalConfig(overrides map[string]string, stateDir string) (*config.Config, error) {
	data := config.DefaultYAML()
	if len(overrides) > 0 {
		var err error
		if data, err = overrideYAML(data, overrides); err != nil {
			return nil, err
		}
	}
	cfg, err := config.Parse("config", data)
	if err != nil {
		// The line numbers would point into the harness's copy of the
		// configuration, not at anything in the scenario file.
		var ce *config.Error
		switch {
		case errors.As(err, &ce) && ce.Field != "":
			return nil, fmt.Errorf("%s: %s", ce.Field, ce.Msg)
		case errors.As(err, &ce):
			return nil, errors.New(strings.Replace(ce.Msg, " in type config.Config", " in the configuration", 1))
		}
		return nil, err
	}
	cfg.StateDir = stateDir
	if _, set := overrides["payment.request_timeout"]; !set {
		cfg.Payment.RequestTimeout = PlatformCallTimeout
	}
	return cfg, nil
}

// overrideYAML sets the values at dotted paths of a YAML mapping,
// creating sections that are missing; the config's own checks then judge
// the result.
func overrideYAML(data []byte, set map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	for _, path := range slices.Sorted(maps.Keys(set)) {
		keys := strings.Split(path, ".")
		m := root
		for i, k := range keys {
			if k == "" {
				return nil, fmt.Errorf("%s: an empty name in the path", path)
			}
			v := valueOf(m, k)
			if i == len(keys)-1 {
				if v == nil {
					m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &yaml.Node{Kind: yaml.ScalarNode})
					v = m.Content[len(m.Content)-1]
				}
				if v.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("%s: is a section (%s), not a single value", path, kindName(v))
				}
				*v = yaml.Node{Kind: yaml.ScalarNode, Value: set[path]}
				break
			}
			if v == nil {
				v = &yaml.Node{Kind: yaml.MappingNode}
				m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
			}
			if v.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("%s: %q is not a section of the configuration", path, strings.Join(keys[:i+1], "."))
			}
			m = v
		}
	}
	return yaml.Marshal(&doc)
}

// checkGivenApp checks a scenario's app: and config: when the file loads.
func checkGivenApp(g Given) error {
	if g.App != "" && g.App != AppTerminal {
		return fmt.Errorf("app %q: the only application is %q", g.App, AppTerminal)
	}
	if len(g.Config) > 0 {
		if _, err := terminalConfig(g.Config, "."); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	return nil
}

// termApp is the terminal application of one scenario on the emulator:
// the real terminal.App on the real drivers (terminal/hw), on the
// emulator's device links, the scenario's payment simulator and virtual
// clock, its journal in the scenario's directory. It is built as hw.Run
// builds it, with the keypad and scanner counted so that the harness
// knows when what was pressed has arrived.
type termApp struct {
	emu   *emulator.Emulator
	clk   *clock.Virtual
	plat  *Platform
	prof  *profile.Profile
	cfg   *config.Config
	addrs hw.Addresses
	log   *slog.Logger

	strike slipStrike // a printer fault armed by interrupt_slip

	mu   sync.Mutex
	run  *termRun // nil while stopped
	runs int
}

// termRun is one life of the application, from start to stop or kill.
type termRun struct {
	j      *journal.Journal
	h      *hw.Hardware
	app    *terminal.App
	cancel context.CancelFunc
	done   chan struct{}
	err    error // what App.Run returned, once done is closed
	root   int64 // the goroutine running App.Run

	keys, scans       atomic.Int64 // delivered to the application
	keyBase, scanBase int64        // pressed and scanned before this run began
}

func newTermApp(sc *Scenario, e *emulator.Emulator, clk *clock.Virtual, plat *Platform, prof *profile.Profile,
	stateDir string, log io.Writer) (*termApp, error) {
	cfg, err := terminalConfig(sc.Given.Config, stateDir)
	if err != nil {
		return nil, fmt.Errorf("given: config: %w", err)
	}
	link := func(name string) string {
		if d, err := e.Device(name); err == nil {
			return d.Link
		}
		return ""
	}
	return &termApp{emu: e, clk: clk, plat: plat, prof: prof, cfg: cfg,
		addrs: hw.Addresses{LCD: link(emulator.LCD), CustDisplay: link(emulator.CustDisplay), Keypad: link(emulator.Keypad),
			Scanner: link(emulator.Scanner), Printer: link(emulator.Printer)},
		log: slog.New(slog.NewTextHandler(&lockedWriter{w: log}, &slog.HandlerOptions{Level: slog.LevelInfo})).With("app", "terminal")}, nil
}

// start opens the journal, the platform client and the devices, and runs
// the application until stop or kill.
func (t *termApp) start() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.run != nil {
		return errors.New("the terminal application is running already")
	}
	j, err := journal.Open(t.cfg.StateDir, journal.Options{Clock: t.clk})
	if err != nil {
		return err
	}
	pay, err := hw.NewPayments(t.cfg, t.plat.URL, t.clk)
	if err != nil {
		j.Close()
		return fmt.Errorf("payment platform: %w", err)
	}
	h, err := hw.Open(t.addrs, t.prof, hw.Options{Clock: t.clk, Logger: t.log, Wrap: t.wrap,
		LCD: emulatorDrivers.lcd, Printer: emulatorDrivers.printer})
	if err != nil {
		j.Close()
		return err
	}
	run := &termRun{j: j, h: h, done: make(chan struct{}),
		keyBase: t.emu.Keypad().Pressed(), scanBase: t.emu.Scanner().Scanned()}
	dev := h.Devices(pay)
	dev.Keys = &countingKeys{Keys: dev.Keys, n: &run.keys}
	if dev.Scanner != nil {
		dev.Scanner = &countingScanner{Scanner: dev.Scanner, n: &run.scans}
	}
	run.app = terminal.New(t.cfg, dev, j, terminal.Options{Clock: t.clk, Logger: t.log})
	ctx, cancel := context.WithCancel(context.Background())
	run.cancel = cancel
	root := make(chan int64, 1)
	go func() {
		root <- goroutineID()
		run.err = run.app.Run(ctx)
		close(run.done)
	}()
	run.root = <-root
	t.run = run
	t.runs++
	t.log.Info("started", "run", t.runs, "journal", j.Path(), "batch", j.Batch(), "next_voucher", j.NextVoucher(),
		"in_doubt", len(j.InDoubt()))
	return nil
}

// stop ends the application cleanly: it is told to stop, finishes what it
// was writing, and its journal and devices are closed after it.
func (t *termApp) stop() error {
	run := t.take()
	if run == nil {
		return nil
	}
	run.cancel()
	err := run.wait()
	return errors.Join(err, run.h.Close(), run.j.Close())
}

// kill ends the application as a power cut would: its devices and its
// journal go first, so that nothing it does on the way down reaches the
// paper, the screen or the file; then it is told to stop. The journal
// keeps exactly what was written before.
func (t *termApp) kill() error {
	run := t.take()
	if run == nil {
		return nil
	}
	herr := run.h.Close()
	jerr := run.j.Close()
	run.cancel()
	if err := run.wait(); err != nil {
		return err
	}
	return errors.Join(herr, jerr)
}

func (t *termApp) take() *termRun {
	t.mu.Lock()
	defer t.mu.Unlock()
	run := t.run
	t.run = nil
	return run
}

func (run *termRun) wait() error {
	select {
	case <-run.done:
		return nil
	case <-time.After(terminalStopLimit):
		return fmt.Errorf("the terminal application did not stop within %s (status %q)", terminalStopLimit, run.app.Status())
	}
}

func (t *termApp) current() *termRun {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.run
}

// status is what the running application says it is doing.
func (t *termApp) status() string {
	run := t.current()
	if run == nil {
		return "stopped"
	}
	select {
	case <-run.done:
		if run.err != nil {
			return "ended: " + run.err.Error()
		}
		return "ended"
	default:
	}
	return run.app.Status()
}

// atRest reports whether the application waits for the outside world or
// the clock, and if not, why not.
func (t *termApp) atRest() (bool, string) {
	run := t.current()
	if run == nil {
		return true, ""
	}
	select {
	case <-run.done:
		return true, ""
	default:
	}
	if t.plat.simHolding() {
		// A platform call waits for the scenario's clock (a latency
		// fault): the application is waiting on the clock too.
		return true, ""
	}
	gs := tree(goroutines(), run.root)
	keysQueued, scansQueued := false, false
	for _, g := range gs {
		if g.creator == pumpCreator && g.state == "chan send" {
			// A reader holds an input the application is not ready for:
			// what follows it is queued behind it, not on its way.
			switch g.where() {
			case pumpCreator + ".func1":
				keysQueued = true
			case pumpCreator + ".func2":
				scansQueued = true
			}
		}
	}
	if pressed := t.emu.Keypad().Pressed() - run.keyBase; !keysQueued && run.keys.Load() < pressed {
		return false, fmt.Sprintf("%d of %d key presses have reached the application", run.keys.Load(), pressed)
	}
	if scanned := t.emu.Scanner().Scanned() - run.scanBase; !scansQueued && run.scans.Load() < scanned {
		return false, fmt.Sprintf("%d of %d scans have reached the application", run.scans.Load(), scanned)
	}
	for _, g := range gs {
		if why := g.busy(); why != "" {
			return false, why
		}
	}
	return true, ""
}

// settle waits until the application is at rest; a platform call of its
// that gets no reply is ended (Platform.awaiting).
func (t *termApp) settle(ctx context.Context) error {
	defer t.plat.awaiting()()
	deadline := time.Now().Add(terminalSettleLimit)
	pause := 100 * time.Microsecond
	for {
		ok, why := t.atRest()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the terminal application did not come to rest within %s (status %q): %s",
				terminalSettleLimit, t.status(), why)
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return ctx.Err()
		}
		pause = min(2*pause, 2*time.Millisecond)
	}
}

// advance moves the scenario's clock by d from timer to timer, letting the
// application (and any payment of the harness's own) finish what each
// timer set off before the next one fires: so a cashier that polls every
// 5 s polls six times in 30 s, and the countdown ticks every second.
func (t *termApp) advance(ctx context.Context, d time.Duration) error {
	target := t.clk.Now().Add(d)
	for {
		if err := t.plat.settle(ctx); err != nil {
			return err
		}
		if err := t.settle(ctx); err != nil {
			return err
		}
		next, ok := t.clk.NextDeadline()
		if !ok || next.After(target) {
			break
		}
		t.clk.Set(next)
		t.plat.mu.Lock()
		t.plat.latency = slices.DeleteFunc(t.plat.latency, func(at time.Time) bool { return !at.After(next) })
		t.plat.mu.Unlock()
	}
	t.clk.Set(target)
	return nil
}

// countingKeys counts the key presses the application's keypad reader
// takes from the driver.
type countingKeys struct {
	terminal.Keys
	n *atomic.Int64
}

func (k *countingKeys) Next(ctx context.Context) (keypad.Event, error) {
	ev, err := k.Keys.Next(ctx)
	if err == nil && ev.Kind == keypad.KeyPress {
		k.n.Add(1)
	}
	return ev, err
}

// countingScanner counts the reads the application's scanner reader gets.
type countingScanner struct {
	terminal.Scanner
	n *atomic.Int64
}

func (s *countingScanner) Read(ctx context.Context) (string, error) {
	code, err := s.Scanner.Read(ctx)
	if ctx.Err() == nil {
		s.n.Add(1)
	}
	return code, err
}

// lockedWriter serialises the application's log lines with the steps'.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// latestQR is the out_trade_no of the newest QR code a till shows (trade,
// if set, names it): one the harness's own cashier precreated, else one
// the terminal application did, as the simulator has it, not yet scanned.
func (p *Platform) latestQR(trade string) string {
	p.mu.Lock()
	for i := len(p.ops) - 1; i >= 0; i-- {
		op := p.ops[i]
		if op.qr != "" && (trade == "" || op.outTradeNo == trade) {
			p.mu.Unlock()
			return op.outTradeNo
		}
	}
	p.mu.Unlock()
	if p.Sim == nil {
		return ""
	}
	ts := p.Sim.Trades()
	for i := len(ts) - 1; i >= 0; i-- {
		t := ts[i]
		if t.Kind == hostsim.KindPrecreate && t.QRCode != "" && !t.Scanned && (trade == "" || t.OutTradeNo == trade) {
			return t.OutTradeNo
		}
	}
	return ""
}
