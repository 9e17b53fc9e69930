// Package hw connects the terminal application to the real drivers: it
// opens each peripheral's port by address (or from the device map posemu
// writes) with the driver the device profile calls for, and adapts the
// payment client and cashier to terminal.Payments, including fetching and
// parsing the platform's reconciliation bill. cmd/posterm, posemu and the
// end-to-end suites all start the terminal through it.
package hw
