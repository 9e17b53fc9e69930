// Package config is posterm's configuration: merchant and terminal
// numbers, operators with their password hashes (never plaintext), the
// payment platform's app id, keys and gateway, risk limits, the state
// directory of the journal, and the device addresses. Files are strict
// YAML: an unknown key, a wrong type or a value out of range is refused
// with its file and line. An embedded default, with TEST credentials only,
// runs the terminal against the emulator.
package config
