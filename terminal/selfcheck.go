package terminal

import (
	"context"
	"errors"
	"fmt"

	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/drivers/printer"
)

// check is one item of the self-check.
type check struct {
	name msg
	ok   bool
	what msg // what is wrong
	fix  msg // what to do
}

// health is what the last checks found; payments need the printer and the
// platform.
type health struct {
	printer  check
	platform check
}

// selfCheck tests every device and the platform, shows the result, and on
// a failure waits for the operator (ENTER carries on, 1 checks again).
func (a *App) selfCheck(ctx context.Context) {
	a.setStatus("self-check")
	for {
		checks := []check{a.checkScreen(), a.checkKeypad(), a.checkCustomer()}
		a.health.printer = a.checkPrinter(ctx)
		a.health.platform = a.checkPlatform(ctx)
		checks = append(checks, a.health.printer, a.health.platform)
		var lines []line
		failed := 0
		for _, c := range checks {
			state := "正常 OK"
			if !c.ok {
				state = "故障 FAIL"
				failed++
			}
			lines = append(lines, text(fmt.Sprintf("%-20s %s", c.name.String(), state)))
		}
		for _, c := range checks {
			if !c.ok && len(lines) < a.rows() {
				lines = append(lines, text(c.what.String()+": "+c.fix.String()))
			}
		}
		a.log.Info("self-check", "failed", failed, "printer", a.health.printer.ok, "platform", a.health.platform.ok)
		if failed == 0 {
			a.show(page{title: "开机自检 SELF-CHECK", lines: lines, footer: "自检通过 All checks passed"})
			return
		}
		footer := "确认继续 ENTER go on  1 重试 retry"
		if !a.paymentsOK() {
			lines = append(lines[:min(len(lines), a.rows()-1)], text("暂停收款 Payments paused"))
		}
		a.show(page{title: "开机自检 SELF-CHECK", lines: lines, footer: footer})
		for {
			k, err := a.key(ctx)
			if err != nil {
				return
			}
			if k == KeyEnter {
				return
			}
			if k == "1" {
				break
			}
		}
	}
}

func (a *App) paymentsOK() bool { return a.health.printer.ok && a.health.platform.ok }

func (a *App) checkScreen() check {
	c := check{name: msg{"显示屏", "LCD"}, ok: true}
	if a.dev.Screen == nil {
		return check{name: c.name, what: msg{"无显示屏", "no LCD"}, fix: msg{"检查连线", "check the cable"}}
	}
	info, err := a.dev.Screen.Info()
	if err != nil {
		a.log.Warn("self-check: LCD", "err", err)
		c.ok, c.what, c.fix = false, msg{"显示屏无应答", "LCD not answering"}, msg{"检查连线", "check the cable"}
		return c
	}
	if info.Width >= 160 && info.Height >= 120 {
		a.scrMu.Lock()
		a.w, a.h, a.shown = info.Width, info.Height, nil
		a.scrMu.Unlock()
	}
	return c
}

func (a *App) checkKeypad() check {
	c := check{name: msg{"键盘", "Keypad"}, ok: a.keypadUp.Load()}
	if !c.ok {
		c.what, c.fix = msg{"键盘断开", "keypad disconnected"}, msg{"检查连线", "check the cable"}
	}
	return c
}

func (a *App) checkCustomer() check {
	c := check{name: msg{"客显", "Customer display"}, ok: true}
	if a.dev.Customer == nil {
		return c
	}
	if err := a.dev.Customer.Init(); err != nil {
		a.log.Warn("self-check: customer display", "err", err)
		c.ok, c.what, c.fix = false, msg{"客显故障", "customer display failed"}, msg{"检查连线", "check the cable"}
		return c
	}
	a.customer("WELCOME", "")
	return c
}

// checkPrinter asks the printer's status and says what to do about a fault.
func (a *App) checkPrinter(ctx context.Context) check {
	c := check{name: msg{"打印机", "Printer"}}
	if a.dev.Printer == nil {
		c.what, c.fix = msg{"无打印机", "no printer"}, msg{"检查连线", "check the cable"}
		return c
	}
	st, err := a.dev.Printer.Status(ctx)
	if err != nil {
		a.log.Warn("self-check: printer", "err", err)
		c.what, c.fix = msg{"打印机无应答", "printer not answering"}, msg{"检查电源和连线", "check power and cable"}
		return c
	}
	c.what, c.fix = printerFault(st)
	c.ok = st.Ready()
	return c
}

// printerFault says what is wrong with a printer and what to do.
func printerFault(st printer.Status) (what, fix msg) {
	switch {
	case st.Has(printer.PaperOut) || st.Has(printer.PaperEndStop):
		return msg{"打印机缺纸", "Printer out of paper"}, msg{"请装纸", "load paper"}
	case st.Has(printer.CoverOpen):
		return msg{"打印机仓盖打开", "Printer cover open"}, msg{"请关好仓盖", "close the cover"}
	case st.Has(printer.CutterError):
		return msg{"切纸刀故障", "Cutter jammed"}, msg{"请清除卡纸", "clear the jam"}
	case !st.Ready():
		return msg{"打印机故障", "Printer fault"}, msg{"请检查打印机", "check the printer"}
	}
	return msg{}, msg{}
}

// checkPlatform asks the platform about a trade that does not exist: a
// signed "trade not found" proves the network, the gateway and the keys.
func (a *App) checkPlatform(ctx context.Context) check {
	c := check{name: msg{"支付平台", "Payment platform"}}
	if a.dev.Payments == nil {
		c.what, c.fix = msg{"未配置", "not configured"}, msg{"检查配置", "check the config"}
		return c
	}
	_, err := a.dev.Payments.Query(ctx, payment.TradeRef{OutTradeNo: a.cfg.Terminal.Number + "PING"})
	var api *payment.APIError
	isAPI := errors.As(err, &api)
	switch {
	case err == nil, isAPI && api.Code == payment.CodeBusiness && !api.Unknown():
		c.ok = true
	case isAPI && !api.Unknown():
		c.what, c.fix = msg{"平台拒绝", "platform refused"}, msg{"检查应用ID和密钥", "check app id and keys"}
	case errors.Is(err, payment.ErrBadSignature):
		c.what, c.fix = msg{"平台签名无效", "bad platform signature"}, msg{"检查平台公钥", "check the platform key"}
	default:
		c.what, c.fix = msg{"平台不可达", "platform unreachable"}, msg{"检查网络", "check the network"}
	}
	if !c.ok {
		a.log.Warn("self-check: platform", "err", err)
	}
	return c
}

// ready is asked before anything that moves money: the printer must be
// ready and the platform reachable (both checked again now), and every
// trade in doubt must be resolved. It shows why not and waits for a key.
func (a *App) ready(ctx context.Context, title string) (bool, error) {
	a.health.printer = a.checkPrinter(ctx)
	if !a.health.platform.ok {
		a.health.platform = a.checkPlatform(ctx)
	}
	for _, c := range []check{a.health.printer, a.health.platform} {
		if !c.ok {
			a.log.Warn("payments refused", "why", c.what.en)
			_, err := a.message(ctx, title, []line{text("暂停收款 Payments paused"), text(""),
				text(c.what.zh), text(c.what.en), text(""), text(c.fix.zh + " " + c.fix.en)}, 0)
			return false, err
		}
	}
	if len(a.j.InDoubt()) > 0 {
		if err := a.resolveAll(ctx); err != nil {
			return false, err
		}
		if err := a.printOwed(ctx); err != nil {
			return false, err
		}
		if n := len(a.j.InDoubt()); n > 0 {
			_, err := a.message(ctx, title, []line{text("有未完成交易 Unfinished trades"), text(""),
				text(fmt.Sprintf("%d 笔结果未知，暂停收款", n)), text(fmt.Sprintf("%d trade(s) in doubt; payments paused", n)),
				text(""), text("请检查网络后重试 Check network, retry")}, 0)
			return false, err
		}
	}
	return true, nil
}
