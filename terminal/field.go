package terminal

import (
	"context"
	"strings"
)

// fieldOpts says what a keyed field accepts.
type fieldOpts struct {
	max   int  // most characters
	mask  bool // show '*' per character (passwords)
	scans bool // a scanned code fills the field and ends it
	empty bool // ENTER on an empty field is allowed
}

// fieldResult is how a field ended.
type fieldResult struct {
	value     string
	scanned   bool
	cancelled bool
}

// readField edits a digit field. render draws the page for the current
// text (masked if asked) and a note line; a refused key sets the note.
func (a *App) readField(ctx context.Context, o fieldOpts, render func(shown string, note msg) page) (fieldResult, error) {
	if o.scans {
		a.flushScans()
	}
	var v string
	var note msg
	for {
		shown := v
		if o.mask {
			shown = strings.Repeat("*", len(v))
		}
		a.show(render(shown, note))
		note = msg{}
		in, err := a.next(ctx, o.scans, 0)
		if err != nil {
			return fieldResult{}, err
		}
		if in.kind == inScan {
			return fieldResult{value: in.code, scanned: true}, nil
		}
		switch k := in.key; {
		case k == KeyCancel:
			return fieldResult{cancelled: true}, nil
		case k == KeyEnter:
			if v == "" && !o.empty {
				note = msg{"请输入", "Please key in"}
				continue
			}
			return fieldResult{value: v}, nil
		case k == KeyClear:
			v = ""
		case k == KeyBackspace:
			if v != "" {
				v = v[:len(v)-1]
			}
		case isDigit(k) || k == KeyDoubleZero:
			if len(v)+len(k) > o.max {
				note = msg{"位数已满", "Too many digits"}
				continue
			}
			v += k
		}
	}
}
