// Package terminal is the application that ships on the device: start-up
// self-check, operator sign-on, Alipay sale by the buyer's code or by a
// dynamic QR, query, void, refund, reprint and settlement, with risk limits
// and a crash-safe journal (terminal/journal). It reaches the hardware and
// the payment platform only through the small interfaces in devices.go,
// which the drivers in drivers/ satisfy, so the same code runs on the
// emulator, on a physical unit, and against in-test fakes; every wait reads
// the injected clock.
package terminal
