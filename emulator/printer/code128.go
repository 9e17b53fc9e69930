package printer

import (
	"errors"
	"fmt"
	"strings"
)

// code128 holds the bar and space widths of symbol values 0–106 (106 is
// the stop pattern, with its final bar).
var code128 = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

// CODE128 symbol values of the special characters.
const (
	c128FNC3   = 96
	c128FNC2   = 97
	c128Shift  = 98
	c128CodeC  = 99
	c128CodeB  = 100 // FNC4 in set B
	c128CodeA  = 101 // FNC4 in set A
	c128FNC1   = 102
	c128StartA = 103
	c128Stop   = 106
)

// encodeCode128 encodes GS k 73 data: it starts with a code set selector
// ({A, {B or {C); "{" then A, B, C switches set, S shifts one character,
// 1–4 are FNC1–FNC4, and "{{" is a "{" itself. In set C each byte is a
// value 0–99 (two digits of the text).
func encodeCode128(data []byte) (symbol, error) {
	if len(data) < 2 || data[0] != '{' || data[1] < 'A' || data[1] > 'C' {
		return symbol{}, errors.New("CODE128 data must start with a code set selector {A, {B or {C")
	}
	set := data[1] - 'A' // 0 A, 1 B, 2 C
	vals := []int{c128StartA + int(set)}
	var text strings.Builder
	shift := false
	for i := 2; i < len(data); i++ {
		c := data[i]
		if c == '{' && i+1 < len(data) && data[i+1] != '{' {
			i++
			switch k := data[i]; k {
			case 'A', 'B', 'C':
				to := k - 'A'
				if to == set {
					continue
				}
				vals = append(vals, [3]int{c128CodeA, c128CodeB, c128CodeC}[to])
				set = to
			case 'S':
				if set == 2 {
					return symbol{}, errors.New("CODE128 shift {S in code set C")
				}
				vals = append(vals, c128Shift)
				shift = true
			case '1':
				vals = append(vals, c128FNC1)
			case '2':
				vals = append(vals, c128FNC2)
			case '3':
				vals = append(vals, c128FNC3)
			case '4':
				if set == 2 {
					return symbol{}, errors.New("CODE128 FNC4 {4 in code set C")
				}
				vals = append(vals, [2]int{c128CodeA, c128CodeB}[set])
			default:
				return symbol{}, fmt.Errorf("CODE128 {%c is not a function or code set", k)
			}
			continue
		}
		if c == '{' {
			i++ // "{{"
		}
		cur := set
		if shift {
			cur, shift = 1-set, false
		}
		v, err := code128Value(cur, c)
		if err != nil {
			return symbol{}, err
		}
		vals = append(vals, v)
		if cur == 2 {
			fmt.Fprintf(&text, "%02d", v)
		} else {
			text.WriteByte(c)
		}
	}
	sum := vals[0]
	for i, v := range vals[1:] {
		sum += (i + 1) * v
	}
	vals = append(vals, sum%103, c128Stop)
	var s symbol
	s.text = text.String()
	for _, v := range vals {
		s.bars = appendWidths(s.bars, code128[v])
	}
	return s, nil
}

func code128Value(set, c byte) (int, error) {
	switch set {
	case 0:
		switch {
		case c < 0x20:
			return int(c) + 64, nil
		case c < 0x60:
			return int(c) - 32, nil
		}
	case 1:
		if c >= 0x20 && c < 0x80 {
			return int(c) - 32, nil
		}
	case 2:
		if c <= 99 {
			return int(c), nil
		}
	}
	return 0, fmt.Errorf("CODE128 byte 0x%02X is not in code set %c", c, 'A'+set)
}
