package hwcheck_test

import (
	"context"
	"testing"
	"time"

	"github.com/posemu/posemu/hwcheck"
)

// BenchmarkEmulatedUnit checks one emulated unit with the default plan,
// start to verdict (a fresh emulator each time, as hwcheck --emulator
// does): what a CI run of the plan costs.
func BenchmarkEmulatedUnit(b *testing.B) {
	plan, err := hwcheck.LoadPlan("", map[string]string{"serial": "BENCH"})
	if err != nil {
		b.Fatal(err)
	}
	bench := &hwcheck.EmulatorBench{}
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		target, info, release, err := bench.Unit()
		if err != nil {
			b.Fatal(err)
		}
		u := &hwcheck.Unit{Serial: "BENCH", Plan: plan, Target: target, Station: info}
		rec := u.Run(context.Background())
		release()
		if rec.Verdict != hwcheck.VerdictPass {
			b.Fatalf("verdict %s: %v", rec.Verdict, rec.Reasons)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/unit")
}
