package printer

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Chinese printers print a character from the 2-byte GB range (what
// GB2312/GBK/GB18030 share) as one full-width glyph, two columns wide; the
// 4-byte GB18030 sequences are not in their fonts. So text is encoded rune
// by rune: ASCII as itself (one column), anything else as its 2-byte GB18030
// code (two columns), or a full-width stand-in from substitutes, or '?'.
var substitutes = map[rune]rune{
	'¥':      '￥', // U+00A5 is 4-byte in GB18030; U+FFE5 is A3A4
	'\u00a0': ' ',
}

// glyph is one printable character as the printer receives it.
type glyph struct {
	r     rune
	enc   [2]byte
	n     int // bytes in enc: 1 or 2
	width int // columns: 1 or 2
}

type gbEncoder struct {
	t   transform.Transformer
	buf [8]byte
}

func newGBEncoder() *gbEncoder {
	return &gbEncoder{t: simplifiedchinese.GB18030.NewEncoder()}
}

// glyph encodes one rune; ok is false for control characters, which
// are dropped (a stray DLE EOT in the text would be a real-time command).
func (e *gbEncoder) glyph(r rune) (glyph, bool) {
	if r == '\t' {
		r = ' '
	}
	if r < 0x20 || r == 0x7F || r == utf8.RuneError {
		return glyph{}, false
	}
	if r < 0x80 {
		return glyph{r: r, enc: [2]byte{byte(r)}, n: 1, width: 1}, true
	}
	if s, ok := substitutes[r]; ok {
		r = s
		if r < 0x80 {
			return glyph{r: r, enc: [2]byte{byte(r)}, n: 1, width: 1}, true
		}
	}
	var src [4]byte
	n := utf8.EncodeRune(src[:], r)
	e.t.Reset()
	m, _, err := e.t.Transform(e.buf[:], src[:n], true)
	if err != nil || m != 2 {
		return glyph{r: '?', enc: [2]byte{'?'}, n: 1, width: 1}, true
	}
	return glyph{r: r, enc: [2]byte{e.buf[0], e.buf[1]}, n: 2, width: 2}, true
}

// glyphs encodes s, dropping control characters.
func (e *gbEncoder) glyphs(s string) []glyph {
	out := make([]glyph, 0, len(s))
	for _, r := range s {
		if g, ok := e.glyph(r); ok {
			out = append(out, g)
		}
	}
	return out
}

// Width is how many font A columns s takes on the printer: one per ASCII
// character, two per Chinese (or other full-width) character.
func Width(s string) int {
	e := newGBEncoder()
	w := 0
	for _, g := range e.glyphs(s) {
		w += g.width
	}
	return w
}

func widthOf(gs []glyph) int {
	w := 0
	for _, g := range gs {
		w += g.width
	}
	return w
}

// wrap splits glyphs into lines of at most width columns, never splitting
// a 2-byte character; an empty input gives one empty line.
func wrap(gs []glyph, width int) [][]glyph {
	if width < 2 {
		width = 2
	}
	var lines [][]glyph
	start, w := 0, 0
	for i, g := range gs {
		if w+g.width > width {
			lines = append(lines, gs[start:i])
			start, w = i, 0
		}
		w += g.width
	}
	return append(lines, gs[start:])
}

// truncate keeps the glyphs that fit in width columns.
func truncate(gs []glyph, width int) []glyph {
	w := 0
	for i, g := range gs {
		if w+g.width > width {
			return gs[:i]
		}
		w += g.width
	}
	return gs
}

func textOf(gs []glyph) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteRune(g.r)
	}
	return b.String()
}

// appendGlyphs writes the printer bytes of one line. A line with any
// 2-byte character is bracketed by FS & … FS . so that it prints right
// whether the printer powered up in Chinese mode (most Chinese printers)
// or in a single-byte code page (Epson's international models): ASCII is
// the same in both modes, and leaving with FS . means no later byte of
// the stream is ever paired up by surprise.
func appendGlyphs(dst []byte, gs []glyph) []byte {
	wide := false
	for _, g := range gs {
		if g.n == 2 {
			wide = true
			break
		}
	}
	if wide {
		dst = append(dst, fs, '&')
	}
	for _, g := range gs {
		dst = append(dst, g.enc[:g.n]...)
	}
	if wide {
		dst = append(dst, fs, '.')
	}
	return dst
}

func spaces(n int) []glyph {
	out := make([]glyph, n)
	for i := range out {
		out[i] = glyph{r: ' ', enc: [2]byte{' '}, n: 1, width: 1}
	}
	return out
}
