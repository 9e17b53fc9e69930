package hwcheck

import "strings"

// font is a 5-row block font for the verdict: readable across the room,
// and 6 columns a letter, so PASS and FAIL fit a 30-column screen.
var font = map[rune][5]string{
	'P': {"####", "#  #", "####", "#   ", "#   "},
	'A': {" ## ", "#  #", "####", "#  #", "#  #"},
	'S': {" ###", "#   ", " ## ", "   #", "### "},
	'F': {"####", "#   ", "### ", "#   ", "#   "},
	'I': {"###", " # ", " # ", " # ", "###"},
	'L': {"#   ", "#   ", "#   ", "#   ", "####"},
	'E': {"####", "#   ", "### ", "#   ", "####"},
	'R': {"### ", "#  #", "### ", "# # ", "#  #"},
	'O': {" ## ", "#  #", "#  #", "#  #", " ## "},
}

// banner is word in block letters, five rows.
func banner(word string) []string {
	rows := make([]string, 5)
	for i := range rows {
		var parts []string
		for _, r := range word {
			g := font[r]
			parts = append(parts, strings.ReplaceAll(g[i], "#", "█"))
		}
		rows[i] = strings.Join(parts, "  ")
	}
	return rows
}

// paint wraps s in an ANSI SGR code when colour is on.
func (c *Console) paint(code, s string) string {
	if !c.opt.Color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// rule is a line of ch across the screen (at most 60 columns).
func (c *Console) rule(ch rune) string { return strings.Repeat(string(ch), min(c.opt.Width, 60)) }

// fit wraps s to the screen, continuation lines indented by two.
func (c *Console) fit(s string) string { return strings.Join(c.wrap(s, 2), "\n  ") }

// wrap breaks s into lines that fit the screen after indent columns, at
// spaces where it can; Chinese characters count two columns.
func (c *Console) wrap(s string, indent int) []string {
	width := max(c.opt.Width-indent, 20)
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var cur []rune
		curW, lastSpace := 0, -1
		for _, r := range para {
			w := runeWidth(r)
			if curW+w > width && len(cur) > 0 {
				if lastSpace > 0 {
					lines = append(lines, string(cur[:lastSpace]))
					cur = append([]rune(nil), cur[lastSpace+1:]...)
				} else {
					lines = append(lines, string(cur))
					cur = nil
				}
				curW, lastSpace = 0, -1
				for i, x := range cur {
					curW += runeWidth(x)
					if x == ' ' {
						lastSpace = i
					}
				}
			}
			if r == ' ' {
				lastSpace = len(cur)
			}
			cur = append(cur, r)
			curW += w
		}
		lines = append(lines, string(cur))
	}
	return lines
}

// runeWidth is how many columns a terminal gives r: two for the wide
// (CJK) ranges, one otherwise.
func runeWidth(r rune) int {
	switch {
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
		return 2
	}
	return 1
}
