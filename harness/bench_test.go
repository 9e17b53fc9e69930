package harness_test

import (
	"context"
	"testing"

	"github.com/posemu/posemu/harness"
)

func benchScenario(b *testing.B, steps string) {
	s, err := harness.Parse("bench.yaml", []byte(scenario(steps)))
	if err != nil {
		b.Fatal(err)
	}
	rn := &harness.Runner{Target: &harness.EmulatorTarget{}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := rn.Run(ctx, s.Scenarios[0]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/scenario")
}

// BenchmarkEmptyScenario is the engine's own cost per scenario on the
// emulator target: a fresh emulator on its ptys in a temporary directory,
// a virtual clock, the app, and their teardown. The target is < 20 ms.
func BenchmarkEmptyScenario(b *testing.B) { benchScenario(b, "      []\n") }

// BenchmarkKeyScenario adds a key press read back through the keypad
// driver: the cost of a small real scenario.
func BenchmarkKeyScenario(b *testing.B) {
	benchScenario(b, "      - press: \"1 ENTER\"\n      - expect_key: \"1 ENTER\"\n")
}

// BenchmarkPaymentScenario is a scenario that pays: its own payment
// simulator on loopback, the harness's client, one payment signed and
// verified both ways, and their teardown. Scenarios that do not pay start
// no simulator and do not pay this.
func BenchmarkPaymentScenario(b *testing.B) {
	benchScenario(b, "      - pay: {code: \"281234567890123456\", amount: \"1.00\"}\n      - expect_payment: approved\n")
}

// BenchmarkLoad is the cost of loading a typical file.
func BenchmarkLoad(b *testing.B) {
	data := []byte(varsFile)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := harness.Parse("v.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
