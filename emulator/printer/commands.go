package printer

import "fmt"

// Command prefixes.
const (
	dle = 0x10
	esc = 0x1B
	fs  = 0x1C
	gs  = 0x1D
)

// cmd names a command by its prefix and command byte (ESC '@' is 0x1B40).
type cmd uint16

func mk(prefix, c byte) cmd { return cmd(prefix)<<8 | cmd(c) }

// The commands the model acts on, or whose structure the decoder must
// know beyond a fixed parameter count.
const (
	cESCSpace  = cmd(esc)<<8 | ' '
	cESCBang   = cmd(esc)<<8 | '!'
	cESCDollar = cmd(esc)<<8 | '$'
	cESCAmp    = cmd(esc)<<8 | '&'
	cESCParen  = cmd(esc)<<8 | '('
	cESCStar   = cmd(esc)<<8 | '*'
	cESCMinus  = cmd(esc)<<8 | '-'
	cESC2      = cmd(esc)<<8 | '2'
	cESC3      = cmd(esc)<<8 | '3'
	cESCEq     = cmd(esc)<<8 | '='
	cESCAt     = cmd(esc)<<8 | '@'
	cESCD      = cmd(esc)<<8 | 'D'
	cESCE      = cmd(esc)<<8 | 'E'
	cESCG      = cmd(esc)<<8 | 'G'
	cESCJ      = cmd(esc)<<8 | 'J'
	cESCM      = cmd(esc)<<8 | 'M'
	cESCR      = cmd(esc)<<8 | 'R'
	cESCV      = cmd(esc)<<8 | 'V'
	cESCZ      = cmd(esc)<<8 | 'Z'
	cESCBslash = cmd(esc)<<8 | '\\'
	cESCa      = cmd(esc)<<8 | 'a'
	cESCd      = cmd(esc)<<8 | 'd'
	cESCi      = cmd(esc)<<8 | 'i'
	cESCm      = cmd(esc)<<8 | 'm'
	cESCp      = cmd(esc)<<8 | 'p'
	cESCt      = cmd(esc)<<8 | 't'
	cESCu      = cmd(esc)<<8 | 'u'
	cESCv      = cmd(esc)<<8 | 'v'
	cESCBrace  = cmd(esc)<<8 | '{'
	cGSBang    = cmd(gs)<<8 | '!'
	cGSParen   = cmd(gs)<<8 | '('
	cGSStar    = cmd(gs)<<8 | '*'
	cGS8       = cmd(gs)<<8 | '8'
	cGSB       = cmd(gs)<<8 | 'B'
	cGSH       = cmd(gs)<<8 | 'H'
	cGSI       = cmd(gs)<<8 | 'I'
	cGSL       = cmd(gs)<<8 | 'L'
	cGSQ       = cmd(gs)<<8 | 'Q'
	cGSV       = cmd(gs)<<8 | 'V'
	cGSW       = cmd(gs)<<8 | 'W'
	cGSa       = cmd(gs)<<8 | 'a'
	cGSf       = cmd(gs)<<8 | 'f'
	cGSh       = cmd(gs)<<8 | 'h'
	cGSk       = cmd(gs)<<8 | 'k'
	cGSr       = cmd(gs)<<8 | 'r'
	cGSv       = cmd(gs)<<8 | 'v'
	cGSw       = cmd(gs)<<8 | 'w'
	cFSBang    = cmd(fs)<<8 | '!'
	cFSAmp     = cmd(fs)<<8 | '&'
	cFSParen   = cmd(fs)<<8 | '('
	cFSMinus   = cmd(fs)<<8 | '-'
	cFSDot     = cmd(fs)<<8 | '.'
	cFS2       = cmd(fs)<<8 | '2'
	cFSS       = cmd(fs)<<8 | 'S'
	cFSW       = cmd(fs)<<8 | 'W'
	cFSq       = cmd(fs)<<8 | 'q'
	cDLEEOT    = cmd(dle)<<8 | 0x04
	cDLEENQ    = cmd(dle)<<8 | 0x05
	cDLEDC4    = cmd(dle)<<8 | 0x14
)

// paramCount is how many parameter bytes follow the command byte before the
// decoder can tell the command's full extent (after returns what comes
// next); -1 is a command this printer does not know.
func paramCount(c cmd) int {
	switch c {
	case mk(esc, '2'), mk(esc, '@'), mk(esc, 'L'), mk(esc, 'S'), mk(esc, 'i'), mk(esc, 'm'), mk(esc, 'v'), mk(esc, 'D'),
		mk(gs, ':'), mk(gs, 'c'),
		mk(fs, '&'), mk(fs, '.'):
		return 0
	case mk(esc, ' '), mk(esc, '!'), mk(esc, '%'), mk(esc, '-'), mk(esc, '3'), mk(esc, '='), mk(esc, '?'),
		mk(esc, 'E'), mk(esc, 'G'), mk(esc, 'J'), mk(esc, 'K'), mk(esc, 'M'), mk(esc, 'R'), mk(esc, 'T'),
		mk(esc, 'U'), mk(esc, 'V'), mk(esc, 'a'), mk(esc, 'd'), mk(esc, 'e'), mk(esc, 'r'), mk(esc, 't'),
		mk(esc, 'u'), mk(esc, '{'),
		mk(gs, '!'), mk(gs, '/'), mk(gs, 'B'), mk(gs, 'E'), mk(gs, 'H'), mk(gs, 'I'), mk(gs, 'T'), mk(gs, 'V'),
		mk(gs, 'a'), mk(gs, 'b'), mk(gs, 'f'), mk(gs, 'h'), mk(gs, 'j'), mk(gs, 'k'), mk(gs, 'r'), mk(gs, 'w'),
		mk(fs, '!'), mk(fs, '-'), mk(fs, 'C'), mk(fs, 'W'), mk(fs, 'q'),
		mk(dle, 0x04), mk(dle, 0x05), mk(dle, 0x14):
		return 1
	case mk(esc, '$'), mk(esc, 'B'), mk(esc, '\\'), mk(esc, 'c'), mk(esc, 'f'),
		mk(gs, '$'), mk(gs, '*'), mk(gs, 'L'), mk(gs, 'P'), mk(gs, 'W'), mk(gs, '\\'),
		mk(fs, '2'), mk(fs, '?'), mk(fs, 'S'), mk(fs, 'p'):
		return 2
	case mk(esc, '&'), mk(esc, '('), mk(esc, '*'), mk(esc, 'p'),
		mk(gs, '('), mk(gs, '^'), mk(gs, 'z'),
		mk(fs, '('):
		return 3
	case mk(gs, 'g'):
		return 4
	case mk(esc, 'Z'), mk(gs, '8'):
		return 5
	case mk(gs, 'v'), mk(gs, 'Q'):
		return 6
	case mk(esc, 'W'):
		return 8
	}
	return -1
}

// realtime reports whether c is executed on receipt, even while offline.
func realtime(c cmd) bool { return c>>8 == dle }

// String spells a command as the manuals do: "ESC @", "GS ( k", "DLE EOT".
func (c cmd) String() string {
	var p string
	switch c >> 8 {
	case esc:
		p = "ESC"
	case gs:
		p = "GS"
	case fs:
		p = "FS"
	case dle:
		p = "DLE"
	default:
		return fmt.Sprintf("0x%04X", uint16(c))
	}
	b := byte(c)
	switch {
	case c == cDLEEOT:
		return "DLE EOT"
	case c == cDLEENQ:
		return "DLE ENQ"
	case c == cDLEDC4:
		return "DLE DC4"
	case b > 0x20 && b < 0x7F:
		return p + " " + string(rune(b))
	case b == 0x20:
		return p + " SP"
	}
	return fmt.Sprintf("%s 0x%02X", p, b)
}

// funcName spells a command with a function byte, as GS ( k.
func funcName(c cmd, fn byte) string {
	if fn > 0x20 && fn < 0x7F {
		return c.String() + " " + string(rune(fn))
	}
	return fmt.Sprintf("%s 0x%02X", c, fn)
}
