// Package printer is the ESC/POS receipt printer driver: an encoder for
// slips, status queries and error recovery, over a serial port or USB.
// (Issue 3 fills it.)
package printer
