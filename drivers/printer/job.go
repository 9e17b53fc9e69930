package printer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// JobResult is a job that printed to the end.
type JobResult struct {
	Doc      *Document // what was printed (a reprint's copy carries the mark)
	Segments int       // segments this call sent and saw confirmed
	Total    int       // segments in Doc
	Status   Status    // the printer's status after the job (e.g. PaperNearEnd)
}

// ResumeMode says how Resume finishes an interrupted job.
type ResumeMode int

// Resume modes. MarkDuplicate combines with ReprintWhole.
const (
	// ContinueRemaining sends the segments that were never sent. What was
	// in the printer's buffer at the fault it prints by itself once the
	// fault clears; the driver waits for that before sending more. No
	// segment is sent twice.
	ContinueRemaining ResumeMode = 0
	// ResendUnconfirmed also sends again the segments that were sent but
	// not confirmed: for a printer that was reset or switched off (see
	// ErrUnconfirmed). Lines that did print appear twice.
	ResendUnconfirmed ResumeMode = 1
	// ReprintWhole prints the whole document again, without its drawer
	// pulses.
	ReprintWhole ResumeMode = 2
	// MarkDuplicate makes a ReprintWhole start with Config.DuplicateMark.
	MarkDuplicate ResumeMode = 4
)

// Print prints doc. It first checks the printer's status and refuses a
// printer with a fault (a *StatusError: errors.Is(err, ErrPaperOut), …).
// It then sends the slip in chunks of Config.Checkpoint segments, each
// followed by GS r 1, whose reply the printer sends only once it has
// printed the chunk; while a reply is outstanding the driver polls DLE EOT
// so that paper out or an open cover mid-job is seen at once. A job that
// stops part way returns a *JobError saying how far it got.
func (pr *Printer) Print(ctx context.Context, doc *Document) (JobResult, error) {
	if err := doc.Err(); err != nil {
		return JobResult{}, err
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var res JobResult
	err := pr.do(ctx, func() (err error) {
		res, err = pr.print(ctx, doc)
		return err
	})
	return res, err
}

func (pr *Printer) print(ctx context.Context, doc *Document) (JobResult, error) {
	st, err := pr.status(ctx)
	if err != nil {
		return JobResult{}, err
	}
	if !st.Ready() {
		return JobResult{}, &StatusError{Port: pr.address(), Op: "print", Status: st}
	}
	if pr.owed > 0 {
		// An earlier job stopped and was not resumed: let the printer
		// finish what it holds, so that its markers are not taken for
		// this job's. A printer that lost them costs one PrintTimeout.
		if err := pr.settle(ctx); err != nil && !errors.Is(err, ErrUnconfirmed) {
			return JobResult{}, err
		}
	}
	return pr.run(ctx, doc, 0, 0)
}

// Resume finishes a job that failed with job. The printer must be ready
// again (else the result is a *JobError with the same progress, to try
// again later). Before sending anything the driver waits for the printer
// to print what it held in its buffer (the segments job.Sent counted but
// job.Printed did not); see ResumeMode for what is sent after that.
func (pr *Printer) Resume(ctx context.Context, job *JobError, mode ResumeMode) (JobResult, error) {
	if job == nil || job.Doc == nil {
		return JobResult{}, pr.errorf("resume: no job: %w", ErrInvalid)
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var res JobResult
	err := pr.do(ctx, func() (err error) {
		res, err = pr.resume(ctx, job, mode)
		return err
	})
	var je *JobError
	if err != nil && !errors.As(err, &je) {
		// The port was lost before the resume could start.
		again := *job
		again.Cause = err
		return JobResult{}, &again
	}
	return res, err
}

func (pr *Printer) resume(ctx context.Context, job *JobError, mode ResumeMode) (JobResult, error) {
	again := func(cause error) (JobResult, error) {
		je := *job
		je.Cause = cause
		return JobResult{}, &je
	}
	st, err := pr.status(ctx)
	if err != nil {
		return again(err)
	}
	if !st.Ready() {
		return again(&StatusError{Port: pr.address(), Op: "resume", Status: st})
	}
	printed := job.Printed
	if pr.owed > 0 || job.Sent > job.Printed {
		if err := pr.settle(ctx); err != nil {
			return again(err)
		}
		printed = job.Sent
	}
	switch {
	case mode&ReprintWhole != 0:
		mark := ""
		if mode&MarkDuplicate != 0 {
			mark = pr.cfg.DuplicateMark
		}
		return pr.run(ctx, job.Doc.withMark(mark), 0, 0)
	case mode&ResendUnconfirmed != 0:
		return pr.run(ctx, job.Doc, job.Printed, job.Printed)
	default:
		return pr.run(ctx, job.Doc, job.Sent, printed)
	}
}

// settle waits until the printer has answered every marker, through a
// fresh one: the printer has then printed all it held.
func (pr *Printer) settle(ctx context.Context) error {
	if err := pr.write(markRequest); err != nil {
		return pr.errorf("resume: %w", err)
	}
	pr.owed++
	for {
		b, err := pr.awaitMark(ctx, "resume")
		if errors.Is(err, errMarkSilent) {
			// Ready, answering DLE EOT, yet silent on the markers: the
			// printer dropped its buffer. Nothing more will come.
			pr.owed, pr.marks = 0, nil
			return pr.errorf("resume: %w", ErrUnconfirmed)
		}
		if err != nil {
			return err
		}
		if pr.owed > 0 || len(pr.marks) > 0 {
			continue // an older marker; the fresh one is last
		}
		if b&0x0C != 0 {
			return pr.paperEnd(ctx, "resume")
		}
		return nil
	}
}

// paperEnd is the error for a marker answered with the paper end bits.
func (pr *Printer) paperEnd(ctx context.Context, op string) error {
	st, err := pr.status(ctx)
	if err != nil {
		return err
	}
	st.Conditions |= PaperOut
	return &StatusError{Port: pr.address(), Op: op, Status: st}
}

// chunk is a run of segments sent with one marker.
type chunk struct{ end, bytes int }

// run sends doc's segments [from, len) after ESC @. printed is the count
// already confirmed, for the JobError of a failure.
func (pr *Printer) run(ctx context.Context, doc *Document, from, printed int) (JobResult, error) {
	total := doc.Len()
	sent := from
	fail := func(cause error) (JobResult, error) {
		return JobResult{}, &JobError{Port: pr.address(), Doc: doc, Printed: printed, Sent: sent, Total: total, Cause: cause}
	}
	var cur mode
	var inflight []chunk
	inBytes := 0
	confirmOldest := func() error {
		b, err := pr.awaitMark(ctx, "checkpoint")
		if err != nil {
			return err
		}
		if b&0x0C != 0 {
			// Answered, but with the paper end bits: the chunk ran into
			// the end of the roll and is not confirmed.
			return pr.paperEnd(ctx, "checkpoint")
		}
		printed = inflight[0].end
		inBytes -= inflight[0].bytes
		inflight = inflight[1:]
		return nil
	}
	first := true
	for sent < total {
		end, size := sent, 0
		for end < total && end-sent < pr.cfg.Checkpoint {
			n := doc.encodedLen(end, end+1)
			if end > sent && size+n > pr.cfg.Window {
				break
			}
			size += n
			end++
		}
		for len(inflight) > 0 && inBytes+size > pr.cfg.Window {
			if err := confirmOldest(); err != nil {
				return fail(err)
			}
		}
		pr.wbuf = pr.wbuf[:0]
		if first {
			pr.wbuf = append(pr.wbuf, esc, '@')
			first = false
		}
		pr.wbuf = doc.encode(pr.wbuf, &cur, sent, end)
		pr.wbuf = append(pr.wbuf, markRequest...)
		// Counted as sent before the write: after a failed write some of
		// it may be in the printer, and the default is never to print a
		// line twice.
		sent = end
		pr.wrote = true
		if err := pr.write(pr.wbuf); err != nil {
			return fail(pr.errorf("write: %w", err))
		}
		pr.owed++
		inflight = append(inflight, chunk{end: end, bytes: size})
		inBytes += size
	}
	for len(inflight) > 0 {
		if err := confirmOldest(); err != nil {
			return fail(err)
		}
	}
	st, err := pr.status(ctx)
	if err != nil {
		return fail(err)
	}
	return JobResult{Doc: doc, Segments: total - from, Total: total, Status: st}, nil
}

// errMarkSilent is a marker left unanswered for Config.PrintTimeout by a
// printer that kept answering DLE EOT as ready.
var errMarkSilent = fmt.Errorf("no reply to GS r 1 from a printer that reports ready: %w", ErrNoResponse)

// awaitMark returns the next marker reply. While it waits it asks for the
// status every Config.Poll: a fault ends the wait with a *StatusError. A
// printer that still reports ready, in answer to a request sent once
// Config.PrintTimeout has passed, and has not sent the marker by then
// gives ErrNoResponse: the request goes out after the marker on the same
// line, so the driver's own lateness is not taken for the printer's.
func (pr *Printer) awaitMark(ctx context.Context, op string) (byte, error) {
	deadline := time.Now().Add(pr.cfg.PrintTimeout)
	for {
		pr.takeQueued()
		if len(pr.marks) > 0 {
			b := pr.marks[0]
			pr.marks = pr.marks[1:]
			return b, nil
		}
		if pr.owed == 0 {
			return 0, pr.errorf("%s: no marker outstanding: %w", op, ErrUnconfirmed)
		}
		err := pr.fill(ctx, minTime(deadline, time.Now().Add(pr.cfg.Poll)))
		switch {
		case err == nil:
			continue
		case !errors.Is(err, errTimeout):
			return 0, pr.errorf("%s: %w", op, err)
		}
		late := !time.Now().Before(deadline)
		st, err := pr.status(ctx)
		if err != nil {
			return 0, err
		}
		if !st.Ready() {
			return 0, &StatusError{Port: pr.address(), Op: op, Status: st}
		}
		pr.takeQueued()
		if late && len(pr.marks) == 0 {
			return 0, pr.errorf("%s: within %s: %w", op, pr.cfg.PrintTimeout, errMarkSilent)
		}
	}
}

// takeQueued files the replies decoded so far. A DLE EOT reply among them
// is a late one (status stops at its fourth): dropped.
func (pr *Printer) takeQueued() {
	for {
		r, ok := pr.dec.next()
		if !ok {
			return
		}
		pr.take(r)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
