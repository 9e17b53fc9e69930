// Package keypad reads key presses from a serial POS keypad that sends one
// byte per key, decoding them with the key map of the device profile. A
// goroutine owns the port and turns bytes into events; bytes outside the
// map are counted and logged, never delivered, because a keypad on a noisy
// line or at the wrong baud rate must not type phantom digits into an
// amount. When the keypad is unplugged the driver says so with an event and,
// given a way to reopen the port, keeps trying until the keypad is back.
package keypad
