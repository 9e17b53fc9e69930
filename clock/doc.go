// Package clock is the time source that everything which waits reads: the
// real wall clock on a device, and a virtual clock that tests and the
// emulator advance by hand, so that a 30-second polling flow runs in
// milliseconds and no test has to sleep and hope.
package clock
