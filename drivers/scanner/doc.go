// Package scanner reads payment codes from a serial barcode / QR scanner
// that sends each decoded symbol as ASCII followed by a suffix (CR, or CRLF
// on many models), optionally behind a configured prefix and an AIM
// symbology identifier. Read returns one whole code at a time; the framing
// is defensive because a code that arrives cut short or overlong must never
// turn into a wrong payment code: a code longer than the limit is refused
// and skipped up to the next suffix, and bytes that stop arriving without a
// suffix are thrown away after an inter-character timeout.
package scanner
