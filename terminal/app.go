package terminal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/journal"
)

// Options tune an App; the zero value is usable.
type Options struct {
	// Clock is what every wait reads: lock-outs, prompts, countdowns, and
	// the timestamps of trades. clock.Real() if nil.
	Clock clock.Clock
	// Logger receives what the terminal did (never a password or a full
	// payment code). Discarded if nil.
	Logger *slog.Logger
	// PromptTimeout is how long the "press a key for the customer copy"
	// prompt waits before printing it anyway (default 60 s).
	PromptTimeout time.Duration
}

// App is the terminal application.
type App struct {
	cfg *config.Config
	dev Devices
	j   *journal.Journal
	clk clock.Clock
	log *slog.Logger
	opt Options

	keyc     chan string
	scanc    chan string
	keypadUp atomic.Bool

	scrMu  sync.Mutex // the cashier's progress draws from its own goroutine
	w, h   int
	shown  *page
	devErr string

	operator    string
	failures    int
	lockedUntil time.Time

	health health
	status atomic.Value // string: what the terminal is doing, for tests and logs
}

// ErrJournal wraps a journal write that failed: the terminal stops taking
// trades, since it could no longer prove what it did.
var ErrJournal = errors.New("journal write failed")

// errSignOff ends the menu loop and returns to sign-on.
var errSignOff = errors.New("signed off")

// New returns the application. The journal must be open; the devices may
// lack a customer display or a scanner (nil), but not the rest.
func New(cfg *config.Config, dev Devices, j *journal.Journal, opt Options) *App {
	if opt.Clock == nil {
		opt.Clock = clock.Real()
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.PromptTimeout <= 0 {
		opt.PromptTimeout = 60 * time.Second
	}
	if dev.Paper.Dots == 0 {
		dev.Paper = printer.Paper58
	}
	a := &App{cfg: cfg, dev: dev, j: j, clk: opt.Clock, log: opt.Logger, opt: opt,
		keyc: make(chan string), scanc: make(chan string, 1), w: 320, h: 240}
	a.keypadUp.Store(true)
	a.status.Store("starting")
	return a
}

// Status says what the terminal is doing ("self-check", "sign-on",
// "menu", "sale", …), for logs and tests.
func (a *App) Status() string { return a.status.Load().(string) }

// Operator is the signed-on operator's number, "" when none.
func (a *App) Operator() string {
	a.scrMu.Lock()
	defer a.scrMu.Unlock()
	return a.operator
}

func (a *App) setStatus(s string) {
	a.status.Store(s)
	a.log.Debug("terminal", "status", s)
}

// Run runs the terminal until ctx ends (nil) or the journal fails.
func (a *App) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.startPumps(ctx)
	err := a.run(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if errors.Is(err, ErrJournal) {
		a.setStatus("stopped")
		a.show(page{title: "存储故障 JOURNAL FAILURE", lines: []line{
			text("交易记录无法写入，暂停所有交易"), text("The journal cannot be written;"),
			text("all trades are stopped."), text(""), text("请联系维修 Call service"),
			text(shorten(err.Error(), 38))}})
	}
	return err
}

func (a *App) run(ctx context.Context) error {
	a.selfCheck(ctx)
	if err := a.recover(ctx); err != nil {
		return err
	}
	for {
		if err := a.signOn(ctx); err != nil {
			return err
		}
		err := a.mainMenu(ctx)
		switch {
		case errors.Is(err, errSignOff):
			a.log.Info("signed off", "operator", a.operator)
			a.scrMu.Lock()
			a.operator = ""
			a.scrMu.Unlock()
		case err != nil:
			return err
		}
	}
}

// begin writes a new journal entry before its request goes out.
func (a *App) begin(e journal.Entry) (journal.Entry, error) {
	e, err := a.j.Begin(e)
	if err != nil {
		return e, fmt.Errorf("%w: %v", ErrJournal, err)
	}
	return e, nil
}

// update writes an entry's new state.
func (a *App) update(e journal.Entry) (journal.Entry, error) {
	e, err := a.j.Update(e)
	if err != nil {
		return e, fmt.Errorf("%w: %v", ErrJournal, err)
	}
	return e, nil
}

// outTradeNo names a new sale: terminal number, local time to the second
// and the voucher, unique across restarts and batches, and within the
// platform's 64 letters and digits.
func (a *App) outTradeNo(voucher int) string {
	return fmt.Sprintf("%s%s%06d", a.cfg.Terminal.Number, a.clk.Now().In(payment.ChinaTime).Format("060102150405"), voucher)
}

// dayStart is the start of the calendar day (China time) of t.
func dayStart(t time.Time) time.Time {
	t = t.In(payment.ChinaTime)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, payment.ChinaTime)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// message shows a page and waits for any key (or the timeout, if > 0).
func (a *App) message(ctx context.Context, title string, lines []line, timeout time.Duration) (string, error) {
	a.show(page{title: title, lines: lines, footer: "按任意键继续 Press any key"})
	return a.keyOrTimeout(ctx, timeout)
}
