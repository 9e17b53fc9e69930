package terminale2e_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/hostsim"
	emuprinter "github.com/posemu/posemu/emulator/printer"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/hw"
	"github.com/posemu/posemu/terminal/journal"
)

// Sandbox buyers of fixtures/hostsim/buyers.yaml.
const (
	buyerZhang  = "281234567890123456" // no password up to 2000.00
	buyerLi     = "282000000000000002" // always confirms on the phone
	buyerWang   = "283000000000000003" // 5.00 balance
	unknownCode = "289999999999999999" // matches the pattern, nobody's
)

// start is 10:00 China time on a working day.
var start = time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)

// rig is the emulated terminal with the application running in it.
type rig struct {
	emu   *emulator.Emulator
	clk   *clock.Virtual
	sim   *hostsim.Simulator
	gw    string
	cfg   *config.Config
	state string

	mu       sync.Mutex
	app      *terminal.App
	onWrite  func(p []byte) // printer bytes on their way to the pty
	cancel   context.CancelFunc
	done     chan error
	simStop  func()
	emuClose func()
}

// newRig starts the emulator and the platform simulator, not the app.
func newRig() *rig {
	r := &rig{clk: clock.NewVirtual(start), state: GinkgoT().TempDir()}
	r.emu = newEmulator()
	r.startSim(hostsim.Options{Clock: r.clk, SameDayBills: true})
	r.cfg = config.Default()
	r.cfg.StateDir = r.state
	return r
}

// newEmulator starts the emulated hardware until the spec ends. The
// display's inter-byte frame gap runs on a clock that stands still, so a
// frame the pty hands over in pieces on a loaded machine is never
// abandoned half way.
func newEmulator() *emulator.Emulator {
	emu, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir()})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { Expect(emu.Close()).To(Succeed()) })
	emu.LCD().SetClock(clock.NewVirtual(start))
	return emu
}

// Every frame to the LCD and every status request to the printer is
// answered, in microseconds on an idle machine and much later on a loaded
// one: the drivers wait for them generously. The printer asks for its
// status every 20 ms while a chunk prints, so a paper-out in the middle of
// a slip is seen at once.
var (
	lcdConfig     = lcd.Config{Timeout: 5 * time.Second}
	printerConfig = printer.Config{Timeout: 5 * time.Second, Poll: 20 * time.Millisecond}
)

func (r *rig) startSim(o hostsim.Options) {
	sim, err := hostsim.New(o)
	Expect(err).NotTo(HaveOccurred())
	l, err := hostsim.Listen("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- sim.Serve(ctx, l) }()
	r.sim, r.gw = sim, hostsim.GatewayURL(l)
	DeferCleanup(func() {
		cancel()
		Expect(<-served).To(Succeed())
	})
}

func (r *rig) addresses() hw.Addresses {
	link := func(name string) string {
		info, err := r.emu.Device(name)
		Expect(err).NotTo(HaveOccurred())
		return info.Link
	}
	return hw.Addresses{LCD: link(emulator.LCD), CustDisplay: link(emulator.CustDisplay), Keypad: link(emulator.Keypad),
		Scanner: link(emulator.Scanner), Printer: link(emulator.Printer)}
}

// hookPort shows the test each write to the printer before it is sent.
type hookPort struct {
	port.Port
	r *rig
}

func (h hookPort) Write(p []byte) (int, error) {
	h.r.mu.Lock()
	fn := h.r.onWrite
	h.r.mu.Unlock()
	if fn != nil {
		fn(p)
	}
	return h.Port.Write(p)
}

// start runs the application until the spec ends (or stop).
func (r *rig) start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		r.done <- hw.Run(ctx, hw.RunOptions{Config: r.cfg, Devices: r.addresses(), Gateway: r.gw, Clock: r.clk,
			Logger: slog.New(slog.NewTextHandler(GinkgoWriter, nil)),
			LCD:    lcdConfig, Printer: printerConfig,
			Wrap: func(name string, p port.Port) port.Port {
				if name == emulator.Printer {
					return hookPort{Port: p, r: r}
				}
				return p
			},
			Ready: func(a *terminal.App) {
				r.mu.Lock()
				r.app = a
				r.mu.Unlock()
				close(ready)
			}})
	}()
	Eventually(ready).Should(BeClosed())
	DeferCleanup(r.stop)
}

func (r *rig) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	Eventually(r.done, 15*time.Second).Should(Receive(BeNil()))
	r.cancel = nil
}

func (r *rig) setOnWrite(fn func(p []byte)) {
	r.mu.Lock()
	r.onWrite = fn
	r.mu.Unlock()
}

func (r *rig) status() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.app.Status()
}

// screen is the LCD as the emulator's model reads it.
func (r *rig) screen() string { return strings.Join(r.emu.LCD().Lines(), "\n") }

func (r *rig) customer() string { return strings.Join(r.emu.CustDisplay().Lines(), "|") }

func (r *rig) see(s string) {
	GinkgoHelper()
	// A slip may print first: generous, it costs nothing when the text
	// comes.
	Eventually(r.screen, 20*time.Second).Should(ContainSubstring(s))
}

func (r *rig) press(keys ...string) {
	GinkgoHelper()
	Expect(r.emu.Keypad().Press(keys...)).To(Succeed())
}

// typ presses one key per character.
func (r *rig) typ(s string) {
	GinkgoHelper()
	for _, c := range s {
		r.press(string(c))
	}
}

func (r *rig) scan(code string) {
	GinkgoHelper()
	Expect(r.emu.Scanner().Scan(code)).To(Succeed())
}

func (r *rig) signOn() {
	GinkgoHelper()
	r.see("操作员号 Operator no.")
	r.typ("01")
	r.press("ENTER")
	r.see("密码 Password")
	r.typ("0000")
	r.press("ENTER")
	r.see("主菜单 MENU")
}

// sale keys a sale by code and scans code.
func (r *rig) sale(amount, code string) {
	GinkgoHelper()
	r.see("主菜单 MENU")
	r.press("1")
	r.see("请输入金额")
	r.typ(amount)
	r.press("ENTER")
	r.see("请扫描买家付款码")
	r.scan(code)
}

// finish answers the customer-copy prompt and leaves the result screen.
func (r *rig) finish() {
	GinkgoHelper()
	r.see("按任意键打印持卡人存根")
	r.press("ENTER")
	r.see("交易成功 APPROVED")
	r.press("ENTER")
	r.see("主菜单 MENU")
}

// cut are the slips cut so far (not the one still in the printer).
func (r *rig) cut() []emuprinter.Receipt {
	var out []emuprinter.Receipt
	for _, rc := range r.emu.Printer().Receipts() {
		if rc.Cut != "" {
			out = append(out, rc)
		}
	}
	return out
}

// receipts are the slips cut so far, as text.
func (r *rig) receipts() []string {
	var out []string
	for _, rc := range r.cut() {
		out = append(out, strings.Join(rc.Text(), "\n"))
	}
	return out
}

func (r *rig) receiptCount() int { return len(r.cut()) }

// runClock lets virtual time pass until cond holds, as it passes for a
// till: the clock moves to the application's next timer only while the
// cashier waits between two calls to the platform, never while a call, a
// redraw or a slip is under way. So the platform sees each call at the
// virtual time a till would make it, and no timeout on the clock (the
// customer-copy prompt's, the simulator's) runs out while the application
// is still busy or before the test has seen the screen it waits for,
// however slowly the machine runs.
func (r *rig) runClock(cond func() bool) {
	GinkgoHelper()
	Eventually(func() bool {
		waits := r.cashierWaits()
		if r.status() == "paying" && !waits {
			return false // a call or a redraw is under way: let it finish
		}
		if cond() {
			return true
		}
		if next, ok := r.clk.NextDeadline(); ok && waits {
			r.clk.Set(next)
		}
		return false
	}, 30*time.Second, time.Millisecond).Should(BeTrue())
}

// cashierWaits reports whether the application pays and does nothing but
// wait for the clock: both of the timers a payment arms are armed, the
// countdown's tick and the cashier's wait before its next call. Nothing
// else arms a timer on this clock (the drivers pace their reconnects on
// the wall clock), and neither timer fires unless the clock moves, so the
// application stays put until it does.
func (r *rig) cashierWaits() bool {
	return r.status() == "paying" && r.clk.Waiters() == 2
}

// entries reads the journal after the app has stopped.
func (r *rig) entries() []journal.Entry {
	GinkgoHelper()
	r.stop()
	j, err := journal.Open(r.state, journal.Options{})
	Expect(err).NotTo(HaveOccurred())
	defer j.Close()
	return j.Entries()
}

// trades are the simulator's trades made by this terminal.
func (r *rig) trades() []hostsim.Trade {
	var out []hostsim.Trade
	for _, t := range r.sim.Trades() {
		if strings.HasPrefix(t.OutTradeNo, r.cfg.Terminal.Number) {
			out = append(out, t)
		}
	}
	return out
}

func (r *rig) balance(code string) int64 {
	for _, b := range r.sim.Buyers() {
		if b.PaymentCode == code {
			return b.Balance
		}
	}
	Fail("no buyer " + code)
	return 0
}

// paperOutWhen makes the paper run out as soon as a write carrying marker
// is on its way to the printer: a deterministic "paper out mid-slip".
func (r *rig) paperOutWhen(marker string) {
	r.setOnWrite(func(p []byte) {
		if bytes.Contains(p, []byte(marker)) {
			Expect(r.emu.Printer().SetPaper(emuprinter.PaperOut)).To(Succeed())
			go r.setOnWrite(nil)
		}
	})
}

func yuanOf(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
