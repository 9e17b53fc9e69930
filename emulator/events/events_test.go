package events_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/emulator/events"
)

var _ = Describe("the event bus", func() {
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }

	It("numbers events in order and stamps them with its clock", func() {
		b := events.NewBus(10, now)
		first := b.Publish("keypad", "key", map[string]any{"key": "1"})
		second := b.Publish("lcd", "frame", nil)
		Expect(first.Seq).To(Equal(uint64(1)))
		Expect(second.Seq).To(Equal(uint64(2)))
		Expect(first.Time).To(Equal(at))
		Expect(b.Last()).To(Equal(uint64(2)))
		Expect(b.Since(1)).To(ConsistOf(second))
	})

	It("keeps only the newest events", func() {
		b := events.NewBus(3, now)
		for range 5 {
			b.Publish("keypad", "key", nil)
		}
		kept := b.Since(0)
		Expect(kept).To(HaveLen(3))
		Expect(kept[0].Seq).To(Equal(uint64(3)))
	})

	It("delivers to subscribers, and counts what a slow one missed without blocking", func() {
		b := events.NewBus(10, now)
		fast := b.Subscribe(10)
		slow := b.Subscribe(1)
		b.Publish("scanner", "scan", nil)
		b.Publish("scanner", "scan", nil)
		Expect(fast.C()).To(Receive(HaveField("Seq", uint64(1))))
		Expect(fast.C()).To(Receive(HaveField("Seq", uint64(2))))
		Expect(slow.C()).To(Receive(HaveField("Seq", uint64(1))))
		Expect(slow.Dropped()).To(Equal(1))
	})

	It("closes subscriptions, and subscribing to a closed bus yields a closed stream", func() {
		b := events.NewBus(10, now)
		s := b.Subscribe(1)
		s.Close()
		Expect(s.C()).To(BeClosed())
		s2 := b.Subscribe(1)
		b.Close()
		Expect(s2.C()).To(BeClosed())
		Expect(b.Subscribe(1).C()).To(BeClosed())
	})
})

var _ = Describe("a full event bus", func() {
	It("keeps the newest events in order as it wraps, again and again", func() {
		b := events.NewBus(4, nil)
		for range 11 {
			b.Publish("printer", "data", nil)
		}
		var seqs []uint64
		for _, e := range b.Since(0) {
			seqs = append(seqs, e.Seq)
		}
		Expect(seqs).To(Equal([]uint64{8, 9, 10, 11}))
		Expect(b.Since(9)).To(HaveLen(2))
	})
})
