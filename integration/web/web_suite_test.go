package web_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/hw"
	"github.com/posemu/posemu/terminal/journal"
)

func TestWeb(t *testing.T) {
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Skipf("the web page tests need a real browser and there is none at %s "+
			"(apt-get install chromium, or set POSEMU_CHROMIUM to a Chromium binary)", chromiumPath())
	}
	RegisterFailHandler(Fail)
	// A browser, ptys and HTTP on a busy CI machine: give every condition
	// time, it is only waited for when it fails.
	SetDefaultEventuallyTimeout(10 * time.Second)
	RunSpecs(t, "web page: posemu's page in a real headless Chromium")
}

// chromiumPath is Debian's chromium, which .ci/run installs;
// POSEMU_CHROMIUM points elsewhere.
func chromiumPath() string {
	if p := os.Getenv("POSEMU_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser is one Chromium for the whole suite; each spec opens a tab.
var browser context.Context

var _ = BeforeSuite(func() {
	path := chromiumPath()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Containers often give /dev/shm a few MB, which crashes tabs.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(GinkgoT().TempDir()),
		chromedp.WindowSize(1440, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	DeferCleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// No timeout on this first call: its context would stop the browser.
	Expect(chromedp.Do(bctx)).To(Succeed(), "starting %s", path)
	browser = bctx
})

// rig is one emulator with its control API, which a spec can stop and
// start again on the same address (posemu going away and coming back).
type rig struct {
	emu  *emulator.Emulator
	host *hostsim.Simulator // nil without the payment platform
	pay  *payment.Client    // the terminal's client of that platform
	gw   string             // the platform's gateway URL
	app  *terminal.App      // nil without the terminal application
	addr string
	url  string

	mu   sync.Mutex
	stop func()
	opts rigOptions
}

// rigOptions say what the posemu under test has.
type rigOptions struct {
	// Wrap sits in front of the control API (e.g. to take endpoints away).
	Wrap func(http.Handler) http.Handler
	// Host runs the payment platform simulator, on the emulator's bus.
	Host bool
	// App runs the terminal application on the real drivers over the
	// ptys, paying on the simulator (implies Host).
	App bool
}

func startRig(opts rigOptions) *rig {
	GinkgoHelper()
	emu, err := emulator.New(emulator.Config{DevDir: GinkgoT().TempDir()})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(emu.Close)
	// The display's inter-byte frame gap runs on a clock that stands
	// still, so a frame the pty hands over in pieces on a loaded machine
	// is never abandoned half way.
	emu.LCD().SetClock(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	r := &rig{emu: emu, opts: opts}
	if opts.Host || opts.App {
		r.startHost()
	}
	l, err := control.Listen("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	r.addr, r.url = l.Addr().String(), control.URL(l)
	r.serve(l)
	DeferCleanup(r.stopServer) // before emu.Close (cleanups run last first)
	if opts.App {
		r.startApp()
	}
	return r
}

// startApp runs the terminal application as posemu would: its default
// (test) configuration, the drivers on the device links, the simulator as
// its platform, a fresh journal.
func (r *rig) startApp() {
	GinkgoHelper()
	cfg := config.Default()
	cfg.StateDir = GinkgoT().TempDir()
	cfg.Payment.Gateway = r.gw
	hwd, err := hw.Open(hw.Addresses{LCD: r.link(emulator.LCD), CustDisplay: r.link(emulator.CustDisplay),
		Keypad: r.link(emulator.Keypad), Scanner: r.link(emulator.Scanner), Printer: r.link(emulator.Printer)},
		r.emu.Profile(), hw.Options{LCD: lcdConfig, Printer: printerConfig})
	Expect(err).NotTo(HaveOccurred())
	pay, err := hw.NewPayments(cfg, r.gw, nil)
	Expect(err).NotTo(HaveOccurred())
	j, err := journal.Open(cfg.StateDir, journal.Options{})
	Expect(err).NotTo(HaveOccurred())
	r.app = terminal.New(cfg, hwd.Devices(pay), j, terminal.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.app.Run(ctx) }()
	DeferCleanup(func() {
		cancel()
		Eventually(done, 10*time.Second).Should(Receive(BeNil()))
		Expect(j.Close()).To(Succeed())
		Expect(hwd.Close()).To(Succeed())
	})
}

// Every frame to the LCD and every status request to the printer is
// answered, in microseconds on an idle machine and much later on a loaded
// one: the drivers wait for them generously. The printer asks for its
// status every 20 ms while a chunk prints, so a fault in the middle of a
// slip is seen at once.
var (
	lcdConfig     = lcd.Config{Timeout: 5 * time.Second}
	printerConfig = printer.Config{Timeout: 5 * time.Second, Poll: 20 * time.Millisecond}
)

// startHost runs the platform simulator's gateway on loopback and makes
// the terminal's payment client for it.
func (r *rig) startHost() {
	GinkgoHelper()
	sim, err := hostsim.New(hostsim.Options{Bus: r.emu.Bus()})
	Expect(err).NotTo(HaveOccurred())
	gw := httptest.NewServer(sim)
	DeferCleanup(gw.Close)
	DeferCleanup(sim.Close) // first: ends replies a fault holds
	keys, err := hostsim.LoadTestKeys()
	Expect(err).NotTo(HaveOccurred())
	client, err := payment.New(payment.Config{
		GatewayURL:        gw.URL + hostsim.GatewayPath,
		AppID:             hostsim.TestAppID,
		AppPrivateKey:     keys.AppPrivate,
		PlatformPublicKey: keys.PlatformPublic,
	})
	Expect(err).NotTo(HaveOccurred())
	r.host, r.pay, r.gw = sim, client, gw.URL+hostsim.GatewayPath
}

func (r *rig) serve(l net.Listener) {
	srv := control.NewServer(r.emu, control.Options{ControlURL: r.url, Host: r.host})
	var h http.Handler = srv
	if r.opts.Wrap != nil {
		h = r.opts.Wrap(srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			<-ctx.Done()
			srv.Close() // ends the event streams Shutdown would wait for
			sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
			defer c()
			hs.Shutdown(sctx) //nolint:errcheck // reported by Serve's return
		}()
		done <- hs.Serve(l)
	}()
	r.mu.Lock()
	r.stop = func() {
		cancel()
		err := <-done
		Expect(errors.Is(err, http.ErrServerClosed)).To(BeTrue(), "serve: %v", err)
	}
	r.mu.Unlock()
}

// stopServer takes the control API away, as a stopped posemu would.
func (r *rig) stopServer() {
	r.mu.Lock()
	stop := r.stop
	r.stop = nil
	r.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// restartServer serves the control API again on the same address.
func (r *rig) restartServer() {
	GinkgoHelper()
	var l net.Listener
	Eventually(func() (err error) {
		l, err = control.Listen(r.addr)
		return err
	}).Should(Succeed())
	r.serve(l)
}

func (r *rig) link(name string) string {
	GinkgoHelper()
	info, err := r.emu.Device(name)
	Expect(err).NotTo(HaveOccurred())
	return info.Link
}

// events returns what the devices did, as the bus recorded it.
func (r *rig) events(device, kind string) []events.Event {
	var out []events.Event
	for _, ev := range r.emu.Bus().Since(0) {
		if ev.Device == device && (kind == "" || ev.Kind == kind) {
			out = append(out, ev)
		}
	}
	return out
}

// keysPressed lists the keypad's key events by key name.
func (r *rig) keysPressed() []string {
	var keys []string
	for _, ev := range r.events(emulator.Keypad, "key") {
		keys = append(keys, fmt.Sprint(ev.Detail["key"]))
	}
	return keys
}

// page is one browser tab showing the rig's page.
type page struct {
	ctx context.Context
	r   *rig

	mu     sync.Mutex
	errors []string // uncaught exceptions and console errors
}

// openPage opens the page in a new tab and waits until it is live.
func openPage(r *rig) *page {
	GinkgoHelper()
	ctx, cancel := chromedp.NewContext(browser)
	DeferCleanup(cancel)
	p := &page{ctx: ctx, r: r}
	Expect(chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			p.note(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.note("console.error: " + strings.Join(parts, " "))
			}
		}
	})).To(Succeed())
	p.do(chromedp.Navigate(r.url + "/"))
	p.waitLive()
	return p
}

func (p *page) note(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errors = append(p.errors, s)
}

// scriptErrors is what went wrong inside the page so far.
func (p *page) scriptErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// do runs actions in the tab, each spec step with its own time limit.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	Expect(chromedp.Do(ctx, actions...)).To(Succeed())
}

// eval runs a JavaScript expression in the page and returns its value as
// JSON decodes it (numbers are float64).
func (p *page) eval(expr string) any {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
	Expect(err).NotTo(HaveOccurred(), "evaluating %s", expr)
	return v
}

// js returns a function Eventually can poll for the expression's value.
func (p *page) js(expr string) func() any {
	return func() any { return p.eval(expr) }
}

// text is the visible text of the first element sel matches ("" if none).
func (p *page) text(sel string) func() any {
	return p.js(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
}

func (p *page) click(sel string) {
	GinkgoHelper()
	p.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

func (p *page) waitLive() {
	GinkgoHelper()
	Eventually(p.js(`document.getElementById("conn").dataset.state`)).Should(Equal("live"))
	// The keypad is built from the key map once the page has synced.
	Eventually(p.js(`document.querySelectorAll("#keypad button").length`)).Should(BeNumerically(">", 10))
}

// screenshot saves the whole page as a PNG: to $POSEMU_WEB_SCREENSHOT_DIR
// when set, else to the temp directory, as name.
func (p *page) screenshot(name string) string {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	// The window grows to the whole page and the screenshot is of the
	// window: FullScreenshot's capture beyond the viewport paints sticky
	// table headers blank.
	w := int64(p.eval(`window.innerWidth`).(float64))
	h := int64(p.eval(`document.documentElement.scrollHeight`).(float64))
	p.do(chromedp.EmulateViewport(w, h))
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	Expect(err).NotTo(HaveOccurred())
	dir := os.Getenv("POSEMU_WEB_SCREENSHOT_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, name)
	Expect(os.WriteFile(path, shot, 0o644)).To(Succeed())
	GinkgoWriter.Printf("screenshot: %s\n", path)
	return path
}
