package terminal

import "testing"

func TestAmountEntry(t *testing.T) {
	cases := []struct {
		keys    []string
		display string
		fen     int64
		refused bool
	}{
		{[]string{"1", "2", ".", "5"}, "12.5", 1250, false},
		{[]string{".", "5"}, "0.5", 50, false},
		{[]string{"0", "0", "7"}, "7", 700, false},
		{[]string{"1", "00"}, "100", 10000, false},
		{[]string{"1", ".", "2", "3", "4"}, "1.23", 123, true},
		{[]string{"1", ".", "00", "5"}, "1.00", 100, true},
		{[]string{"9", "9", "9", "9", "9", "9", "9", "9", "9"}, "99999999", 9999999900, true},
		{[]string{"1", "2", BackspaceKeyForTest, "3"}, "13", 1300, false},
		{[]string{"1", "2", KeyClear}, "0.00", 0, false},
		{[]string{"1", ".", "."}, "1.", 100, false},
	}
	for _, c := range cases {
		var e amountEntry
		refused := false
		for _, k := range c.keys {
			if _, r := e.press(k); r != nil {
				refused = true
			}
		}
		if e.display() != c.display || e.fen() != c.fen || refused != c.refused {
			t.Errorf("%v: got %q %d refused=%v, want %q %d %v", c.keys, e.display(), e.fen(), refused, c.display, c.fen, c.refused)
		}
	}
}

const BackspaceKeyForTest = KeyBackspace

func TestValidCode(t *testing.T) {
	for code, want := range map[string]bool{
		"286012345678901234":       true,
		"301234567890123456789012": true,
		"251234567890123":          false, // 15 digits
		"241234567890123456":       false,
		"131234567890123456":       false, // WeChat
		"28601234567890123x":       false,
	} {
		if ValidCode(code) != want {
			t.Errorf("ValidCode(%q) = %v", code, !want)
		}
	}
}
