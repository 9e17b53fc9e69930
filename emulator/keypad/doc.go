// Package keypad is the emulated POS keypad: pressing a key by name sends
// the byte the device profile maps it to down the keypad's serial line, one
// write per key so the host sees keystrokes as separate arrivals, and
// records each press on the event bus. It decodes the key map on its own
// and never shares code with drivers/keypad, so a mapping bug on either
// side shows up as a mismatch instead of hiding behind a shared table.
package keypad
