package terminal

import (
	"context"
	"errors"
	"fmt"

	"github.com/posemu/posemu/drivers/printer"
	"github.com/posemu/posemu/terminal/journal"
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
				e.Slips = 2
				_, err := a.update(e)
				return err
			}
		}
		ok, err := a.print(ctx, a.slip(e, e.Slips, false))
		if err != nil || !ok {
			return err
		}
		e.Slips++
		if e, err = a.update(e); err != nil {
			return err
		}
	}
	return nil
}

// print prints doc, seeing the operator through printer faults: on paper
// out or an open cover mid-slip it says what to do and, once told,
// finishes the slip where it stopped (nothing printed twice) or reprints
// it whole, marked as a duplicate. It reports whether the slip came out;
// CANCEL gives up on it (the journal still owes it).
func (a *App) print(ctx context.Context, doc *printer.Document) (bool, error) {
	if a.dev.Printer == nil {
		return false, nil
	}
	prev := a.Status()
	a.setStatus("printing")
	defer a.setStatus(prev)
	_, err := a.dev.Printer.Print(ctx, doc)
	for err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		var job *printer.JobError
		errors.As(err, &job)
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
			return false, kerr
		}
		switch {
		case k == KeyCancel:
			a.log.Warn("slip abandoned by the operator")
			return false, nil
		case k != KeyEnter && k != "1":
			continue
		}
		a.setStatus("printing")
		a.show(page{title: "打印 PRINT", lines: []line{text("正在打印 Printing…")}})
		switch {
		case job == nil:
			_, err = a.dev.Printer.Print(ctx, doc)
		case k == "1" || errors.Is(job.Cause, printer.ErrUnconfirmed):
			_, err = a.dev.Printer.Resume(ctx, job, printer.ReprintWhole|printer.MarkDuplicate)
		default:
			_, err = a.dev.Printer.Resume(ctx, job, printer.ContinueRemaining)
		}
	}
	return true, nil
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
