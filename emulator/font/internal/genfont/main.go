package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// blocks are included whole (minus controls and invisible format
// characters, which would otherwise render as Unifont's dashed code boxes).
var blocks = []struct {
	lo, hi rune
	name   string
}{
	{0x0020, 0x007E, "Basic Latin (printable)"},
	{0x00A0, 0x00FF, "Latin-1 Supplement"},
	{0x2000, 0x206F, "General Punctuation"},
	{0x20A0, 0x20CF, "Currency Symbols"},
	{0x2100, 0x214F, "Letterlike Symbols"},
	{0x2150, 0x218F, "Number Forms"},
	{0x2190, 0x21FF, "Arrows"},
	{0x2500, 0x257F, "Box Drawing"},
	{0x2580, 0x259F, "Block Elements"},
	{0x25A0, 0x25FF, "Geometric Shapes"},
	{0x3000, 0x303F, "CJK Symbols and Punctuation"},
	{0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"},
	{0xFFFD, 0xFFFD, "Replacement Character"},
}

func main() {
	hexPath := flag.String("hex", "/usr/share/unifont/unifont.hex", "unifont.hex to read (Debian package unifont)")
	out := flag.String("out", "data/unifont-subset.hex.gz", "gzip file to write")
	flag.Parse()
	if err := run(*hexPath, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "genfont:", err)
		os.Exit(1)
	}
}

func run(hexPath, out string, log io.Writer) error {
	src, err := os.ReadFile(hexPath)
	if err != nil {
		return fmt.Errorf("%w (install it with: apt-get install unifont)", err)
	}
	lines, err := parse(src)
	if err != nil {
		return fmt.Errorf("%s: %w", hexPath, err)
	}

	want, required, err := selection()
	if err != nil {
		return err
	}
	var missing []string
	for r := range required {
		if _, ok := lines[r]; !ok {
			missing = append(missing, fmt.Sprintf("U+%04X", r))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("%s lacks %d required glyphs: %s", hexPath, len(missing), strings.Join(missing, " "))
	}

	runes := make([]rune, 0, len(want))
	for r := range want {
		if _, ok := lines[r]; ok {
			runes = append(runes, r)
		}
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })

	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	var half, full int
	for _, r := range runes {
		l := lines[r]
		if len(l) > 40 {
			full++
		} else {
			half++
		}
		if _, err := io.WriteString(zw, l+"\n"); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(src)
	fmt.Fprintf(log, "source %s sha256 %s\n", hexPath, hex.EncodeToString(sum[:]))
	fmt.Fprintf(log, "wrote %s: %d glyphs (%d halfwidth, %d fullwidth, %d GB2312 Hanzi), %d bytes\n",
		out, len(runes), half, full, countHan(required), buf.Len())
	return nil
}

// parse maps each code point of a .hex file to its line, unchanged.
func parse(src []byte) (map[rune]string, error) {
	lines := make(map[rune]string, 60000)
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" {
			continue
		}
		cp, bits, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: no colon", n)
		}
		v, err := strconv.ParseUint(cp, 16, 32)
		if err != nil {
			return nil, fmt.Errorf("line %d: code point %q: %v", n, cp, err)
		}
		if len(bits) != 32 && len(bits) != 64 {
			return nil, fmt.Errorf("line %d: U+%s has %d hex digits, want 32 or 64", n, cp, len(bits))
		}
		if _, err := hex.DecodeString(bits); err != nil {
			return nil, fmt.Errorf("line %d: U+%s: %v", n, cp, err)
		}
		lines[rune(v)] = l
	}
	return lines, sc.Err()
}

// selection returns every code point to include, and the subset of them the
// source must have (the GB2312 Hanzi: a font without them is useless here).
func selection() (want, required map[rune]bool, err error) {
	want = map[rune]bool{}
	required = map[rune]bool{}
	for _, b := range blocks {
		for r := b.lo; r <= b.hi; r++ {
			if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
				continue
			}
			want[r] = true
		}
	}
	required[0xFFFD] = true

	dec := simplifiedchinese.GBK.NewDecoder()
	// Rows 0xA1-0xA9 are GB2312's symbols, kana, Greek, Cyrillic, pinyin
	// and box drawing; rows 0xB0-0xF7 are its 6763 Hanzi.
	for hi := 0xA1; hi <= 0xF7; hi++ {
		if hi > 0xA9 && hi < 0xB0 {
			continue
		}
		for lo := 0xA1; lo <= 0xFE; lo++ {
			s, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if err != nil {
				return nil, nil, fmt.Errorf("decode GB2312 %02X%02X: %w", hi, lo, err)
			}
			rs := []rune(string(s))
			if len(rs) != 1 || rs[0] == unicode.ReplacementChar || unicode.Is(unicode.Co, rs[0]) {
				continue // unassigned cell
			}
			r := rs[0]
			want[r] = true
			if hi >= 0xB0 {
				if !unicode.Is(unicode.Han, r) {
					return nil, nil, fmt.Errorf("GB2312 %02X%02X decodes to U+%04X, not a Hanzi", hi, lo, r)
				}
				required[r] = true
			}
		}
	}
	if n := len(required) - 1; n != 6763 {
		return nil, nil, errors.New("GB2312 Hanzi count is " + strconv.Itoa(n) + ", want 6763")
	}
	return want, required, nil
}

func countHan(required map[rune]bool) int {
	n := 0
	for r := range required {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}
