// Package custdisplay drives the customer-facing pole display: a 20×2
// character VFD on a serial line speaking either the Epson DM-D command set
// or the CD5220 one (the profile's command_set). The display never answers,
// so the driver only writes: whole lines padded to the width, so nothing
// left over from the previous customer stays on screen, and amounts in
// integer fen formatted without floating point. The DM-D character
// generator has no CJK glyphs, so text is reduced to printable ASCII and
// every other rune becomes '?', one cell per rune, keeping columns aligned.
package custdisplay
