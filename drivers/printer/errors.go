package printer

import (
	"errors"
	"fmt"
)

// Errors for errors.Is.
var (
	// ErrNoResponse: the printer did not answer a status request in time;
	// it is off, not on this port, or does not speak ESC/POS.
	ErrNoResponse = errors.New("printer not answering")
	// ErrNotReady: the printer reported a fault (the error is a
	// *StatusError, which also matches the specific errors below).
	ErrNotReady    = errors.New("printer not ready")
	ErrPaperOut    = errors.New("paper out")
	ErrCoverOpen   = errors.New("cover open")
	ErrCutterError = errors.New("cutter error")
	ErrOffline     = errors.New("printer offline")
	ErrFailure     = errors.New("printer error")
	// ErrUnconfirmed: the printer reports ready but did not confirm data it
	// was sent before a fault: a printer that was reset or switched off
	// meanwhile loses its receive buffer. Whether those lines printed is
	// unknown; Resume with ContinueRemaining skips them, ResendUnconfirmed
	// prints them (perhaps twice), ReprintWhole reprints everything.
	ErrUnconfirmed = errors.New("printer did not confirm the data it was sent")
	// ErrInvalid: a builder argument out of range (see Document.Err).
	ErrInvalid = errors.New("invalid argument")
	// ErrMalformed: reply bytes that are not a status reply.
	ErrMalformed = errors.New("malformed status reply")
)

// StatusError is a printer that reported a fault.
type StatusError struct {
	Port   string
	Op     string // "print", "resume", "checkpoint"
	Status Status
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("printer %s: %s: not ready: %s", e.Port, e.Op, e.Status)
}

// Unwrap makes errors.Is hold for ErrNotReady and for each fault present.
func (e *StatusError) Unwrap() []error {
	errs := []error{ErrNotReady}
	c := e.Status.Conditions
	if c&(PaperOut|PaperEndStop) != 0 {
		errs = append(errs, ErrPaperOut)
	}
	if c&CoverOpen != 0 {
		errs = append(errs, ErrCoverOpen)
	}
	if c&CutterError != 0 {
		errs = append(errs, ErrCutterError)
	}
	if c&Offline != 0 {
		errs = append(errs, ErrOffline)
	}
	if c&(ErrorOccurred|RecoverableError|Unrecoverable|AutoRecoverable) != 0 {
		errs = append(errs, ErrFailure)
	}
	return errs
}

// JobError is a print job that stopped part way. It says how far the job
// got, in segments of Doc (see Document.Segments):
//
//   - Printed: segments the printer confirmed it had processed, in order,
//     while reporting paper present (a GS r reply that came back after
//     them). These are on paper.
//   - Sent: segments written to the printer (Printed ≤ Sent ≤ Total).
//     Those in [Printed, Sent) sit in the printer's receive buffer (the
//     driver never lets more than Config.Window bytes be unconfirmed, so
//     they fit in it) and a real printer prints them by itself when the
//     fault clears; if it is reset or switched off meanwhile, they are
//     lost. After a write error they may not have arrived at all.
//
// Pass the error to Printer.Resume to finish the slip.
type JobError struct {
	Port    string
	Doc     *Document
	Printed int
	Sent    int
	Total   int
	Cause   error
}

func (e *JobError) Error() string {
	return fmt.Sprintf("printer %s: job stopped with %d of %d segments confirmed printed (%d sent): %v",
		e.Port, e.Printed, e.Total, e.Sent, e.Cause)
}

func (e *JobError) Unwrap() error { return e.Cause }
