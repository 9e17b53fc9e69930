package printer

import (
	"errors"
	"fmt"
	"strings"
)

// barcodeNames are the symbologies of GS k, form A (m 0–6) and form B
// (m 65–78).
var barcodeNames = [...]string{
	"UPC-A", "UPC-E", "EAN13", "EAN8", "CODE39", "ITF", "CODABAR", "CODE93", "CODE128", "GS1-128",
	"GS1 DataBar Omnidirectional", "GS1 DataBar Truncated", "GS1 DataBar Limited", "GS1 DataBar Expanded",
}

func barcodeName(sys byte) string {
	if sys >= 65 {
		sys -= 65
	}
	if int(sys) < len(barcodeNames) {
		return barcodeNames[sys]
	}
	return fmt.Sprintf("barcode %d", sys)
}

// symbol is an encoded barcode: one byte per module (1 a bar), and the
// text a reader returns, which HRI prints.
type symbol struct {
	bars []byte
	text string
}

// encodeBarcode encodes data in symbology sys. UPC-A, EAN13, EAN8,
// CODE39, ITF and CODE128 are drawn to their specifications; the others
// get a placeholder pattern (a start guard, two modules per data bit, a
// stop guard) and keep their payload, which is what tests assert on.
func encodeBarcode(sys byte, data []byte) (symbol, error) {
	if sys >= 65 {
		sys -= 65
	}
	if len(data) == 0 {
		return symbol{}, errors.New("no data")
	}
	switch sys {
	case 0:
		return encodeEAN(data, 11, true)
	case 2:
		return encodeEAN(data, 12, false)
	case 3:
		return encodeEAN(data, 7, false)
	case 4:
		return encodeCode39(data)
	case 5:
		return encodeITF(data)
	case 8:
		return encodeCode128(data)
	}
	return placeholder(data), nil
}

func placeholder(data []byte) symbol {
	var s symbol
	s.bars = append(s.bars, 1, 0, 1, 0)
	for _, b := range data {
		for i := 7; i >= 0; i-- {
			s.bars = append(s.bars, 1, b>>uint(i)&1)
		}
	}
	s.bars = append(s.bars, 0, 1, 1, 0, 1)
	s.text = string(data)
	return s
}

// appendWidths appends alternating bars and spaces of the given widths
// (digits '1'–'4'), starting with a bar.
func appendWidths(bars []byte, widths string) []byte {
	for i, w := range widths {
		v := byte(1 - i%2)
		for range int(w - '0') {
			bars = append(bars, v)
		}
	}
	return bars
}

func appendBits(bars []byte, bits string) []byte {
	for _, c := range bits {
		bars = append(bars, byte(c-'0'))
	}
	return bars
}

var (
	eanL = [10]string{"0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"}
	eanG = [10]string{"0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111"}
	eanR = [10]string{"1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100", "1001000", "1110100"}
	// eanParity is, per first digit of an EAN13, which of the left six
	// digits use the G set (bit 5 the second digit).
	eanParity = [10]byte{0x00, 0x0B, 0x0D, 0x0E, 0x13, 0x19, 0x1C, 0x15, 0x16, 0x1A}
)

// encodeEAN encodes UPC-A (as an EAN13 with a leading 0), EAN13 and EAN8:
// body digits, with or without the check digit, which is computed when
// missing and verified when given.
func encodeEAN(data []byte, body int, upc bool) (symbol, error) {
	for _, c := range data {
		if c < '0' || c > '9' {
			return symbol{}, fmt.Errorf("%q is not all digits", data)
		}
	}
	if len(data) != body && len(data) != body+1 {
		return symbol{}, fmt.Errorf("%d digits; want %d or %d", len(data), body, body+1)
	}
	d := []byte(string(data[:body]))
	check := eanCheck(d)
	if len(data) == body+1 && data[body] != check {
		return symbol{}, fmt.Errorf("check digit %c is wrong (want %c)", data[body], check)
	}
	d = append(d, check)
	text := string(d)
	if upc {
		d = append([]byte{'0'}, d...)
	}
	var s symbol
	s.text = text
	s.bars = appendBits(s.bars, "101")
	if len(d) == 8 {
		for _, c := range d[:4] {
			s.bars = appendBits(s.bars, eanL[c-'0'])
		}
		s.bars = appendBits(s.bars, "01010")
		for _, c := range d[4:] {
			s.bars = appendBits(s.bars, eanR[c-'0'])
		}
	} else {
		par := eanParity[d[0]-'0']
		for i, c := range d[1:7] {
			if par&(0x20>>uint(i)) != 0 {
				s.bars = appendBits(s.bars, eanG[c-'0'])
			} else {
				s.bars = appendBits(s.bars, eanL[c-'0'])
			}
		}
		s.bars = appendBits(s.bars, "01010")
		for _, c := range d[7:] {
			s.bars = appendBits(s.bars, eanR[c-'0'])
		}
	}
	s.bars = appendBits(s.bars, "101")
	return s, nil
}

// eanCheck is the check digit of a UPC/EAN body: weights 3 and 1 from the
// right.
func eanCheck(d []byte) byte {
	sum := 0
	for i := range d {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// code39 holds each character's nine elements, n narrow and w wide.
var code39 = map[byte]string{
	'0': "nnnwwnwnn", '1': "wnnwnnnnw", '2': "nnwwnnnnw", '3': "wnwwnnnnn", '4': "nnnwwnnnw",
	'5': "wnnwwnnnn", '6': "nnwwwnnnn", '7': "nnnwnnwnw", '8': "wnnwnnwnn", '9': "nnwwnnwnn",
	'A': "wnnnnwnnw", 'B': "nnwnnwnnw", 'C': "wnwnnwnnn", 'D': "nnnnwwnnw", 'E': "wnnnwwnnn",
	'F': "nnwnwwnnn", 'G': "nnnnnwwnw", 'H': "wnnnnwwnn", 'I': "nnwnnwwnn", 'J': "nnnnwwwnn",
	'K': "wnnnnnnww", 'L': "nnwnnnnww", 'M': "wnwnnnnwn", 'N': "nnnnwnnww", 'O': "wnnnwnnwn",
	'P': "nnwnwnnwn", 'Q': "nnnnnnwww", 'R': "wnnnnnwwn", 'S': "nnwnnnwwn", 'T': "nnnnwnwwn",
	'U': "wwnnnnnnw", 'V': "nwwnnnnnw", 'W': "wwwnnnnnn", 'X': "nwnnwnnnw", 'Y': "wwnnwnnnn",
	'Z': "nwwnwnnnn", '-': "nwnnnnwnw", '.': "wwnnnnwnn", ' ': "nwwnnnwnn", '*': "nwnnwnwnn",
	'$': "nwnwnwnnn", '/': "nwnwnnnwn", '+': "nwnnnwnwn", '%': "nnnwnwnwn",
}

func appendNW(bars []byte, elems string, start byte) []byte {
	for i, e := range elems {
		v := start ^ byte(i%2)
		n := 1
		if e == 'w' {
			n = 3
		}
		for range n {
			bars = append(bars, v)
		}
	}
	return bars
}

// encodeCode39 adds the * start and stop characters when the data lacks
// them, as Epson printers do.
func encodeCode39(data []byte) (symbol, error) {
	text := strings.Trim(string(data), "*")
	var s symbol
	s.text = text
	for i, c := range []byte("*" + text + "*") {
		e, ok := code39[c]
		if !ok {
			return symbol{}, fmt.Errorf("%q is not a CODE39 character", c)
		}
		if i > 0 {
			s.bars = append(s.bars, 0)
		}
		s.bars = appendNW(s.bars, e, 1)
	}
	return s, nil
}

var itfDigits = [10]string{"nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn"}

// encodeITF interleaves digit pairs: the first of each pair in the bars,
// the second in the spaces.
func encodeITF(data []byte) (symbol, error) {
	if len(data)%2 != 0 {
		return symbol{}, fmt.Errorf("%d digits; ITF needs an even number", len(data))
	}
	s := symbol{text: string(data)}
	s.bars = append(s.bars, 1, 0, 1, 0)
	for i := 0; i < len(data); i += 2 {
		a, b := data[i], data[i+1]
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return symbol{}, fmt.Errorf("%q is not all digits", data)
		}
		ea, eb := itfDigits[a-'0'], itfDigits[b-'0']
		var mixed [10]byte
		for k := range 5 {
			mixed[2*k], mixed[2*k+1] = ea[k], eb[k]
		}
		s.bars = appendNW(s.bars, string(mixed[:]), 1)
	}
	s.bars = appendNW(s.bars, "wnn", 1)
	return s, nil
}
