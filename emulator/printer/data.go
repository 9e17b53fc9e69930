package printer

import (
	"fmt"
	"slices"
)

// Kinds of data field.
const (
	datDiscard = iota
	datRaster  // GS v 0, GS Q 0, GS ( L fn 112: rows of bytes into a band or the graphics buffer
	datColumn  // ESC *: columns into the line
	datBarcode // GS k
	datTabs    // ESC D
	datParenK  // GS ( k: cn fn m, then parameters or QR data
	datQRStore // GS ( k 1 P 0: the QR data
	datParenL  // GS ( L, GS 8 L: m fn, then a graphics header and data
	datZQR     // ESC Z: QR data printed at once
	datRest    // a GS ( function's parameters beyond the header
)

// maxQR is the largest QR payload GS ( k can store (pL+256·pH = len+3 ≤ 7092).
const maxQR = 7089

// dataState is the data field being received.
type dataState struct {
	kind  uint8
	c     cmd
	off   int64 // stream offset of the command
	total int64 // declared length (or NUL-terminated limit)
	par   [6]byte
	hdr   [16]byte
	nh    int // header bytes received
	want  int // header bytes wanted before the payload
	buf   []byte
	over  bool // more data than can be kept; the excess is dropped
	// Rows of an image: bytes per row received and kept, rows kept, bytes
	// received so far, and where the kept bytes go.
	rowBytes, keep, rows, pos int64
	dst                       *[]byte
	dstOff                    int64
}

// graphics is the GS ( L graphics buffer, printed by GS ( L fn 50.
type graphics struct {
	data           []byte
	keep, rows     int64
	mx, my         int32
	width, height  int32
	loaded, filled bool
}

func (m *Model) dataStart(c cmd, par []byte, n int64, off int64) {
	ds := &m.dat
	*ds = dataState{c: c, off: off, total: n, buf: ds.buf[:0]}
	copy(ds.par[:], par)
	if m.off {
		return
	}
	switch c {
	case cGSv, cGSQ:
		mode := par[1]
		if mode >= '0' {
			mode -= '0'
		}
		if mode > 3 {
			m.decodeError(off, fmt.Sprintf("%s 0 mode %d is not 0–3 or 48–51; image skipped", c, par[1]))
			return
		}
		rowBytes := int64(par[2]) | int64(par[3])<<8
		if c == cGSQ {
			rowBytes = (rowBytes + 7) / 8
		}
		m.rasterBand(rowBytes, int64(par[4])|int64(par[5])<<8, 1+int32(mode&1), 1+int32(mode>>1))
	case cESCStar:
		m.columnImage(par[0], int64(par[1])|int64(par[2])<<8)
	case cGSk:
		ds.kind = datBarcode
	case cESCD:
		ds.kind = datTabs
	case cGSParen, cGS8:
		switch {
		case c == cGSParen && par[0] == 'k':
			ds.kind, ds.want = datParenK, int(min(n, 3))
		case c == cGS8 || par[0] == 'L':
			ds.kind, ds.want = datParenL, int(min(n, 2))
		}
	case cESCZ:
		ds.kind = datZQR
		if n > maxQR {
			ds.over = true
		}
	}
}

func (m *Model) data(c cmd, p []byte) {
	ds := &m.dat
	for len(p) > 0 {
		if ds.nh < ds.want {
			k := min(len(p), ds.want-ds.nh)
			copy(ds.hdr[ds.nh:], p[:k])
			ds.nh += k
			p = p[k:]
			if ds.nh == ds.want {
				m.header()
			}
			continue
		}
		m.payload(p)
		return
	}
}

// header routes the rest of a GS ( field once its leading bytes are in.
func (m *Model) header() {
	ds := &m.dat
	switch ds.kind {
	case datParenK:
		if ds.nh == 3 && ds.hdr[0] == 49 && ds.hdr[1] == 80 {
			ds.kind = datQRStore
			m.qrData = m.qrData[:0]
			if ds.total-3 > maxQR {
				ds.over = true
				m.decodeError(ds.off, fmt.Sprintf("GS ( k QR data of %d bytes is longer than %d; not stored", ds.total-3, maxQR))
			}
			return
		}
		ds.kind, ds.want = datRest, int(min(ds.total, int64(len(ds.hdr))))
	case datParenL:
		if ds.nh == 2 && ds.hdr[1] == 112 && ds.total >= 10 {
			ds.want = 10 // m fn a bx by c xL xH yL yH
			return
		}
		if ds.nh == 10 {
			m.loadGraphics()
			return
		}
		ds.kind, ds.want = datRest, int(min(ds.total, int64(len(ds.hdr))))
	}
}

func (m *Model) payload(p []byte) {
	ds := &m.dat
	switch ds.kind {
	case datRaster, datColumn:
		ds.rasterWrite(p)
	case datQRStore:
		if !ds.over {
			m.qrData = append(m.qrData, p...)
		}
	case datZQR, datBarcode, datTabs:
		if !ds.over {
			ds.buf = append(ds.buf, p...)
		}
	}
}

func (m *Model) dataEnd(c cmd, ok bool) {
	ds := &m.dat
	if m.off {
		return
	}
	switch ds.kind {
	case datBarcode:
		if ok {
			m.barcode(ds.par[0], ds.buf, ds.off)
		}
	case datTabs:
		m.setTabs(ds.buf)
	case datZQR:
		if !ds.over {
			m.zqr(ds.par[:], ds.buf, ds.off)
		}
	case datRest, datParenK:
		if ds.c == cGSParen && ds.par[0] == 'k' {
			m.qrFunction(ds.hdr[:ds.nh], ds.off)
		} else if ds.nh >= 2 && ds.hdr[1] == 50 {
			m.printGraphics()
		}
	case datRaster:
		if ds.dst == &m.gfx.data {
			m.gfx.filled = true
		}
	}
	ds.dst = nil
}

// rasterWrite keeps the part of each row that fits on the paper and the
// rows that fit on the receipt; the rest is read and dropped.
func (ds *dataState) rasterWrite(p []byte) {
	if ds.dst == nil {
		return
	}
	dst := (*ds.dst)[ds.dstOff : ds.dstOff+ds.keep*ds.rows]
	limit := ds.rowBytes * ds.rows
	if ds.keep == ds.rowBytes {
		if ds.pos < limit {
			n := copy(dst[ds.pos:], p)
			ds.pos += int64(n)
			p = p[n:]
		}
		ds.pos += int64(len(p))
		return
	}
	for len(p) > 0 && ds.pos < limit {
		row, col := ds.pos/ds.rowBytes, ds.pos%ds.rowBytes
		n := min(int64(len(p)), ds.rowBytes-col)
		if col < ds.keep {
			copy(dst[row*ds.keep+col:], p[:min(n, ds.keep-col)])
		}
		ds.pos += n
		p = p[n:]
	}
	ds.pos += int64(len(p))
}

// grow extends *pool by n zero bytes and returns where they start.
func grow(pool *[]byte, n int64) int64 {
	at := int64(len(*pool))
	*pool = slices.Grow(*pool, int(n))[:at+n]
	clear((*pool)[at:])
	return at
}

// imageArea is where an image starts on the paper and how many bytes of
// each row fit, for an image of rowBytes bytes per row drawn mx dots per
// bit.
func (m *Model) imageArea(rowBytes int64, mx int32) (x int32, keep int64) {
	dots := int32(m.profile.Dots)
	left := min(m.left, dots-1)
	area := max(min(m.width, dots-left), 1)
	keep = min(rowBytes, int64(area/(8*mx)))
	return left + alignOffset(area, int32(keep)*8*mx, m.align), keep
}

// rasterBand starts a GS v 0 image on the paper: it prints at once.
func (m *Model) rasterBand(rowBytes, rows int64, mx, my int32) {
	ds := &m.dat
	m.flushLine()
	x, keep := m.imageArea(rowBytes, mx)
	h := int32(min(rows, int64(m.opts.MaxReceiptDots))) * my
	m.fit(h)
	kept := min(rows, int64(m.room()/my))
	if kept < rows {
		m.decodeError(ds.off, fmt.Sprintf("%s image of %d rows is longer than a receipt may be; cut to %d rows", ds.c, rows, kept))
	}
	r := m.roll
	at := grow(&r.img, keep*kept)
	b := band{kind: bandRaster, y: r.height, x: x, w: int32(keep) * 8 * mx, h: int32(kept) * my, off: int32(at), stride: int32(keep), mx: mx, my: my}
	r.bands = append(r.bands, b)
	r.images = append(r.images, Image{Y: int(b.y), X: int(b.x), Width: int(b.w), Height: int(b.h), Kind: "raster"})
	r.height += b.h
	m.touch()
	*ds = dataState{kind: datRaster, c: ds.c, off: ds.off, total: ds.total, buf: ds.buf, rowBytes: rowBytes, keep: keep, rows: kept, dst: &r.img, dstOff: at}
}

// columnImage starts an ESC * band in the line: 8-dot modes (0, 1) are
// drawn 3 dots per bit vertically, single-density modes (0, 32) 2 dots
// per bit horizontally, so every band is 24 dots high.
func (m *Model) columnImage(mode byte, cols int64) {
	ds := &m.dat
	m.startLine()
	ln := &m.ln
	lk := look{kind: runImage, font: 1, w: 1, h: 3}
	if mode >= 32 {
		lk.font, lk.h = 3, 1
	}
	if mode == 0 || mode == 32 {
		lk.w = 2
	}
	lk.adv = int32(lk.w)
	keep := max(min(cols, int64((ln.width-ln.x)/lk.adv)), 0)
	bpc := int64(lk.font)
	at := grow(&ln.img, keep*bpc)
	ln.runs = append(ln.runs, run{look: lk, x: ln.x, t0: int32(at), t1: int32(at + keep*bpc), n: int32(keep)})
	ln.x += int32(keep) * lk.adv
	ln.h = max(ln.h, 24)
	// One "row" holding every column: the kept prefix is stored.
	ds.kind, ds.rowBytes, ds.keep, ds.rows, ds.dst, ds.dstOff = datColumn, cols*bpc, keep*bpc, 1, &ln.img, at
}

// loadGraphics is GS ( L fn 112: raster graphics into the graphics buffer.
func (m *Model) loadGraphics() {
	ds := &m.dat
	h := ds.hdr
	bx, by := int32(h[3]), int32(h[4])
	x, y := int64(h[6])|int64(h[7])<<8, int64(h[8])|int64(h[9])<<8
	rowBytes := (x + 7) / 8
	if (bx != 1 && bx != 2) || (by != 1 && by != 2) || rowBytes*y != ds.total-10 {
		m.decodeError(ds.off, fmt.Sprintf("GS ( L graphics header (scale %d×%d, %d×%d dots) does not match its %d data bytes; skipped", bx, by, x, y, ds.total-10))
		ds.kind = datDiscard
		return
	}
	_, keep := m.imageArea(rowBytes, bx)
	rows := min(y, int64(m.opts.MaxReceiptDots/int(by)))
	g := &m.gfx
	g.data = g.data[:0]
	grow(&g.data, keep*rows)
	g.keep, g.rows, g.mx, g.my, g.loaded, g.filled = keep, rows, bx, by, true, false
	ds.kind, ds.rowBytes, ds.keep, ds.rows, ds.dst, ds.dstOff = datRaster, rowBytes, keep, rows, &g.data, 0
}

// printGraphics is GS ( L fn 50: the graphics buffer goes on paper.
func (m *Model) printGraphics() {
	g := &m.gfx
	if !g.loaded {
		return
	}
	m.flushLine()
	x, _ := m.imageArea(g.keep, g.mx)
	m.fit(int32(g.rows) * g.my)
	rows := min(g.rows, int64(m.room()/g.my))
	r := m.roll
	at := grow(&r.img, g.keep*rows)
	copy(r.img[at:], g.data[:g.keep*rows])
	b := band{kind: bandRaster, y: r.height, x: x, w: int32(g.keep) * 8 * g.mx, h: int32(rows) * g.my, off: int32(at), stride: int32(g.keep), mx: g.mx, my: g.my}
	r.bands = append(r.bands, b)
	r.images = append(r.images, Image{Y: int(b.y), X: int(b.x), Width: int(b.w), Height: int(b.h), Kind: "raster"})
	r.height += b.h
	m.touch()
	g.loaded = false
}
