package integration_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/posemu/posemu/drivers/usb"
	"github.com/posemu/posemu/emulator"
	"github.com/posemu/posemu/emulator/usbip"
)

// sinkDevice takes bulk OUT on 0x01 and drops it, so that the bulk OUT
// benchmark measures the USB/IP transport, not the printer model.
type sinkDevice struct{}

func (sinkDevice) Descriptor() usbip.Descriptor {
	return usbip.Descriptor{VendorID: 0xfff0, ProductID: 1, Interfaces: []usbip.Interface{{Class: 7, SubClass: 1, Protocol: 2,
		Endpoints: []usbip.Endpoint{{Address: 0x01, Type: usbip.TransferBulk, MaxPacketSize: 64,
			Out: func(_ context.Context, b []byte) (int, error) { return len(b), nil }}}}}}
}

func (sinkDevice) Control(context.Context, usbip.Setup, []byte) ([]byte, error) {
	return nil, usbip.ErrStall
}

// BenchmarkUSBIPBulkOut measures bulk OUT throughput (MB/s) through the
// pure-Go USB/IP client to the emulator's USB/IP server on loopback, in
// 64 KiB transfers (what drivers/port writes at most per URB).
func BenchmarkUSBIPBulkOut(b *testing.B) {
	srv := usbip.NewServer(usbip.Options{})
	defer srv.Close()
	if err := srv.Add("1-1", sinkDevice{}); err != nil {
		b.Fatal(err)
	}
	l, err := usbip.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(l) //nolint:errcheck // ends with Close
	ctx := context.Background()
	d, err := usb.OpenUSBIP(ctx, l.Addr().String(), "1-1")
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	chunk := make([]byte, 64<<10)
	b.SetBytes(int64(len(chunk)))
	b.ResetTimer()
	for range b.N {
		if _, err := d.BulkOut(ctx, 0x01, chunk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUSBIPStatusRoundTrip measures a DLE EOT 1 status request to
// the emulated printer over USB/IP until its reply is read back on bulk
// IN, through the pure-Go client on loopback. It reports p50 and p99.
func BenchmarkUSBIPStatusRoundTrip(b *testing.B) {
	emu, err := emulator.New(emulator.Config{DevDir: b.TempDir(), USBIP: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	ctx := context.Background()
	d, err := usb.OpenUSBIP(ctx, emu.USBIPAddr(), emulator.USBPrinterBusID)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	req := []byte{0x10, 0x04, 0x01}
	buf := make([]byte, 64)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := d.BulkOut(ctx, 0x01, req); err != nil {
			b.Fatal(err)
		}
		n, err := d.BulkIn(ctx, 0x82, buf)
		if err != nil || n != 1 {
			b.Fatalf("status reply: %d bytes, %v", n, err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
