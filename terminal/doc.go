// Package terminal is the application that ships on the device: start-up
// self-check, operator sign-on, Alipay sale, query, cancel, refund, reprint
// and settlement, with a crash-safe journal. It uses only drivers/, so it runs
// the same on the emulator and on a physical unit. (Issue 6 fills it.)
package terminal
