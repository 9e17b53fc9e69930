package integration_test

import (
	"bytes"
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/port"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/control"
	"github.com/posemu/posemu/profile"
)

// BenchmarkControlKeyLatency measures what a scenario or the web page
// waits for: a key press posted to the control API until the keypad driver
// on the device delivers the key event. It reports p50 and p99.
func BenchmarkControlKeyLatency(b *testing.B) {
	emu, err := emulator.New(emulator.Config{DevDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	l, err := control.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go control.NewServer(emu, control.Options{}).Serve(ctx, l) //nolint:errcheck // ends with ctx
	info, err := emu.Device(emulator.Keypad)
	if err != nil {
		b.Fatal(err)
	}
	p, err := port.Open(info.Link)
	if err != nil {
		b.Fatal(err)
	}
	kp := keypad.New(p, profile.Default().Keypad.Keys, keypad.Config{})
	defer kp.Close()

	client := &http.Client{}
	url := control.URL(l) + "/api/v1/keypad/press"
	body := []byte(`{"keys":["5"]}`)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("press: HTTP %d", resp.StatusCode)
		}
		ev, err := kp.Next(ctx)
		if err != nil || ev.Kind != keypad.KeyPress || ev.Key != "5" {
			b.Fatalf("got %v, %v; want key 5", ev, err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
