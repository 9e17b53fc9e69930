package journal

// SetCounters writes a state record with the given counters, so tests can
// reach the wrap-around without a million trades.
func (j *Journal) SetCounters(lastVoucher, batch int) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := j.st
	st.Closed = nil
	st.LastVoucher, st.Batch = lastVoucher, batch
	return j.write(record{T: "state", State: &st})
}

// Decode exposes the framing decoder to the fuzz target.
func Decode(data []byte) (payloads [][]byte, valid, torn int, err error) {
	d, err := decode("fuzz", data)
	return d.payloads, d.valid, d.torn, err
}

// Frame exposes the framing encoder.
func Frame(dst, payload []byte) []byte { return appendRecord(dst, payload) }

// Magic is the file header.
const Magic = fileMagic
