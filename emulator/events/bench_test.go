package events_test

import (
	"testing"

	"github.com/posemu/posemu/emulator/events"
)

// BenchmarkPublishFullBus is the steady state of a long-running emulator:
// the log is full and every event displaces the oldest.
func BenchmarkPublishFullBus(b *testing.B) {
	bus := events.NewBus(4096, nil)
	for range 4096 {
		bus.Publish("printer", "data", nil)
	}
	b.ResetTimer()
	for range b.N {
		bus.Publish("printer", "data", nil)
	}
}
