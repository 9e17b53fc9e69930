package printer

import "time"

// SetTimeout changes the status reply timeout of a driver in use. A spec
// that lets one request go unanswered (a short timeout is then all it
// costs) and then expects the next one answered on the same driver state
// (a generous one, so that a loaded machine does not fail it) needs both.
func (pr *Printer) SetTimeout(d time.Duration) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.cfg.Timeout = d
}
