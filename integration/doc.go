// Package integration holds the end-to-end suite of the foundation: it
// starts the emulator in-process with its control API, opens every
// peripheral through drivers/port at its device-directory link, and drives
// it with the driver that ships on the device, so the bytes cross a real
// pty in both directions. It lives outside drivers/ and emulator/ because it
// is the one place allowed to import both.
package integration
