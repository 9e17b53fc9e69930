// Package lcd is the emulated operator display: a streaming decoder of the
// framed serial protocol in docs/protocols/lcd.md, a framebuffer of the
// profile's geometry that the commands draw on, and a text layer that
// remembers which strings are on screen and where, so tests and scenarios
// can assert on "确认" rather than on pixels. Each applied frame publishes
// one event on the bus ("clear", "text", or "frame" with the command name in
// Detail["cmd"]); NAKs publish "nak", retransmissions "duplicate", and
// discarded line noise at most one "decode-error" per Feed call.
package lcd
