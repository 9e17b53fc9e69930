package custdisplay

// Cursor movement and scrolling. What happens at an edge depends on the
// scroll mode; the DM-D110 specification gives it per command for two
// lines, and "the other line" generalises to next/previous line here.

func (m *Model) blank(row int) {
	for i := range m.cells[row] {
		m.cells[row][i] = ' '
	}
}

func (m *Model) clearAll() {
	for r := range m.cells {
		m.blank(r)
	}
	m.col, m.row, m.owed = 0, 0, false
}

// scrollUp moves every line up one; the last line comes back blank.
func (m *Model) scrollUp() {
	first := m.cells[0]
	copy(m.cells, m.cells[1:])
	m.cells[m.rows-1] = first
	m.blank(m.rows - 1)
}

// scrollDown moves every line down one; the first line comes back blank.
func (m *Model) scrollDown() {
	last := m.cells[m.rows-1]
	copy(m.cells[1:], m.cells)
	m.cells[0] = last
	m.blank(0)
}

func (m *Model) shiftLeft(row int) {
	r := m.cells[row]
	copy(r, r[1:])
	r[len(r)-1] = ' '
}

func (m *Model) shiftRight(row int) {
	r := m.cells[row]
	copy(r[1:], r)
	r[0] = ' '
}

// put writes one character at the cursor. In the last column the cursor
// stays and owes a wrap, paid when the next character comes.
func (m *Model) put(r rune) {
	if m.owed {
		m.right()
	}
	m.cells[m.row][m.col] = r
	if m.col == m.cols-1 {
		m.owed = true
	} else {
		m.col++
	}
}

// right is HT, and the owed wrap of put.
func (m *Model) right() {
	m.owed = false
	if m.col < m.cols-1 {
		m.col++
		return
	}
	switch m.mode {
	case ModeOverwrite:
		m.col, m.row = 0, (m.row+1)%m.rows
	case ModeVertical:
		m.col = 0
		if m.row < m.rows-1 {
			m.row++
		} else {
			m.scrollUp()
		}
	case ModeHorizontal:
		m.shiftLeft(m.row)
	}
}

// left is BS. With a wrap owed the cursor is logically one past the last
// column, so BS only cancels the wrap.
func (m *Model) left() {
	if m.owed {
		m.owed = false
		return
	}
	if m.col > 0 {
		m.col--
		return
	}
	switch m.mode {
	case ModeOverwrite:
		m.col, m.row = m.cols-1, (m.row-1+m.rows)%m.rows
	case ModeVertical:
		m.col = m.cols - 1
		if m.row > 0 {
			m.row--
		} else {
			m.scrollDown()
		}
	case ModeHorizontal:
		m.shiftRight(m.row)
	}
}

// down is LF.
func (m *Model) down() {
	m.owed = false
	if m.row < m.rows-1 {
		m.row++
		return
	}
	switch m.mode {
	case ModeOverwrite:
		m.row = 0
	case ModeVertical:
		m.scrollUp()
	}
}

// up is US LF.
func (m *Model) up() {
	m.owed = false
	if m.row > 0 {
		m.row--
		return
	}
	switch m.mode {
	case ModeOverwrite:
		m.row = m.rows - 1
	case ModeVertical:
		m.scrollDown()
	}
}

func (m *Model) moveTo(col, row int) { m.col, m.row, m.owed = col, row, false }

// setLine is ESC Q A/B/D: the line is replaced, the cursor stays.
func (m *Model) setLine(row int, text []rune) {
	m.blank(row)
	copy(m.cells[row], text)
}

// stopMarquee ends an ESC Q D message: the CD5220 manual says the next
// command clears the upper line and homes the cursor.
func (m *Model) stopMarquee() {
	m.marquee = ""
	m.blank(0)
	m.moveTo(0, 0)
}
