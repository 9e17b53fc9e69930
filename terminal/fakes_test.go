package terminal_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/terminal"
)

// fakeScreen keeps the strings on screen the way the LCD model does: a
// rectangle painted over a string removes it.
type fakeScreen struct {
	mu    sync.Mutex
	items []item
	qr    string
	away  bool // unplugged: every command fails and draws nothing
	fails int  // commands refused while away
}

func (s *fakeScreen) failures() int { s.mu.Lock(); defer s.mu.Unlock(); return s.fails }

var errScreenAway = errors.New("lcd: device disconnected")

// unplug makes every command fail; replug brings the display back blank,
// as a real one powers up.
func (s *fakeScreen) unplug() { s.mu.Lock(); s.away = true; s.mu.Unlock() }
func (s *fakeScreen) replug() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.away, s.items, s.qr = false, nil, ""
}

type item struct {
	x, y, w, h int
	text       string
}

func (s *fakeScreen) Info() (lcd.Info, error) {
	return lcd.Info{Width: 320, Height: 240, Depth: 16, Protocol: 1, MaxPayload: 1024, Firmware: "fake"}, nil
}

func (s *fakeScreen) Clear(lcd.Color) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.away {
		s.fails++
		return errScreenAway
	}
	s.items = nil
	return nil
}

func (s *fakeScreen) overdraw(x, y, w, h int) {
	kept := s.items[:0]
	for _, it := range s.items {
		if it.x >= x+w || x >= it.x+it.w || it.y >= y+h || y >= it.y+it.h {
			kept = append(kept, it)
		}
	}
	s.items = kept
}

func (s *fakeScreen) Text(x, y int, t string, o lcd.TextOpts) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.away {
		s.fails++
		return errScreenAway
	}
	h := 16
	if o.Size == 2 {
		h = 32
	}
	w := o.Width
	if w == 0 {
		w = len(t) * 8 * max(o.Size, 1)
	}
	s.overdraw(x, y, w, h)
	s.items = append(s.items, item{x, y, w, h, t})
	return nil
}

func (s *fakeScreen) FillRect(x, y, w, h int, _ lcd.Color) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.away {
		s.fails++
		return errScreenAway
	}
	s.overdraw(x, y, w, h)
	return nil
}

func (s *fakeScreen) QR(_, _, _ int, _ lcd.QRLevel, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.away {
		s.fails++
		return errScreenAway
	}
	s.qr = text
	return nil
}

// String is everything on screen, top to bottom, one string per line.
func (s *fakeScreen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := append([]item(nil), s.items...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].y < items[j].y })
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.text + "\n")
	}
	return b.String()
}

// QRText is the last QR code drawn.
func (s *fakeScreen) QRText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.qr
}

// fakeCustomer records the customer display's two lines.
type fakeCustomer struct {
	mu      sync.Mutex
	l1, l2  string
	amounts []int64
}

func (c *fakeCustomer) Init() error { return nil }
func (c *fakeCustomer) Show(l1, l2 string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.l1, c.l2 = l1, l2
	return nil
}
func (c *fakeCustomer) ShowAmount(label string, fen int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.l1, c.l2 = label, fmt.Sprintf("CNY %d.%02d", fen/100, fen%100)
	c.amounts = append(c.amounts, fen)
	return nil
}
func (c *fakeCustomer) Lines() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.l1 + " | " + c.l2
}

// fakeKeys delivers the keys a test presses.
type fakeKeys struct{ c chan keypad.Event }

func (k *fakeKeys) Next(ctx context.Context) (keypad.Event, error) {
	select {
	case e := <-k.c:
		return e, nil
	case <-ctx.Done():
		return keypad.Event{}, ctx.Err()
	}
}

// fakeScanner delivers the codes a test scans.
type fakeScanner struct{ c chan string }

func (s *fakeScanner) Read(ctx context.Context) (string, error) {
	select {
	case code := <-s.c:
		return code, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// fakePrinter keeps each slip's printed lines. PaperOutAfter > 0 stops
// the next job after that many segments, as paper running out does; held
// of them are then in the printer's buffer, sent but not confirmed (on
// paper in the end: a printer prints them once the paper is reloaded).
// Hang makes the next Print wait for its context, as a slip under way
// when the application stops does.
type fakePrinter struct {
	mu            sync.Mutex
	status        printer.Status
	slips         [][]string
	paperOutAfter int
	held          int
	hang          bool
	hanging       chan struct{} // closed once a Print hangs
}

var paperOut = printer.Status{Conditions: printer.PaperOut | printer.PaperEndStop}

func (p *fakePrinter) Status(context.Context) (printer.Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status, nil
}

func (p *fakePrinter) run(doc *printer.Document, from int) (printer.JobResult, error) {
	segs := doc.Segments()
	var lines []string
	for i := from; i < len(segs); i++ {
		if p.paperOutAfter > 0 && i == p.paperOutAfter {
			p.paperOutAfter = 0
			p.status = paperOut
			p.slips = append(p.slips, lines)
			return printer.JobResult{}, &printer.JobError{Port: "fake", Doc: doc, Printed: max(i-p.held, 0), Sent: i, Total: len(segs),
				Cause: &printer.StatusError{Port: "fake", Op: "checkpoint", Status: paperOut}}
		}
		if segs[i].Text != "" {
			lines = append(lines, segs[i].Text)
		}
	}
	if from > 0 && len(p.slips) > 0 {
		p.slips[len(p.slips)-1] = append(p.slips[len(p.slips)-1], lines...)
	} else {
		p.slips = append(p.slips, lines)
	}
	return printer.JobResult{Doc: doc, Segments: len(segs) - from, Total: len(segs)}, nil
}

func (p *fakePrinter) Print(ctx context.Context, doc *printer.Document) (printer.JobResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.status.Ready() {
		return printer.JobResult{}, &printer.StatusError{Port: "fake", Op: "print", Status: p.status}
	}
	if p.hang {
		p.hang = false
		close(p.hanging)
		p.mu.Unlock()
		<-ctx.Done()
		p.mu.Lock()
		return printer.JobResult{}, &printer.JobError{Port: "fake", Doc: doc, Sent: 1, Total: doc.Len(), Cause: ctx.Err()}
	}
	return p.run(doc, 0)
}

// hangNext makes the next Print wait for its context; the channel closes
// once it does.
func (p *fakePrinter) hangNext() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hang, p.hanging = true, make(chan struct{})
	return p.hanging
}

func (p *fakePrinter) Resume(_ context.Context, job *printer.JobError, mode printer.ResumeMode) (printer.JobResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.status.Ready() {
		return printer.JobResult{}, job
	}
	if mode&printer.ReprintWhole != 0 {
		d := printer.NewDocument(job.Doc.Paper())
		if mode&printer.MarkDuplicate != 0 {
			d.Text(terminal.DuplicateMark)
		}
		for _, s := range job.Doc.Segments() {
			if s.Text != "" {
				d.Text(s.Text)
			}
		}
		return p.run(d, 0)
	}
	return p.run(job.Doc, job.Sent)
}

func (p *fakePrinter) setStatus(s printer.Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status = s
}

func (p *fakePrinter) Slips() [][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([][]string, len(p.slips))
	for i, s := range p.slips {
		out[i] = append([]string(nil), s...)
	}
	return out
}

var paperOutFixed = printer.Status{}
