package printer

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"sync"
)

// encodePNG writes a two-colour paletted image as a 1-bit paletted PNG.
// image/png does the same, but reads every pixel through ColorIndexAt,
// which made encoding cost ten times the drawing.
func encodePNG(img *image.Paletted) ([]byte, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w <= 0 || h <= 0 || len(img.Palette) != 2 {
		return nil, errors.New("png: not a non-empty two-colour image")
	}
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 3 // bit depth 1, paletted
	chunk(&out, "IHDR", ihdr[:])
	var plte []byte
	for _, c := range img.Palette {
		r, g, b, _ := c.RGBA()
		plte = append(plte, byte(r>>8), byte(g>>8), byte(b>>8))
	}
	chunk(&out, "PLTE", plte)

	var idat bytes.Buffer
	zw := zwriters.Get().(*zlib.Writer)
	defer zwriters.Put(zw)
	zw.Reset(&idat)
	stride := (w + 7) / 8
	row := make([]byte, 1+stride) // filter type 0, then the bits
	for y := range h {
		packRow(row[1:], img.Pix[y*img.Stride:][:w])
		if _, err := zw.Write(row); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	chunk(&out, "IDAT", idat.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

// zwriters keeps deflate state (most of a megabyte each) between encodes.
var zwriters = sync.Pool{New: func() any {
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed) // the level is valid
	return zw
}}

// packRow packs one byte per pixel (0 or 1, as render draws) into bits,
// the leftmost pixel in the high bit. Eight pixels at a time: a
// multiplication gathers each byte's low bit into the top byte.
func packRow(dst, pix []uint8) {
	x := 0
	for ; x+8 <= len(pix); x += 8 {
		v := binary.BigEndian.Uint64(pix[x:])
		dst[x>>3] = byte((v & 0x0101010101010101) * 0x0102040810204080 >> 56)
	}
	if x < len(pix) {
		var b byte
		for i, v := range pix[x:] {
			b |= (v & 1) << uint(7-i)
		}
		dst[x>>3] = b
	}
}

func chunk(out *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	out.WriteString(kind)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}
