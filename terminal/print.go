package terminal

import (
	"context"
	"errors"
	"fmt"

	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/terminal/journal"
)

// layout lays a document out; dup marks it 重打印 DUPLICATED under its
// title, for a copy printed again after part of it may be on paper.
type layout func(dup bool) *printer.Document

// printEnd is how a print ended.
type printEnd int

const (
	printDone printEnd = iota // it came out whole
	printNone                 // given up before any of it was sent
	printPart                 // given up after part of it was sent: that part may be on paper
)

// printSlips prints the copies e still owes: the merchant copy, then,
// after a key press (or PromptTimeout), the customer copy. Each copy that
// comes out whole is written to the journal, so a crash owes only the rest.
func (a *App) printSlips(ctx context.Context, e journal.Entry) error {
	for e.Slips < 2 {
		if e.Slips == customerCopy {
			a.show(page{title: "打印 PRINT", lines: []line{text("请撕下商户存根"), text("Tear off the merchant copy."), text(""),
				text("按任意键打印持卡人存根"), text("Press a key for the customer copy")},
				footer: "取消 CANCEL: 不打印 no customer copy"})
			k, err := a.keyOrTimeout(ctx, a.opt.PromptTimeout)
			if err != nil {
				return err
			}
			if k == KeyCancel {
				e.Slips, e.SlipStarted = 2, false
				_, err := a.update(e)
				return err
			}
		}
		// A copy that went to the printer before may be partly on paper
		// (or still in the printer's buffer, to print when the paper is
		// reloaded): printed again, it says it is a duplicate. The journal
		// learns that this copy is going out before its first byte does,
		// so a crash or a fault half way leaves that said too.
		dup := e.SlipStarted
		var err error
		if !dup {
			e.SlipStarted = true
			if e, err = a.update(e); err != nil {
				return err
			}
		}
		end, err := a.print(ctx, a.slipLayout(e, e.Slips), dup)
		if err != nil {
			return err
		}
		switch end {
		case printNone:
			if !dup {
				e.SlipStarted = false // nothing of it left the terminal
				_, err = a.update(e)
			}
			return err
		case printPart:
			return nil // owed, and marked when it is printed
		}
		e.Slips++
		e.SlipStarted = false
		if e, err = a.update(e); err != nil {
			return err
		}
	}
	return nil
}

// print prints the document lay lays out (marked 重打印 DUPLICATED if
// dup), seeing the operator through printer faults: on paper out or an
// open cover mid-slip it says what to do and, once told, finishes the
// slip where it stopped (nothing printed twice) or prints it again whole,
// marked as a duplicate under its title. CANCEL gives up on it; the
// result says whether any of it had been sent by then.
func (a *App) print(ctx context.Context, lay layout, dup bool) (printEnd, error) {
	if a.dev.Printer == nil {
		return printNone, nil
	}
	prev := a.Status()
	a.setStatus("printing")
	defer a.setStatus(prev)
	doc := lay(dup)
	sent := false // part of the slip went to the printer
	_, err := a.dev.Printer.Print(ctx, doc)
	for err != nil {
		var job *printer.JobError
		if errors.As(err, &job) && job.Sent > 0 {
			sent = true
		}
		given := printNone
		if sent {
			given = printPart
		}
		if ctx.Err() != nil {
			return given, ctx.Err()
		}
		what, fix := a.printFault(ctx, err)
		a.log.Warn("printing stopped", "err", err)
		lines := []line{text(what.zh), text(what.en), text(""), text(fix.zh + " " + fix.en)}
		footer := "确认 ENTER 重试 retry  取消 CANCEL"
		if job != nil {
			lines = append(lines, text(fmt.Sprintf("已打印 Printed %d/%d", job.Printed, job.Total)),
				text("确认: 续打 ENTER: continue"), text("1: 整张重打 reprint whole"))
			footer = "确认 ENTER  1 重打 reprint  取消 CANCEL"
		}
		a.setStatus("printer-fault")
		a.show(page{title: "打印中断 PRINT STOPPED", lines: lines, footer: footer})
		k, kerr := a.key(ctx)
		if kerr != nil {
			return given, kerr
		}
		switch {
		case k == KeyCancel:
			a.log.Warn("slip abandoned by the operator", "partly_sent", sent)
			return given, nil
		case k != KeyEnter && k != "1":
			continue
		}
		a.setStatus("printing")
		a.show(page{title: "打印 PRINT", lines: []line{text("正在打印 Printing…")}})
		switch {
		case job == nil:
			_, err = a.dev.Printer.Print(ctx, doc)
		case k == "1" || errors.Is(job.Cause, printer.ErrUnconfirmed):
			// The marked copy is laid out here, not by Resume's
			// MarkDuplicate (which heads the slip with the mark), so that
			// it reads as the reprint menu's does. Print first lets the
			// printer finish what it held from the stopped job.
			doc = lay(true)
			_, err = a.dev.Printer.Print(ctx, doc)
		default:
			_, err = a.dev.Printer.Resume(ctx, job, printer.ContinueRemaining)
		}
	}
	return printDone, nil
}

// printFault says what stopped a print and what to do.
func (a *App) printFault(ctx context.Context, err error) (msg, msg) {
	var se *printer.StatusError
	if errors.As(err, &se) {
		return printerFault(se.Status)
	}
	if st, serr := a.dev.Printer.Status(ctx); serr == nil && !st.Ready() {
		return printerFault(st)
	}
	if errors.Is(err, printer.ErrUnconfirmed) {
		return msg{"打印机重启过", "Printer was reset"}, msg{"按确认整张重打", "ENTER reprints the slip"}
	}
	return msg{"打印机无应答", "Printer not answering"}, msg{"检查电源和连线", "check power and cable"}
}
