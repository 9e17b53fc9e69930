package keypad

import "errors"

// ErrClosed is returned by Next once the keypad is closed (or has stopped
// for good after a disconnect it cannot recover from).
var ErrClosed = errors.New("keypad closed")
