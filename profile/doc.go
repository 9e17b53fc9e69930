// Package profile describes one model of terminal: the LCD's geometry, the
// customer display's size and command set, the keypad's key map, the
// scanner's framing and the printer's paper. Both the emulator (to behave as
// that model) and the drivers on the device (to read its key map and limits)
// load the same YAML, which is why it sits outside drivers/ and emulator/.
package profile
