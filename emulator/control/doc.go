// Package control is the emulator's control API: HTTP and JSON on the
// loopback interface, through which people, scripts and the scenario
// harness press keys, scan codes, pull cables and read what the displays
// show, and a server-sent event stream of everything the devices do. It
// listens on loopback only and refuses requests whose Host or Origin is not
// a loopback name, because anything that reaches it can type on the
// terminal's keypad. The endpoints are documented in docs/control-api.md.
package control
