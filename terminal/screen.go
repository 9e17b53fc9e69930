package terminal

import (
	"github.com/posemu/posemu/drivers/lcd"
)

// Screen layout for a 320×240 LCD with a 16 px font (8 px per Latin
// character, 16 per Chinese one): a title bar, body rows of 20 px, and a
// footer row of key hints. Larger screens get more rows.
const (
	titleH  = 24
	bodyTop = 30
	rowH    = 20
	marginX = 6
)

// line is one row of a page.
type line struct {
	text    string
	large   bool // 32 px high: takes two rows
	inverse bool // highlighted (a selected menu item)
	align   lcd.Align
}

// page is what the screen shows: drawn in full the first time, then only
// the rows that changed, so that a key press costs one or two commands.
type page struct {
	title  string
	lines  []line
	footer string
	qr     string // drawn under the title, centred, when set
}

// text is a plain row.
func text(s string) line { return line{text: s} }

// big is a large row (amounts).
func big(s string) line { return line{text: s, large: true} }

// centred is a plain row centred across the screen.
func centred(s string) line { return line{text: s, align: lcd.AlignCenter} }

// rows is how many body rows fit.
func (a *App) rows() int { return (a.h - bodyTop - rowH) / rowH }

// show draws p, redrawing only what differs from what is on screen.
func (a *App) show(p page) {
	a.scrMu.Lock()
	defer a.scrMu.Unlock()
	scr := a.dev.Screen
	if scr == nil {
		return
	}
	// A command that failed may have left the display blank or half drawn
	// (unplugged, power-cycled): then nothing on it is known, and the next
	// show draws everything instead of only what changed.
	failed := false
	try := func(err error) {
		if err != nil {
			failed = true
		}
		a.try(err)
	}
	full := a.shown == nil || a.shown.title != p.title || a.shown.qr != p.qr
	if full {
		try(scr.Clear(lcd.White))
		try(scr.FillRect(0, 0, a.w, titleH, lcd.Black))
		title := p.title
		if a.cfg.TestMode {
			title += "  [测试 TEST]"
		}
		try(scr.Text(marginX, 4, title, lcd.TextOpts{Inverse: true}))
		if p.qr != "" {
			const module = 4
			try(scr.QR((a.w-37*module)/2, bodyTop, module, lcd.QRMedium, p.qr))
		}
	}
	var old []line
	if !full {
		old = a.shown.lines
	}
	y := bodyTop
	if p.qr != "" {
		y = a.h - rowH*3
	}
	n := max(len(p.lines), len(old))
	for i := 0; i < n; i++ {
		var cur, was line
		if i < len(p.lines) {
			cur = p.lines[i]
		}
		if i < len(old) {
			was = old[i]
		}
		h := rowH
		if cur.large || was.large {
			h = 2 * rowH
		}
		if full || cur != was {
			if !full {
				try(scr.FillRect(0, y, a.w, h, lcd.White))
			}
			if cur.text != "" {
				size := 1
				if cur.large {
					size = 2
				}
				try(scr.Text(marginX, y, cur.text, lcd.TextOpts{Size: size, Inverse: cur.inverse,
					Align: cur.align, Width: a.w - 2*marginX}))
			}
		}
		y += h
	}
	if full || a.shown.footer != p.footer {
		fy := a.h - rowH
		if !full {
			try(scr.FillRect(0, fy, a.w, rowH, lcd.White))
		}
		if p.footer != "" {
			try(scr.Text(marginX, fy+2, p.footer, lcd.TextOpts{}))
		}
	}
	if failed {
		a.shown = nil
		return
	}
	cp := p
	cp.lines = append([]line(nil), p.lines...)
	a.shown = &cp
}

// redraw forgets what is on screen so the next show draws everything.
func (a *App) redraw() {
	a.scrMu.Lock()
	a.shown = nil
	a.scrMu.Unlock()
}

// try logs a device error; the application carries on without that
// device rather than stopping the till.
func (a *App) try(err error) {
	if err != nil && a.devErr != err.Error() {
		a.devErr = err.Error()
		a.log.Warn("device command failed", "err", err)
	}
}

// customer shows two lines on the customer display (ASCII only).
func (a *App) customer(l1, l2 string) {
	if a.dev.Customer != nil {
		a.try(a.dev.Customer.Show(l1, l2))
	}
}

// customerAmount shows an amount on the customer display.
func (a *App) customerAmount(label string, fen int64) {
	if a.dev.Customer != nil {
		a.try(a.dev.Customer.ShowAmount(label, fen))
	}
}
