package terminal

import (
	"context"
	"fmt"
)

// menuItem is one choice of a menu.
type menuItem struct {
	label msg
	run   func(ctx context.Context) error
}

// mainMenu is the home screen once signed on; it returns errSignOff when
// the operator signs off.
func (a *App) mainMenu(ctx context.Context) error {
	items := []menuItem{
		{msg{"扫码收款", "Sale (scan code)"}, func(ctx context.Context) error { return a.sale(ctx, false) }},
		{msg{"二维码收款", "Sale (show QR)"}, func(ctx context.Context) error { return a.sale(ctx, true) }},
		{msg{"交易查询", "Query"}, a.query},
		{msg{"撤销", "Void last"}, a.void},
		{msg{"退货", "Refund"}, a.refund},
		{msg{"重打印", "Reprint"}, a.reprint},
		{msg{"结算", "Settlement"}, a.settle},
		{msg{"签退", "Sign off"}, func(context.Context) error { return errSignOff }},
	}
	sel := 0
	for {
		a.setStatus("menu")
		a.customer("WELCOME", "")
		title := fmt.Sprintf("主菜单 MENU  操作员 %s", a.operator)
		var lines []line
		for i, it := range items {
			lines = append(lines, line{text: fmt.Sprintf("%d %s %s", i+1, it.label.zh, it.label.en), inverse: i == sel})
		}
		a.show(page{title: title, lines: lines, footer: "数字/上下+确认 Digit or UP/DOWN+ENTER"})
		k, err := a.key(ctx)
		if err != nil {
			return err
		}
		choice := -1
		switch {
		case k == KeyUp:
			sel = (sel + len(items) - 1) % len(items)
		case k == KeyDown:
			sel = (sel + 1) % len(items)
		case k == KeyEnter:
			choice = sel
		case isDigit(k) && k != "0" && int(k[0]-'1') < len(items):
			choice = int(k[0] - '1')
			sel = choice
		}
		if choice < 0 {
			continue
		}
		if err := items[choice].run(ctx); err != nil {
			return err
		}
	}
}
