package terminale2e_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
	"github.com/posemu/posemu/emulator/events"
	"github.com/posemu/posemu/emulator/hostsim"
	"github.com/posemu/posemu/terminal/config"
	"github.com/posemu/posemu/terminal/hw"
)

// benchRig is the whole stack for a benchmark: emulator, control API,
// platform simulator and the application on a virtual clock.
type benchRig struct {
	b    *testing.B
	emu  *emulator.Emulator
	ctl  string
	sub  *events.Subscription
	http *http.Client
}

func newBenchRig(b *testing.B) *benchRig {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	clk := clock.NewVirtual(start)
	emu, err := emulator.New(emulator.Config{DevDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	sim, err := hostsim.New(hostsim.Options{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	hl, err := hostsim.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	cl, err := control.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go sim.Serve(ctx, hl)                                       //nolint:errcheck // ends with ctx
	go control.NewServer(emu, control.Options{}).Serve(ctx, cl) //nolint:errcheck // ends with ctx
	cfg := config.Default()
	cfg.StateDir = b.TempDir()
	cfg.Limits.Daily = 100_000_000_00
	link := func(name string) string {
		info, err := emu.Device(name)
		if err != nil {
			b.Fatal(err)
		}
		return info.Link
	}
	r := &benchRig{b: b, emu: emu, ctl: control.URL(cl), sub: emu.Bus().Subscribe(1 << 14), http: &http.Client{}}
	done := make(chan error, 1)
	go func() {
		done <- hw.Run(ctx, hw.RunOptions{Config: cfg, Gateway: hostsim.GatewayURL(hl), Clock: clk,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Devices: hw.Addresses{LCD: link(emulator.LCD), CustDisplay: link(emulator.CustDisplay),
				Keypad: link(emulator.Keypad), Scanner: link(emulator.Scanner), Printer: link(emulator.Printer)}})
	}()
	b.Cleanup(func() {
		cancel()
		<-done
		r.sub.Close()
		emu.Close()
	})
	r.wait("操作员号 Operator no.")
	r.keys("0", "1", "ENTER")
	r.wait("密码 Password")
	r.keys("0", "0", "0", "0", "ENTER")
	r.wait("主菜单 MENU")
	return r
}

// wait reads the bus until the LCD draws a string containing want.
func (r *benchRig) wait(want string) {
	r.b.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev := <-r.sub.C():
			if ev.Device == "lcd" && ev.Kind == "text" {
				if s, _ := ev.Detail["text"].(string); strings.Contains(s, want) {
					return
				}
			}
		case <-deadline.C:
			r.b.Fatalf("the screen never showed %q; it shows %q", want, r.emu.LCD().Lines())
		}
	}
}

// keys presses keys on the model directly (setup, not measured).
func (r *benchRig) keys(keys ...string) {
	if err := r.emu.Keypad().Press(keys...); err != nil {
		r.b.Fatal(err)
	}
}

// post presses one key through the control API.
func (r *benchRig) post(key string) {
	resp, err := r.http.Post(r.ctl+"/api/v1/keypad/press", "application/json", bytes.NewReader([]byte(`{"keys":["`+key+`"]}`)))
	if err != nil {
		r.b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.b.Fatalf("press %s: HTTP %d", key, resp.StatusCode)
	}
}

func percentiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkTerminalKeyToScreen is a key press on the amount screen to the
// new amount on the screen, through the whole stack: control API → keypad
// model → pty → keypad driver → application → LCD driver → pty → LCD
// model. Each op is two presses (a digit, then BACKSPACE), each timed.
func BenchmarkTerminalKeyToScreen(b *testing.B) {
	r := newBenchRig(b)
	r.keys("1")
	r.wait("请输入金额")
	lat := make([]time.Duration, 0, 2*b.N)
	b.ResetTimer()
	for range b.N {
		t := time.Now()
		r.post("5")
		r.wait("￥5")
		lat = append(lat, time.Since(t))
		t = time.Now()
		r.post("BACKSPACE")
		r.wait("￥0.00")
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	percentiles(b, lat)
}

// BenchmarkTerminalSale is one whole sale by the buyer's code, from the
// menu back to the menu, in virtual time: amount, scan, platform (pay,
// RSA2 both ways), journal (two fsyncs and more), two slips through the
// printer driver, and the customer display.
func BenchmarkTerminalSale(b *testing.B) {
	r := newBenchRig(b)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t := time.Now()
		r.keys("1")
		r.wait("请输入金额")
		r.keys("1", "ENTER")
		r.wait("请扫描买家付款码")
		if err := r.emu.Scanner().Scan(buyerZhang); err != nil {
			b.Fatal(err)
		}
		r.wait("按任意键打印持卡人存根")
		r.keys("ENTER")
		r.wait("交易成功 APPROVED")
		r.keys("ENTER")
		r.wait("主菜单 MENU")
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms/sale")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms/sale")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sales/s")
}
