// Package ptydev gives an emulated serial peripheral its wire: a
// pseudo-terminal whose slave end a driver opens like any serial port, and
// a stable link to it in the device directory. It keeps the pty healthy the
// way ARCHITECTURE.md measured it must be kept (own slave fd held open, raw
// mode, non-blocking master so deadlines work), and emulates unplugging by
// closing the master, which makes a blocked driver read fail as a pulled
// USB serial adapter would.
package ptydev
