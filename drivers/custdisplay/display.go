package custdisplay

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/posemu/posemu/drivers/port"
)

// Command sets, as the profile's custdisplay.command_set names them.
const (
	DMD    = "dmd"    // Epson DM-D (US $ x y cursor, US X brightness, …)
	CD5220 = "cd5220" // CD5220 (ESC Q A/B line strings, ESC l x y, ESC * n, …)
)

// Currency is the prefix ShowAmount puts before an amount when it fits.
const Currency = "CNY"

// Lamp is a lamp of the 8-digit LED display type, as ESC s n selects it.
type Lamp byte

// The LED type's lamps.
const (
	LampOff    Lamp = '0'
	LampPrice  Lamp = '1'
	LampTotal  Lamp = '2'
	LampPaid   Lamp = '3'
	LampChange Lamp = '4'
)

// Config describes the display; the zero value is a 20×2 DM-D display.
type Config struct {
	Columns    int    // characters per line; 0 means 20
	Rows       int    // lines; 0 means 2
	CommandSet string // DMD or CD5220; "" means DMD
	// Reopen, if set, opens the port again after the display went away
	// (an unplug): a call whose write fails with port.ErrDisconnected
	// closes the dead port, calls Reopen once and, if that works, writes
	// again on the new port. If Reopen fails the call returns the
	// disconnect and the next call tries again. Nil keeps the port as it
	// is.
	Reopen port.Opener
}

// Display is a customer display on a port. It is safe for concurrent use;
// each call's bytes go out in one piece. Without Config.Reopen it does not
// own the port: the caller closes it (Close does too). With Reopen, Close
// closes whichever port is current.
type Display struct {
	mu  sync.Mutex
	cfg Config
	// p is nil after a disconnect whose reopen failed. It is read with mu
	// held and changed with mu and portMu held, so Close (portMu only)
	// can close it while a write is blocked on it.
	p       port.Port
	portMu  sync.Mutex
	address string
	closed  bool
	lost    error // the disconnect, while p is nil
}

// New returns a driver for the display on p. Nothing is sent until the
// first call; an unknown command set makes every call fail.
func New(p port.Port, cfg Config) *Display {
	if cfg.Columns <= 0 {
		cfg.Columns = 20
	}
	if cfg.Rows <= 0 {
		cfg.Rows = 2
	}
	if cfg.CommandSet == "" {
		cfg.CommandSet = DMD
	}
	return &Display{p: p, address: p.Address(), cfg: cfg}
}

// Config returns the configuration with defaults filled in.
func (d *Display) Config() Config { return d.cfg }

// pick returns the DM-D or the CD5220 form of a command.
func (d *Display) pick(what string, dmd, cd []byte) ([]byte, error) {
	switch d.cfg.CommandSet {
	case DMD:
		return dmd, nil
	case CD5220:
		return cd, nil
	}
	return nil, d.errorf("%s: unknown command set %q (want %s or %s)", what, d.cfg.CommandSet, DMD, CD5220)
}

// Init resets the display (ESC @) and selects overwrite mode explicitly:
// a unit whose memory switch starts it in vertical scroll mode would
// otherwise scroll a full-width bottom line away.
func (d *Display) Init() error {
	b, err := d.pick("init", []byte{0x1B, 0x40, 0x1F, 0x01}, []byte{0x1B, 0x40, 0x1B, 0x11})
	if err != nil {
		return err
	}
	return d.send("init", b)
}

// Clear blanks the screen and homes the cursor.
func (d *Display) Clear() error { return d.send("clear", []byte{0x0C}) }

// Home moves the cursor to column 1, row 1.
func (d *Display) Home() error { return d.send("home", []byte{0x0B}) }

// SetCursor moves the cursor to a 1-based column and row.
func (d *Display) SetCursor(col, row int) error {
	if err := d.checkPos(col, row); err != nil {
		return err
	}
	c, r := byte(col), byte(row)
	b, err := d.pick("set cursor", []byte{0x1F, 0x24, c, r}, []byte{0x1B, 0x6C, c, r})
	if err != nil {
		return err
	}
	return d.send(fmt.Sprintf("set cursor (%d,%d)", col, row), b)
}

// ShowCursor shows or hides the cursor.
func (d *Display) ShowCursor(on bool) error {
	var n byte
	if on {
		n = 1
	}
	b, err := d.pick("show cursor", []byte{0x1F, 0x43, n}, []byte{0x1B, 0x5F, n})
	if err != nil {
		return err
	}
	return d.send("show cursor", b)
}

// SetBrightness sets the level from 1 (dim) to 4 (brightest).
func (d *Display) SetBrightness(level int) error {
	if level < 1 || level > 4 {
		return d.errorf("brightness %d is outside 1–4", level)
	}
	n := byte(level)
	b, err := d.pick("brightness", []byte{0x1F, 0x58, n}, []byte{0x1B, 0x2A, n})
	if err != nil {
		return err
	}
	return d.send(fmt.Sprintf("brightness %d", level), b)
}

// SetLamp lights one lamp of an 8-digit LED display (ESC s n).
func (d *Display) SetLamp(l Lamp) error {
	if l < LampOff || l > LampChange {
		return d.errorf("lamp %q is not '0'–'4'", byte(l))
	}
	return d.send("lamp", []byte{0x1B, 0x73, byte(l)})
}

// WriteLine replaces line row (1-based) with text, clipped or padded to
// the width. Runes outside printable ASCII show as '?'.
func (d *Display) WriteLine(row int, text string) error {
	b, err := d.line(row, text)
	if err != nil {
		return err
	}
	return d.send(fmt.Sprintf("write line %d", row), b)
}

// Show replaces the first two lines in one write. On a one-line display
// line2 must be empty.
func (d *Display) Show(line1, line2 string) error {
	b, err := d.line(1, line1)
	if err != nil {
		return err
	}
	if d.cfg.Rows >= 2 {
		b2, err := d.line(2, line2)
		if err != nil {
			return err
		}
		b = append(b, b2...)
	} else if line2 != "" {
		return d.errorf("show: a one-line display has no room for %q", line2)
	}
	return d.send("show", b)
}

// ShowAmount shows label on line 1 and the amount right-aligned on line 2,
// "CNY 12.50", dropping the currency if only the number fits. An amount
// that does not fit at all is an error: a clipped amount would tell the
// customer a wrong price. A one-line display (the LED type) shows only the
// amount.
func (d *Display) ShowAmount(label string, fen int64) error {
	amount := FormatAmount(fen)
	text := Currency + " " + amount
	if len(text) > d.cfg.Columns {
		text = amount
	}
	if len(text) > d.cfg.Columns {
		return d.errorf("amount %s does not fit in %d columns", amount, d.cfg.Columns)
	}
	text = rightAlign(text, d.cfg.Columns)
	if d.cfg.Rows == 1 {
		return d.WriteLine(1, text)
	}
	return d.Show(label, text)
}

// Write sends raw bytes unchanged, for commands the driver has no call for.
func (d *Display) Write(raw []byte) (int, error) {
	if err := d.send("write", raw); err != nil {
		return 0, err
	}
	return len(raw), nil
}

// line encodes a whole-line write in the configured command set.
func (d *Display) line(row int, text string) ([]byte, error) {
	if row < 1 || row > d.cfg.Rows {
		return nil, d.errorf("line %d is outside 1–%d", row, d.cfg.Rows)
	}
	t := fit(text, d.cfg.Columns)
	switch d.cfg.CommandSet {
	case DMD:
		return append([]byte{0x1F, 0x24, 1, byte(row)}, t...), nil
	case CD5220:
		if row > 2 {
			return nil, d.errorf("line %d: CD5220 string commands address lines 1–2 only", row)
		}
		b := append([]byte{0x1B, 0x51, 'A' + byte(row-1)}, t...)
		return append(b, 0x0D), nil
	}
	_, err := d.pick("write line", nil, nil)
	return nil, err
}

func (d *Display) checkPos(col, row int) error {
	if col < 1 || col > d.cfg.Columns || row < 1 || row > d.cfg.Rows {
		return d.errorf("cursor (%d,%d) is outside 1–%d × 1–%d", col, row, d.cfg.Columns, d.cfg.Rows)
	}
	return nil
}

// send writes b whole. Errors keep the port's own: a write to a display
// that went away wraps port.ErrDisconnected, one on a port the caller
// closed wraps os.ErrClosed.
func (d *Display) send(what string, b []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	tried := false
	if d.p == nil {
		tried = true
		if err := d.reopen(); err != nil {
			return fmt.Errorf("custdisplay %s: %s: the display went away (%v) and reopening its port failed: %w: %w",
				d.addr(), what, d.lost, port.ErrDisconnected, err)
		}
	}
	err := d.write(what, b)
	if err == nil || d.cfg.Reopen == nil || tried || !errors.Is(err, port.ErrDisconnected) {
		return err
	}
	// The whole command goes again: the display that came back starts
	// from nothing, so a half-sent command has nothing to finish.
	d.portMu.Lock()
	p := d.p
	d.p, d.lost = nil, err
	d.portMu.Unlock()
	_ = p.Close()
	if rerr := d.reopen(); rerr != nil {
		return fmt.Errorf("%w (reopening the port: %v)", err, rerr)
	}
	return d.write(what, b)
}

// reopen calls Config.Reopen. d.mu is held.
func (d *Display) reopen() error {
	np, err := d.cfg.Reopen()
	if err != nil {
		return err
	}
	d.portMu.Lock()
	defer d.portMu.Unlock()
	if d.closed {
		_ = np.Close()
		return os.ErrClosed
	}
	d.p, d.address, d.lost = np, np.Address(), nil
	return nil
}

// Close closes the port, the one Reopen opened if it did. Closing twice
// is harmless.
func (d *Display) Close() error {
	d.portMu.Lock()
	defer d.portMu.Unlock()
	if d.closed || d.p == nil {
		d.closed = true
		return nil
	}
	d.closed = true
	return d.p.Close()
}

// write writes b whole on the current port. d.mu is held.
func (d *Display) write(what string, b []byte) error {
	for len(b) > 0 {
		n, err := d.p.Write(b)
		b = b[min(max(n, 0), len(b)):]
		switch {
		case err != nil:
			return fmt.Errorf("custdisplay %s: %s: %w", d.addr(), what, err)
		case n == 0 && len(b) > 0:
			return fmt.Errorf("custdisplay %s: %s: %w", d.addr(), what, io.ErrShortWrite)
		}
	}
	return nil
}

func (d *Display) addr() string {
	d.portMu.Lock()
	a := d.address
	d.portMu.Unlock()
	if a != "" {
		return a
	}
	return "(no address)"
}

func (d *Display) errorf(format string, args ...any) error {
	return fmt.Errorf("custdisplay %s: "+format, append([]any{d.addr()}, args...)...)
}
