package font

import (
	"bufio"
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	_ "embed"
)

//go:generate go run ./internal/genfont -hex /usr/share/unifont/unifont.hex -out data/unifont-subset.hex.gz

// A string, not a []byte, so nothing can write to the embedded data.
//
//go:embed data/unifont-subset.hex.gz
var unifontSubset string

// Unifont metrics in pixels at scale 1; the baseline lies under row 13.
const (
	unifontHeight  = 16
	unifontAscent  = 14
	unifontDescent = 2
	unifontCap     = 10 // rows 4-13 of 'H'
	unifontXHeight = 8  // rows 6-13 of 'x'
)

// replacement is what a rune the face lacks is shown as.
const replacement = '\uFFFD'

// Face is a bitmap font. Its glyphs are unchanging after construction, so a
// Face is safe for concurrent use.
type Face struct {
	height int
	runes  []rune   // sorted ascending
	widths []uint8  // pixel width of runes[i]
	offs   []uint32 // start of runes[i]'s rows in bits
	bits   []byte   // all glyph rows back to back
	latin  [256]int32
	repl   glyphRef // the glyph drawn for missing runes
}

// glyphRef points at one glyph's rows inside a Face without copying them.
type glyphRef struct {
	width, height int
	bits          []byte
}

// Glyph is one character's bitmap. Bits holds Height rows, top to bottom,
// each ceil(Width/8) bytes long, the most significant bit being the leftmost
// pixel.
type Glyph struct {
	Width, Height int
	Bits          []byte
}

// At reports whether pixel (x, y) of the glyph is set; outside the glyph it
// is false.
func (g Glyph) At(x, y int) bool {
	return glyphRef{g.Width, g.Height, g.Bits}.at(x, y)
}

func (g glyphRef) at(x, y int) bool {
	if x < 0 || y < 0 || x >= g.width || y >= g.height {
		return false
	}
	i := y*((g.width+7)/8) + x/8
	if i >= len(g.bits) {
		return false
	}
	return g.bits[i]&(0x80>>uint(x%8)) != 0
}

var (
	unifontOnce sync.Once
	unifontFace *Face
)

// Unifont returns the embedded GNU Unifont subset (see PROVENANCE.md):
// printable ASCII and Latin-1, general punctuation, currency, letterlike
// symbols, number forms, arrows, box drawing, block elements, geometric
// shapes, CJK symbols and punctuation, fullwidth forms, U+FFFD and every
// character of GB2312, including all 6763 of its Hanzi. Glyphs are 16 pixels
// high and 8 (halfwidth) or 16 (fullwidth) wide. The data is decoded on the
// first call; every call returns the same Face.
func Unifont() *Face {
	unifontOnce.Do(func() {
		f, err := parseHex(strings.NewReader(unifontSubset), true)
		if err != nil {
			// The data is compiled in and covered by the tests, so this
			// is a build defect, not a runtime condition to recover from.
			panic("font: embedded Unifont subset is corrupt: " + err.Error())
		}
		unifontFace = f
	})
	return unifontFace
}

// parseHex reads the Unifont .hex format ("XXXX:" then 32 or 64 hex digits
// per line), gzip-compressed if gz is set.
func parseHex(r io.Reader, gz bool) (*Face, error) {
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	f := &Face{height: unifontHeight}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		cp, digits, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: no colon", n)
		}
		v, err := strconv.ParseUint(cp, 16, 32)
		if err != nil {
			return nil, fmt.Errorf("line %d: code point %q: %v", n, cp, err)
		}
		rows, err := hex.DecodeString(digits)
		if err != nil {
			return nil, fmt.Errorf("line %d: U+%s: %v", n, cp, err)
		}
		// Unifont glyphs are 8, 16, 24 or 32 pixels wide; Draw relies on
		// a row fitting in one machine word.
		if len(rows)%unifontHeight != 0 || len(rows) == 0 || len(rows) > 4*unifontHeight {
			return nil, fmt.Errorf("line %d: U+%s: %d bytes is not %d rows of 1 to 4 bytes", n, cp, len(rows), unifontHeight)
		}
		r := rune(v)
		if k := len(f.runes); k > 0 && f.runes[k-1] >= r {
			return nil, fmt.Errorf("line %d: U+%s is out of order", n, cp)
		}
		f.runes = append(f.runes, r)
		f.widths = append(f.widths, uint8(len(rows)/unifontHeight*8))
		f.offs = append(f.offs, uint32(len(f.bits)))
		f.bits = append(f.bits, rows...)
		if r < rune(len(f.latin)) {
			f.latin[r] = int32(len(f.runes)) // index+1, so 0 means absent
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if i, ok := f.index(replacement); ok {
		f.repl = f.ref(i)
	} else {
		f.repl = hollowBox(8, unifontHeight)
	}
	return f, nil
}

// hollowBox stands in for U+FFFD should a face lack it.
func hollowBox(w, h int) glyphRef {
	stride := (w + 7) / 8
	b := make([]byte, stride*h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			if y == 1 || y == h-2 || x == 1 || x == w-2 {
				b[y*stride+x/8] |= 0x80 >> uint(x%8)
			}
		}
	}
	return glyphRef{w, h, b}
}

func (f *Face) index(r rune) (int, bool) {
	if r >= 0 && r < rune(len(f.latin)) {
		i := int(f.latin[r]) - 1
		return i, i >= 0
	}
	i := sort.Search(len(f.runes), func(i int) bool { return f.runes[i] >= r })
	return i, i < len(f.runes) && f.runes[i] == r
}

func (f *Face) ref(i int) glyphRef {
	w := int(f.widths[i])
	n := (w + 7) / 8 * f.height
	off := int(f.offs[i])
	return glyphRef{w, f.height, f.bits[off : off+n : off+n]}
}

// lookup returns r's glyph, or the replacement glyph and false.
func (f *Face) lookup(r rune) (glyphRef, bool) {
	if i, ok := f.index(r); ok {
		return f.ref(i), true
	}
	return f.repl, false
}

// Height is the line height in pixels at scale 1 (16 for Unifont).
func (f *Face) Height() int { return f.height }

// Glyph returns r's bitmap, or false if the face has no glyph for r.
// Control characters (including '\n') have none. Bits is the caller's own
// copy.
func (f *Face) Glyph(r rune) (Glyph, bool) {
	i, ok := f.index(r)
	if !ok {
		return Glyph{}, false
	}
	g := f.ref(i)
	return Glyph{Width: g.width, Height: g.height, Bits: append([]byte(nil), g.bits...)}, true
}

// Advance is how far r moves the pen at scale 1: 8 or 16. A rune the face
// lacks advances by the replacement glyph's width, as Draw shows it.
func (f *Face) Advance(r rune) int {
	g, _ := f.lookup(r)
	return g.width
}

// Measure is the width of s in pixels at scale 1. Invalid UTF-8 counts as
// U+FFFD.
func (f *Face) Measure(s string) int {
	w := 0
	for _, r := range s {
		w += f.Advance(r)
	}
	return w
}

// Len is the number of glyphs in the face.
func (f *Face) Len() int { return len(f.runes) }
