package printer

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// codePages are the ESC t tables the model knows; any other number prints
// as PC437.
var codePages = map[byte]*charmap.Charmap{
	0: charmap.CodePage437, 2: charmap.CodePage850, 3: charmap.CodePage860, 4: charmap.CodePage863,
	5: charmap.CodePage865, 16: charmap.Windows1252, 17: charmap.CodePage866, 18: charmap.CodePage852,
	19: charmap.CodePage858,
}

// codeTable maps bytes 0x80–0xFF of the current code table to runes.
func (m *Model) codeTable() *[128]rune {
	if t := m.codePage[m.table]; t != nil {
		return t
	}
	cm := codePages[m.table]
	if cm == nil {
		cm = charmap.CodePage437
	}
	t := new([128]rune)
	for i := range t {
		t[i] = cm.DecodeByte(byte(0x80 + i))
	}
	m.codePage[m.table] = t
	return t
}

// GB lead bytes are 0x81–0xFE and trail bytes 0x40–0xFE but 0x7F.
const (
	gbLeads  = 0xFE - 0x81 + 1
	gbTrails = 0xFE - 0x40 + 1
)

// gbTable maps every 2-byte GBK/GB18030 code to its rune, built once:
// decoding through the x/text transformer for each character would cost
// more than the rest of the printer.
var gbTable = sync.OnceValue(func() *[gbLeads * gbTrails]rune {
	t := new([gbLeads * gbTrails]rune)
	dec := simplifiedchinese.GB18030.NewDecoder()
	var src [2]byte
	var dst [8]byte
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			r := utf8.RuneError
			if trail != 0x7F {
				src[0], src[1] = byte(lead), byte(trail)
				dec.Reset()
				if n, _, err := dec.Transform(dst[:], src[:], true); err == nil && n > 0 {
					if c, size := utf8.DecodeRune(dst[:n]); size == n {
						r = c
					}
				}
			}
			t[(lead-0x81)*gbTrails+trail-0x40] = r
		}
	}
	return t
})

// gbRune decodes one 2-byte character; codes that are not characters
// print as U+FFFD.
func gbRune(lead, trail byte) rune {
	if lead < 0x81 || lead > 0xFE || trail < 0x40 || trail > 0xFE {
		return utf8.RuneError
	}
	return gbTable()[int(lead-0x81)*gbTrails+int(trail-0x40)]
}
