// Package printer models the receipt printer on the emulator's printer
// port. For now it keeps the raw bytes it receives and answers the
// real-time status request (DLE EOT n) that clients send before printing, so
// that a driver waiting for the printer does not hang; the full ESC/POS
// decoder, paper model and faults grow here next.
package printer
