// Package terminale2e is the end-to-end suite of the terminal application:
// the emulator's device models on real ptys, the payment platform
// simulator on loopback, and the application opening every device through
// drivers/port and the real drivers, all on one virtual clock. Specs act
// only as a person or the platform would (keys, scans, paper, faults, the
// buyer's phone) and check the screen, the customer display, the printed
// slips, the journal and the platform's trades. One spec runs posterm as a
// separate process and kills it with SIGKILL mid-payment.
package terminale2e
