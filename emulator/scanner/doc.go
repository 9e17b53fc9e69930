// Package scanner is the emulated barcode / QR payment-code reader: a scan
// sends the profile's prefix, an optional AIM symbology identifier, the
// code and the suffix to the host in a single write, the way a serial
// scanner emits one decoded symbol as one burst, and records the scan on
// the event bus. The host never has anything to tell a scanner, so bytes
// it writes are only counted.
package scanner
