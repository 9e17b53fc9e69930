package terminal_test

import (
	"context"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/journal"
)

// rig is the application on fake devices and a virtual clock.
type rig struct {
	cfg  *config.Config
	clk  *clock.Virtual
	scr  *fakeScreen
	cust *fakeCustomer
	keys *fakeKeys
	scan *fakeScanner
	prn  *fakePrinter
	pay  *fakePayments
	dir  string
	j    *journal.Journal
	app  *terminal.App

	cancel context.CancelFunc
	done   chan error
}

var start = time.Date(2025, 3, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newRig() *rig {
	r := &rig{cfg: config.Default(), clk: clock.NewVirtual(start), scr: &fakeScreen{}, cust: &fakeCustomer{},
		keys: &fakeKeys{c: make(chan keypad.Event, 256)}, scan: &fakeScanner{c: make(chan string, 4)},
		prn: &fakePrinter{}, pay: newFakePayments(), dir: GinkgoT().TempDir()}
	r.cfg.StateDir = r.dir
	r.openJournal()
	return r
}

func (r *rig) openJournal() {
	j, err := journal.Open(r.dir, journal.Options{Clock: r.clk})
	Expect(err).NotTo(HaveOccurred())
	r.j = j
}

func (r *rig) start() {
	r.app = terminal.New(r.cfg, terminal.Devices{Screen: r.scr, Customer: r.cust, Keys: r.keys, Scanner: r.scan,
		Printer: r.prn, Payments: r.pay}, r.j, terminal.Options{Clock: r.clk})
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- r.app.Run(ctx) }()
	DeferCleanup(r.stop)
}

func (r *rig) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	Eventually(r.done).Should(Receive(BeNil()))
	r.cancel = nil
	r.j.Close()
}

// restart stops the application and starts it again on the same journal.
func (r *rig) restart() {
	r.stop()
	r.openJournal()
	r.start()
}

func (r *rig) press(keys ...string) {
	for _, k := range keys {
		r.keys.c <- keypad.Event{Kind: keypad.KeyPress, Key: k}
	}
}

// typ presses one key per character.
func (r *rig) typ(s string) {
	for _, c := range s {
		r.press(string(c))
	}
}

func (r *rig) screen() string { return r.scr.String() }

// advance moves the clock on by d, from one of the application's timers
// to the next, each time only once the application waits on one: so a
// timer it arms late (it was busy with a key) is not jumped over, however
// slowly the machine runs it. The application must be waiting on the
// clock until the time is up.
func (r *rig) advance(d time.Duration) {
	GinkgoHelper()
	target := r.clk.Now().Add(d)
	for r.clk.Now().Before(target) {
		r.waitOnClock()
		next, _ := r.clk.NextDeadline()
		if next.After(target) {
			next = target
		}
		r.clk.Set(next)
	}
}

// waitOnClock returns once a timer is armed, at once if one is.
func (r *rig) waitOnClock() {
	GinkgoHelper()
	giveUp := make(chan struct{})
	t := time.AfterFunc(10*time.Second, func() { close(giveUp) })
	defer t.Stop()
	Expect(r.clk.WaitForWaiters(1, giveUp)).To(BeTrue(), "the application never waited on the clock (status %q)", r.app.Status())
}

func (r *rig) see(s string) {
	GinkgoHelper()
	Eventually(r.screen).Should(ContainSubstring(s))
}

func (r *rig) signOn(op, pw string) {
	GinkgoHelper()
	r.see("操作员号 Operator no.")
	r.typ(op)
	r.press(terminal.KeyEnter)
	r.see("密码 Password")
	r.typ(pw)
	r.press(terminal.KeyEnter)
	r.see("主菜单 MENU")
}

// sale keys a sale by code up to the customer-copy prompt.
func (r *rig) sale(amount, code string) {
	GinkgoHelper()
	r.see("主菜单 MENU")
	r.press("1")
	r.see("请输入金额")
	r.typ(amount)
	r.press(terminal.KeyEnter)
	r.see("请扫描买家付款码")
	r.scan.c <- code
}

func (r *rig) journalText() string {
	data, err := os.ReadFile(r.j.Path())
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

func joined(lines []string) string { return strings.Join(lines, "\n") }

const goodCode = "286012345678901234"
