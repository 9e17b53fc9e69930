package scanner

import "errors"

var (
	// ErrTooLong is wrapped by Read's error for a code longer than
	// MaxLength; the driver skips to the next suffix and the next Read
	// returns the code after it.
	ErrTooLong = errors.New("code too long")
	// ErrIncomplete is wrapped by Read's error when bytes of a code arrived
	// and then stopped for InterCharTimeout without a suffix; they are
	// discarded.
	ErrIncomplete = errors.New("incomplete code")
	// ErrClosed is returned by Read after Close.
	ErrClosed = errors.New("scanner closed")
)
