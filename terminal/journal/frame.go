package journal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// The file starts with fileMagic; each record is
//
//	0xA5 | length u32 LE | crc32c u32 LE | payload (length bytes)
//
// where the CRC covers the length bytes and the payload, so a torn length
// field cannot pass as a shorter valid record.
const (
	fileMagic  = "POSJRNL\x01"
	recMagic   = 0xA5
	recHeader  = 9
	maxPayload = 1 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendRecord frames payload onto dst.
func appendRecord(dst, payload []byte) []byte {
	var h [recHeader]byte
	h[0] = recMagic
	binary.LittleEndian.PutUint32(h[1:5], uint32(len(payload)))
	c := crc32.Update(0, castagnoli, h[1:5])
	c = crc32.Update(c, castagnoli, payload)
	binary.LittleEndian.PutUint32(h[5:9], c)
	dst = append(dst, h[:]...)
	return append(dst, payload...)
}

// recordAt returns the payload of a valid record at data[off:] and the
// offset after it.
func recordAt(data []byte, off int) ([]byte, int, bool) {
	if len(data)-off < recHeader || data[off] != recMagic {
		return nil, 0, false
	}
	n := binary.LittleEndian.Uint32(data[off+1 : off+5])
	if n > maxPayload || uint64(len(data)-off-recHeader) < uint64(n) {
		return nil, 0, false
	}
	end := off + recHeader + int(n)
	c := crc32.Update(0, castagnoli, data[off+1:off+5])
	c = crc32.Update(c, castagnoli, data[off+recHeader:end])
	if c != binary.LittleEndian.Uint32(data[off+5:off+9]) {
		return nil, 0, false
	}
	return data[off+recHeader : end], end, true
}

// CorruptError is damage that is not a torn tail: a bad record followed by
// good ones, or a file that is not a journal at all. The journal refuses to
// guess which trades the damaged part held.
type CorruptError struct {
	Path   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal %s: damaged at byte %d: %s (keep the file for the service desk; do not delete it)", e.Path, e.Offset, e.Reason)
}

// decoded is what decode found in a journal file's bytes.
type decoded struct {
	payloads [][]byte
	valid    int // bytes up to the end of the last good record
	torn     int // bytes after it, dropped as a torn write
}

// decode splits a journal file into record payloads. A bad record with no
// good record anywhere after it is a torn last write: it and everything
// after it are reported in torn, not as an error.
func decode(path string, data []byte) (decoded, error) {
	if len(data) < len(fileMagic) {
		if string(data) == fileMagic[:len(data)] {
			// The crash came while the header itself was being written.
			return decoded{torn: len(data)}, nil
		}
		return decoded{}, &CorruptError{Path: path, Reason: "not a journal file (bad header)"}
	}
	if string(data[:len(fileMagic)]) != fileMagic {
		return decoded{}, &CorruptError{Path: path, Reason: "not a journal file (bad header)"}
	}
	d := decoded{valid: len(fileMagic)}
	off := len(fileMagic)
	for off < len(data) {
		p, next, ok := recordAt(data, off)
		if !ok {
			for k := off + 1; k < len(data); k++ {
				if data[k] == recMagic {
					if _, _, ok := recordAt(data, k); ok {
						return decoded{}, &CorruptError{Path: path, Offset: int64(off),
							Reason: fmt.Sprintf("a bad record is followed by a good one at byte %d", k)}
					}
				}
			}
			d.torn = len(data) - off
			return d, nil
		}
		d.payloads = append(d.payloads, p)
		off = next
		d.valid = off
	}
	return d, nil
}
