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
