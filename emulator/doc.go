// Package emulator assembles the virtual terminal's hardware: one device
// model per peripheral of a profile, each on its own pty with a stable link
// in a device directory, one event bus for all of them, and devices.json,
// the map that tells drivers, scenarios and people where everything is.
// It owns the device directory while it runs (a lock file keeps a second
// posemu out) and leaves nothing behind when it closes, so a crashed or
// finished run never confuses the next one.
package emulator
