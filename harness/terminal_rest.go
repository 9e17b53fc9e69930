package harness

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// When is the terminal application at rest, so that the scenario's clock
// may move to its next timer? When every goroutine it runs is waiting for
// something only the outside world or the clock can give: a key, a scan,
// a timer. The application offers no hook for that (and should not grow
// one for tests), so the harness looks at the goroutines themselves: the
// one running App.Run and those it started, each blocked, and each at one
// of the application's waiting points. Everything else (a platform call,
// a slip on its way to the printer, a screen being drawn) is work in
// progress. Only the harness does this; what ships is untouched.

// restPoints are the functions in which a blocked goroutine of the
// application waits for the outside world or the clock. The innermost
// frame of this module on a blocked goroutine's stack must be one of them.
var restPoints = []string{
	"github.com/posemu/posemu/terminal.(*App).next",              // a key, a scan or a timeout
	"github.com/posemu/posemu/terminal.(*App).sleep",             // void retries, on the clock
	"github.com/posemu/posemu/terminal.(*payScreen).start.func1", // the countdown's tick
	"github.com/posemu/posemu/drivers/payment.(*run).wait",       // the cashier's poll interval
}

const modulePrefix = "github.com/posemu/posemu/"

// pumpCreator starts the keypad and scanner readers; they are at rest
// whenever they are blocked (the counts of keys and codes delivered say
// whether one is on its way).
const pumpCreator = "github.com/posemu/posemu/terminal.(*App).startPumps"

// goroutine is one entry of a runtime.Stack dump.
type goroutine struct {
	id      int64
	state   string   // "select", "chan receive", "running", …
	frames  []string // function names, innermost first
	creator string   // the function whose go statement started it
	parent  int64    // the goroutine that ran that go statement
}

// goroutines returns every goroutine of the process.
func goroutines() []goroutine {
	buf := make([]byte, 256<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return parseGoroutines(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// parseGoroutines reads the text runtime.Stack writes.
func parseGoroutines(dump []byte) []goroutine {
	var out []goroutine
	for _, block := range bytes.Split(dump, []byte("\n\n")) {
		lines := strings.Split(strings.TrimSpace(string(block)), "\n")
		if len(lines) == 0 || !strings.HasPrefix(lines[0], "goroutine ") {
			continue
		}
		var g goroutine
		head := strings.TrimPrefix(lines[0], "goroutine ")
		idText, rest, _ := strings.Cut(head, " ")
		g.id, _ = strconv.ParseInt(idText, 10, 64)
		if i, j := strings.Index(rest, "["), strings.Index(rest, "]"); i >= 0 && j > i {
			g.state, _, _ = strings.Cut(rest[i+1:j], ",")
		}
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "...") {
				continue
			}
			if c, ok := strings.CutPrefix(l, "created by "); ok {
				fn, parent, _ := strings.Cut(c, " in goroutine ")
				g.creator = fn
				g.parent, _ = strconv.ParseInt(strings.TrimSpace(parent), 10, 64)
				continue
			}
			fn := l
			if i := strings.LastIndex(fn, "("); i > 0 && strings.HasSuffix(fn, ")") {
				fn = fn[:i]
			}
			g.frames = append(g.frames, fn)
		}
		out = append(out, g)
	}
	return out
}

// tree is root and every goroutine started from it, directly or through
// goroutines still running.
func tree(all []goroutine, root int64) []goroutine {
	in := map[int64]bool{root: true}
	for changed := true; changed; {
		changed = false
		for _, g := range all {
			if !in[g.id] && in[g.parent] {
				in[g.id], changed = true, true
			}
		}
	}
	var out []goroutine
	for _, g := range all {
		if in[g.id] {
			out = append(out, g)
		}
	}
	return out
}

// busy says why g is doing work, or "" when it waits at a rest point.
func (g goroutine) busy() string {
	switch {
	case g.state == "running", g.state == "runnable":
		return fmt.Sprintf("goroutine %d is %s in %s", g.id, g.state, g.where())
	case g.creator == pumpCreator:
		// Blocked anywhere, a reader waits for its device (serial reads
		// block in a syscall) or for the application to take its input.
		return ""
	case strings.HasPrefix(g.state, "syscall"):
		return fmt.Sprintf("goroutine %d is in a system call in %s", g.id, g.where())
	}
	for _, f := range g.frames {
		if !strings.HasPrefix(f, modulePrefix) {
			continue
		}
		for _, p := range restPoints {
			if f == p {
				return ""
			}
		}
		return fmt.Sprintf("goroutine %d waits (%s) in %s", g.id, g.state, f)
	}
	return fmt.Sprintf("goroutine %d waits (%s) in %s", g.id, g.state, g.where())
}

// where is g's innermost frame of this module, else its innermost frame.
func (g goroutine) where() string {
	for _, f := range g.frames {
		if strings.HasPrefix(f, modulePrefix) {
			return f
		}
	}
	if len(g.frames) > 0 {
		return g.frames[0]
	}
	return "?"
}

// goroutineID is the calling goroutine's id.
func goroutineID() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	s := strings.TrimPrefix(string(buf[:n]), "goroutine ")
	id, _, _ := strings.Cut(s, " ")
	v, _ := strconv.ParseInt(id, 10, 64)
	return v
}
