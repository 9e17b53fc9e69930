package main

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// terminal is what hwcheck knows about where its output goes.
type terminal struct {
	tty   bool
	width int
}

// terminalOf reports whether w is a terminal (colour, a live countdown)
// and how wide it is; a pipe or a file gets plain lines, 80 wide.
func terminalOf(w io.Writer) terminal {
	f, ok := w.(*os.File)
	if !ok {
		return terminal{width: 80}
	}
	fd := int(f.Fd())
	if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err != nil {
		return terminal{width: 80}
	}
	t := terminal{tty: true, width: 80}
	if ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
		t.width = int(ws.Col)
	}
	return t
}
