package harness

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/posemu/posemu/drivers/printer"
)

// DocItem is one element of a slip laid out with drivers/printer's
// Document: exactly one of text, columns, rule, feed, barcode, qr, image,
// drawer or cut, with the looks that apply to it.
type DocItem struct {
	Text      string   `yaml:"text" shorthand:"true" doc:"a line of text, wrapped at the paper width (Chinese in GB18030, two columns a character)"`
	Columns   []string `yaml:"columns" doc:"[label, value]: the label on the left, the value on the right (the label gets its own line when both do not fit)"`
	Rule      bool     `yaml:"rule" doc:"a line of dashes across the paper"`
	Feed      int      `yaml:"feed" doc:"this many blank lines (1–255)"`
	Barcode   string   `yaml:"barcode" doc:"a 1D barcode of this data, its text printed below"`
	Type      string   `yaml:"type" doc:"barcode type: code128 (default; printable ASCII) or ean13 (12 or 13 digits)"`
	QR        string   `yaml:"qr" doc:"a QR code of this text"`
	Module    int      `yaml:"module" doc:"QR module size in dots, 1–16 (default 6)"`
	Level     string   `yaml:"level" doc:"QR error correction: L, M (default), Q or H"`
	Image     string   `yaml:"image" doc:"a PNG file (relative to the scenario file), or a pattern: checker, stripes, gradient or black"`
	ImageSize string   `yaml:"image_size" doc:"a pattern's size in dots, WxH (default 128x64)"`
	Dithered  bool     `yaml:"dithered" doc:"image: error diffusion instead of a threshold (greys come out as dots)"`
	Drawer    *int     `yaml:"drawer" doc:"pulse the cash drawer: pin 0 or 1"`
	Cut       string   `yaml:"cut" doc:"feed to the cutter and cut: partial or full"`
	Bold      bool     `yaml:"bold" doc:"text, columns: emphasised"`
	Underline bool     `yaml:"underline" doc:"text, columns: underlined (ASCII only, on most printers)"`
	Size      string   `yaml:"size" doc:"text, columns: character size WxH, 1–8 each, e.g. 2x2 or 1x2"`
	Align     string   `yaml:"align" doc:"text, barcode, qr, image: left, center or right"`
}

var sizeRe = regexp.MustCompile(`^([1-8])x([1-8])$`)
var dotsRe = regexp.MustCompile(`^([0-9]{1,4})x([0-9]{1,4})$`)

// Validate checks that the item prints one thing, with looks that fit it.
func (d *DocItem) Validate() error {
	var kinds []string
	for _, k := range []struct {
		name string
		set  bool
	}{{"text", d.Text != ""}, {"columns", d.Columns != nil}, {"rule", d.Rule}, {"feed", d.Feed != 0},
		{"barcode", d.Barcode != ""}, {"qr", d.QR != ""}, {"image", d.Image != ""}, {"drawer", d.Drawer != nil}, {"cut", d.Cut != ""}} {
		if k.set {
			kinds = append(kinds, k.name)
		}
	}
	switch len(kinds) {
	case 0:
		return errors.New("say what to print: text, columns, rule, feed, barcode, qr, image, drawer or cut")
	case 1:
	default:
		return fmt.Errorf("one thing per item, not %s: make one item each", strings.Join(kinds, " and "))
	}
	kind := kinds[0]
	if d.Columns != nil && len(d.Columns) != 2 {
		return errors.New("columns: give two texts, [label, value]")
	}
	if d.Feed < 0 || d.Feed > 255 {
		return fmt.Errorf("feed %d: 1 to 255 lines", d.Feed)
	}
	if d.Drawer != nil && *d.Drawer != 0 && *d.Drawer != 1 {
		return fmt.Errorf("drawer %d: pin 0 or 1", *d.Drawer)
	}
	if d.Module < 0 || d.Module > 16 {
		return fmt.Errorf("module %d: 1 to 16 dots", d.Module)
	}
	if d.Size != "" && !sizeRe.MatchString(d.Size) {
		return fmt.Errorf("size %q: write WxH, 1–8 each, e.g. 2x2", d.Size)
	}
	if d.ImageSize != "" && !dotsRe.MatchString(d.ImageSize) {
		return fmt.Errorf("image_size %q: write WxH in dots, e.g. 128x64", d.ImageSize)
	}
	for _, c := range []struct {
		key  string
		set  bool
		only []string
	}{{"bold", d.Bold, []string{"text", "columns"}}, {"underline", d.Underline, []string{"text", "columns"}},
		{"size", d.Size != "", []string{"text", "columns"}}, {"align", d.Align != "", []string{"text", "barcode", "qr", "image"}},
		{"type", d.Type != "", []string{"barcode"}}, {"module", d.Module != 0, []string{"qr"}}, {"level", d.Level != "", []string{"qr"}},
		{"dithered", d.Dithered, []string{"image"}}, {"image_size", d.ImageSize != "", []string{"image"}}} {
		if c.set && !contains(c.only, kind) {
			return fmt.Errorf("%s applies to %s, not to %s", c.key, strings.Join(c.only, " and "), kind)
		}
	}
	for _, kv := range [][3]string{{"align", d.Align, "left center right"}, {"type", d.Type, "code128 ean13"},
		{"level", d.Level, "L M Q H"}, {"cut", d.Cut, "partial full"}} {
		if err := oneOf(kv[0], kv[1], strings.Fields(kv[2])...); err != nil {
			return err
		}
	}
	return nil
}

// options are the item's looks as driver options.
func (d *DocItem) options() []printer.Option {
	var o []printer.Option
	if d.Bold {
		o = append(o, printer.Bold)
	}
	if d.Underline {
		o = append(o, printer.Underline)
	}
	if m := sizeRe.FindStringSubmatch(d.Size); m != nil {
		w, _ := strconv.Atoi(m[1])
		h, _ := strconv.Atoi(m[2])
		o = append(o, printer.Size(w, h))
	}
	switch d.Align {
	case "center":
		o = append(o, printer.Centered)
	case "right":
		o = append(o, printer.RightAligned)
	}
	if d.Dithered {
		o = append(o, printer.Dithered)
	}
	return o
}

var printerQRLevels = map[string]printer.ECLevel{"L": printer.ECLow, "M": printer.ECMedium, "Q": printer.ECQuartile, "H": printer.ECHigh}

// add lays the item out on doc; dir anchors image files.
func (d *DocItem) add(doc *printer.Document, r *Run) error {
	o := d.options()
	switch {
	case d.Text != "":
		doc.Text(d.Text, o...)
	case d.Columns != nil:
		doc.Columns(d.Columns[0], d.Columns[1], o...)
	case d.Rule:
		doc.Rule(o...)
	case d.Feed > 0:
		doc.Feed(d.Feed)
	case d.Barcode != "":
		sym := printer.CODE128
		if d.Type == "ean13" {
			sym = printer.EAN13
		}
		doc.Barcode(sym, d.Barcode, o...)
	case d.QR != "":
		doc.QR(d.QR, d.Module, printerQRLevels[d.Level], o...)
	case d.Image != "":
		img, err := d.image(r)
		if err != nil {
			return err
		}
		doc.Image(img, o...)
	case d.Drawer != nil:
		doc.Drawer(*d.Drawer)
	case d.Cut == "full":
		doc.Cut(printer.FullCut)
	case d.Cut == "partial":
		doc.Cut(printer.PartialCut)
	}
	return doc.Err()
}

// image is the item's PNG file or a drawn pattern.
func (d *DocItem) image(r *Run) (image.Image, error) {
	w, h := 128, 64
	if m := dotsRe.FindStringSubmatch(d.ImageSize); m != nil {
		w, _ = strconv.Atoi(m[1])
		h, _ = strconv.Atoi(m[2])
	}
	if w < 1 || h < 1 || w > 2048 || h > 2048 {
		return nil, fmt.Errorf("image_size %dx%d: 1 to 2048 dots each way", w, h)
	}
	pat := map[string]func(x, y int) uint8{
		"black":   func(x, y int) uint8 { return 0 },
		"checker": func(x, y int) uint8 { return uint8(255 * ((x/8 + y/8) % 2)) },
		"stripes": func(x, y int) uint8 { return uint8(255 * ((x / 4) % 2)) },
		"gradient": func(x, y int) uint8 {
			return uint8(255 * x / max(w-1, 1))
		},
	}
	if f, ok := pat[d.Image]; ok {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.SetGray(x, y, color.Gray{Y: f(x, y)})
			}
		}
		return img, nil
	}
	fh, err := os.Open(r.Path(d.Image))
	if err != nil {
		return nil, fmt.Errorf("image: %w (a PNG file relative to the scenario file, or checker, stripes, gradient, black)", err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", d.Image, err)
	}
	return img, nil
}
