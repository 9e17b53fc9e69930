package lcd

import (
	"cmp"
	"image"
	"image/color"
	"slices"

	"github.com/posemu/posemu/emulator/font"
)

// rgb565 expands a wire colour to 8 bits per channel the way LCD panels do,
// replicating the top bits into the low ones so 0xFFFF is pure white.
func rgb565(c int) color.RGBA {
	r := uint8(c>>11) & 0x1F
	g := uint8(c>>5) & 0x3F
	b := uint8(c) & 0x1F
	return color.RGBA{R: r<<3 | r>>2, G: g<<2 | g>>4, B: b<<3 | b>>2, A: 0xFF}
}

// fill paints r (clipped to the screen).
func fill(fb *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(fb.Rect)
	if r.Empty() {
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := fb.PixOffset(r.Min.X, y)
		row := fb.Pix[i : i+4*r.Dx()]
		for j := 0; j < len(row); j += 4 {
			row[j], row[j+1], row[j+2], row[j+3] = c.R, c.G, c.B, c.A
		}
	}
}

func setPixel(fb *image.RGBA, x, y int, c color.RGBA) {
	if !(image.Point{x, y}.In(fb.Rect)) {
		return
	}
	i := fb.PixOffset(x, y)
	fb.Pix[i], fb.Pix[i+1], fb.Pix[i+2], fb.Pix[i+3] = c.R, c.G, c.B, c.A
}

// drawText fills the text box with bg and draws s in fg, aligned in the box
// and clipped to it. It returns the box.
func (m *Model) drawText(x, y, bw, size, align int, s string, fg, bg color.RGBA) image.Rectangle {
	face := font.Unifont()
	tw := face.Measure(s) * size
	if bw == 0 {
		bw = tw
	}
	box := image.Rect(x, y, x+bw, y+face.Height()*size)
	fill(m.fb, box, bg)
	tx := x
	if tw < bw {
		switch align {
		case 1:
			tx = x + (bw-tw)/2
		case 2:
			tx = x + bw - tw
		}
	}
	clip := box.Intersect(m.fb.Rect)
	if !clip.Empty() && s != "" {
		face.Draw(m.fb.SubImage(clip).(*image.RGBA), tx, y, s, size, fg, nil)
	}
	return box
}

// TextItem is one string on screen: the box it was drawn in (clipped to the
// screen), what it says, and how.
type TextItem struct {
	X, Y, W, H int
	Text       string
	Size       int // 1 (16 px) or 2 (32 px)
	Inverse    bool
}

func (t TextItem) rect() image.Rectangle { return image.Rect(t.X, t.Y, t.X+t.W, t.Y+t.H) }

// overdraw forgets the text items that r paints over, even in part: a
// string with something drawn across it is no longer what the screen says.
func (m *Model) overdraw(r image.Rectangle) {
	kept := m.items[:0]
	for _, it := range m.items {
		if !it.rect().Overlaps(r) {
			kept = append(kept, it)
		}
	}
	clear(m.items[len(kept):])
	m.items = kept
}

// TextItems returns the strings on screen, in the order they were drawn.
func (m *Model) TextItems() []TextItem {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]TextItem(nil), m.items...)
}

// Lines returns the text on screen as rows, top to bottom: items whose
// boxes overlap the first item of a row vertically belong to that row and
// are joined left to right with one space.
func (m *Model) Lines() []string {
	items := m.TextItems()
	sortItems(items)
	var lines []string
	for i := 0; i < len(items); {
		top, bottom := items[i].Y, items[i].Y+items[i].H
		row := []TextItem{items[i]}
		j := i + 1
		for ; j < len(items) && items[j].Y < bottom && items[j].Y+items[j].H > top; j++ {
			row = append(row, items[j])
		}
		sortByX(row)
		line := row[0].Text
		for _, it := range row[1:] {
			line += " " + it.Text
		}
		lines = append(lines, line)
		i = j
	}
	return lines
}

func sortItems(items []TextItem) {
	slices.SortStableFunc(items, func(a, b TextItem) int {
		return cmp.Or(cmp.Compare(a.Y, b.Y), cmp.Compare(a.X, b.X))
	})
}

func sortByX(items []TextItem) {
	slices.SortStableFunc(items, func(a, b TextItem) int { return cmp.Compare(a.X, b.X) })
}
