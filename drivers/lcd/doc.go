// Package lcd drives the operator display over the framed serial protocol
// of docs/protocols/lcd.md: every command is one frame with a sequence
// number and a CRC, answered by ACK, NAK or an INFO reply; the driver
// retransmits on NAK or silence and reports a display that stays silent as
// not answering (ErrNoResponse) and one that went away as disconnected
// (port.ErrDisconnected); with Config.Reopen a command that finds the
// display replugged on a new port reopens it and goes out again. Images
// larger than one frame are sent as tiles.
// A Display is safe for concurrent use; commands run one at a time.
package lcd
