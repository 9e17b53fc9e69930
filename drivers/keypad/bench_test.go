package keypad_test

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/profile"
)

// BenchmarkKeyLatency measures one key from the emulated keypad's Press,
// through a real pty, to the driver's event, and reports the p50 and p99 of
// that latency in microseconds.
func BenchmarkKeyLatency(b *testing.B) {
	r, err := newRig(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer r.dev.Close()
	p, err := port.Open(r.dev.Link())
	if err != nil {
		b.Fatal(err)
	}
	kp := keypad.New(p, profile.Default().Keypad.Keys, keypad.Config{Logger: slog.New(slog.DiscardHandler)})
	defer kp.Close()

	var lat []time.Duration
	timeout := time.NewTimer(time.Hour)
	defer timeout.Stop()
	for b.Loop() {
		t0 := time.Now()
		if err := r.model.Press("5"); err != nil {
			b.Fatal(err)
		}
		timeout.Reset(5 * time.Second)
		select {
		case e := <-kp.Events():
			if e.Kind != keypad.KeyPress || e.Key != "5" {
				b.Fatalf("got %v, want key 5", e)
			}
		case <-timeout.C:
			b.Fatal("no key event within 5 s")
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(q float64) float64 {
		return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}
