package hostsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// FaultKind is what goes wrong.
type FaultKind string

// Fault kinds.
const (
	// FaultLatency delays the reply by Latency (on the simulator's clock);
	// it combines with one other fault.
	FaultLatency FaultKind = "latency"
	// FaultNoReply never answers: the connection hangs until the client
	// gives up, ReleaseHeld ends it, or the simulator closes.
	FaultNoReply FaultKind = "no_reply"
	// FaultUnknown answers 20000 isp.unknow-error, signed.
	FaultUnknown FaultKind = "unknown"
	// FaultHTTPError answers an HTTP error status (Status, default 502)
	// with an HTML body, as a load balancer in front of the gateway would.
	FaultHTTPError FaultKind = "http_error"
	// FaultLostReply carries the request out (the trade happens and is
	// durable), then drops the connection without a reply: the in-doubt
	// case.
	FaultLostReply FaultKind = "lost_reply"
	// FaultBadSignature carries the request out and answers with a reply
	// whose signature does not verify.
	FaultBadSignature FaultKind = "bad_signature"
	// FaultError answers 40004 with SubCode (default ACQ.SYSTEM_ERROR)
	// without carrying the request out.
	FaultError FaultKind = "error"
)

// Fault is one injected failure. It applies to the next Count gateway
// requests for Method ("" = any method), or to all of them until cleared
// when Count is 0. Requests that fail the common-parameter or signature
// checks do not reach the faults.
type Fault struct {
	Kind    FaultKind `json:"kind"`
	Method  string    `json:"method,omitempty"`
	Count   int       `json:"count,omitempty"`
	Latency Duration  `json:"latency,omitempty"`
	Status  int       `json:"status,omitempty"`
	// Commit: for no_reply, unknown and http_error, carry the request out
	// first (the trade happens), then fail. lost_reply and bad_signature
	// always commit; error never does.
	Commit  bool   `json:"commit,omitempty"`
	SubCode string `json:"sub_code,omitempty"`
}

// Duration is a time.Duration that reads and writes JSON as "1.5s".
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "250ms", "2s", "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"2s\" or \"250ms\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %v", s, err)
	}
	*d = Duration(v)
	return nil
}

func (f *Fault) commits() bool {
	switch f.Kind {
	case FaultLostReply, FaultBadSignature:
		return true
	case FaultError:
		return false
	}
	return f.Commit
}

func (f *Fault) check() error {
	switch f.Kind {
	case FaultLatency:
		if f.Latency <= 0 {
			return fmt.Errorf("fault latency needs a positive latency (e.g. \"2s\")")
		}
	case FaultNoReply, FaultUnknown, FaultLostReply, FaultBadSignature:
	case FaultHTTPError:
		if f.Status == 0 {
			f.Status = http.StatusBadGateway
		}
		if f.Status < 500 || f.Status > 599 {
			return fmt.Errorf("fault http_error: status %d is not 5xx", f.Status)
		}
	case FaultError:
		if f.SubCode == "" {
			f.SubCode = SubSystemError
		}
	default:
		return fmt.Errorf("unknown fault kind %q (one of latency, no_reply, unknown, http_error, lost_reply, bad_signature, error)", f.Kind)
	}
	if f.Method != "" {
		if _, ok := handlers[f.Method]; !ok {
			return fmt.Errorf("fault method %q is not served here (one of %v)", f.Method, Methods())
		}
	}
	if f.Count < 0 {
		return fmt.Errorf("fault count %d is negative", f.Count)
	}
	return nil
}

type faultState struct {
	Fault
	left int // requests still to hit; 0 = unlimited
}

// AddFault arms a fault after the ones already armed.
func (s *Simulator) AddFault(f Fault) error {
	if err := f.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f, left: f.Count})
	return nil
}

// ClearFaults disarms every fault.
func (s *Simulator) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Faults lists the armed faults; Count is what is left of each.
func (s *Simulator) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		c := f.Fault
		c.Count = f.left
		out = append(out, c)
	}
	return out
}

// takeFaults consumes what applies to one request: the sum of the latency
// faults and the first other fault.
func (s *Simulator) takeFaults(method string) (time.Duration, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var latency time.Duration
	var outcome *Fault
	kept := s.faults[:0]
	for _, f := range s.faults {
		hit := f.Method == "" || f.Method == method
		if hit && f.Kind == FaultLatency {
			latency += time.Duration(f.Latency)
		} else if hit && outcome == nil {
			c := f.Fault
			outcome = &c
		} else {
			hit = false
		}
		if hit && f.left > 0 {
			f.left--
			if f.left == 0 {
				continue
			}
		}
		kept = append(kept, f)
	}
	s.faults = kept
	return latency, outcome
}

// injure answers a request the way f says; member is the real reply when
// the request was carried out.
func (s *Simulator) injure(w http.ResponseWriter, r *http.Request, key string, f *Fault, member ...any) {
	switch f.Kind {
	case FaultNoReply:
		release := s.hold(keyMethod(key))
		defer s.unhold(release)
		select {
		case <-r.Context().Done():
		case <-release:
			drop(w)
		case <-s.done:
			drop(w)
		}
	case FaultUnknown:
		s.reply(w, key, unknownReply(keyMethod(key)), true)
	case FaultHTTPError:
		text := http.StatusText(f.Status)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center></body></html>\n", f.Status, text, f.Status, text)
	case FaultLostReply:
		drop(w)
	case FaultBadSignature:
		s.replyWith(w, key, member[0], true, true)
	case FaultError:
		res := failure(f.SubCode)
		var m any = res
		if keyMethod(key) == MethodCancel {
			flag := "N"
			if f.SubCode == SubSystemError {
				flag = "Y"
			}
			m = cancelResponse{Result: *res, RetryFlag: flag}
		}
		s.reply(w, key, m, true)
	}
}

// hold registers a request that no_reply holds; ReleaseHeld closes the
// channel returned.
func (s *Simulator) hold(method string) chan struct{} {
	release := make(chan struct{})
	s.mu.Lock()
	if s.held == nil {
		s.held = map[chan struct{}]bool{}
	}
	s.held[release] = true
	s.mu.Unlock()
	if s.opts.OnHold != nil {
		s.opts.OnHold(method)
	}
	return release
}

func (s *Simulator) unhold(release chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.held, release)
}

// Held is how many requests no_reply faults hold now.
func (s *Simulator) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// ReleaseHeld ends every request a no_reply fault holds now, closing its
// connection without a reply: what a client finds is the platform gone
// silent and the call over, no answer, as at its own deadline. It returns
// how many it ended. The faults stay armed as they are; requests held
// later wait again.
func (s *Simulator) ReleaseHeld() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.held)
	for release := range s.held {
		close(release)
	}
	clear(s.held)
	return n
}

// keyMethod is the method whose reply key is key.
func keyMethod(key string) string {
	for m := range handlers {
		if ResponseKey(m) == key {
			return m
		}
	}
	return ""
}
