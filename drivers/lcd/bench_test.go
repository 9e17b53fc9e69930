package lcd_test

import (
	"fmt"
	"testing"

	"github.com/posemu/posemu/drivers/lcd"
)

// BenchmarkFramesPerSecond measures acknowledged text frames per second,
// driver → real pty → emulated LCD model and back: the round trip every
// screen update of the terminal pays.
func BenchmarkFramesPerSecond(b *testing.B) {
	r, err := newRig(lcd.Config{}, true)
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	lines := make([]string, 12)
	for i := range lines {
		lines[i] = fmt.Sprintf("收款 %03d.50 确认", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := r.disp.Text(0, (i%12)*20, lines[i%12], lcd.TextOpts{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "frames/s")
	}
	if rt := r.disp.Stats().Retransmits; rt > 0 {
		b.Logf("%d retransmissions", rt)
	}
}
