package terminal

import (
	"context"
	"fmt"
	"time"

	"github.com/posemu/posemu/terminal/config"
)

const signOnTitle = "签到 SIGN ON"

// signOn asks for an operator number and password until one is right.
// After SignOn.MaxFailures wrong tries in a row the terminal locks for
// SignOn.Lockout on the application's clock. Passwords are shown as '*'
// and never logged.
func (a *App) signOn(ctx context.Context) error {
	a.setStatus("sign-on")
	a.customer("WELCOME", "")
	for {
		if err := a.waitLock(ctx); err != nil {
			return err
		}
		op, err := a.readField(ctx, fieldOpts{max: 2}, func(v string, note msg) page {
			return page{title: signOnTitle, lines: []line{
				text("操作员号 Operator no.:"), big(v + "_"), text(""), text(""), text(note.String())},
				footer: "确认 ENTER  清除 CLEAR"}
		})
		if err != nil {
			return err
		}
		if op.cancelled || op.value == "" {
			continue
		}
		number := fmt.Sprintf("%02s", op.value)
		pw, err := a.readField(ctx, fieldOpts{max: 12, mask: true}, func(v string, note msg) page {
			return page{title: signOnTitle, lines: []line{
				text("操作员号 Operator no.: " + number), text(""),
				text("密码 Password:"), big(v + "_"), text(note.String())},
				footer: "确认 ENTER  取消 CANCEL"}
		})
		if err != nil {
			return err
		}
		if pw.cancelled {
			continue
		}
		if a.checkOperator(number, pw.value) {
			a.failures = 0
			a.scrMu.Lock()
			a.operator = number
			a.scrMu.Unlock()
			a.log.Info("signed on", "operator", number)
			return nil
		}
		a.failures++
		a.log.Warn("sign-on refused", "operator", number, "failures", a.failures)
		if a.failures >= a.cfg.SignOn.MaxFailures {
			a.failures = 0
			a.lockedUntil = a.clk.Now().Add(a.cfg.SignOn.Lockout)
			a.log.Warn("sign-on locked", "until", a.lockedUntil)
			continue
		}
		if _, err := a.message(ctx, signOnTitle, []line{text("操作员号或密码错误"), text("Wrong operator or password"),
			text(""), text(fmt.Sprintf("还可尝试 %d 次 %d tries left", a.cfg.SignOn.MaxFailures-a.failures,
				a.cfg.SignOn.MaxFailures-a.failures))}, 0); err != nil {
			return err
		}
	}
}

// checkOperator checks a password against the operator's hash.
func (a *App) checkOperator(number, password string) bool {
	op, ok := a.cfg.Operator(number)
	return ok && config.CheckPassword(op.PasswordHash, password)
}

// waitLock shows the lock-out and its countdown until it is over; keys
// pressed meanwhile are ignored.
func (a *App) waitLock(ctx context.Context) error {
	for {
		left := a.lockedUntil.Sub(a.clk.Now())
		if left <= 0 {
			return nil
		}
		a.setStatus("locked")
		secs := int((left + time.Second - 1) / time.Second)
		a.show(page{title: signOnTitle, lines: []line{text("密码错误次数过多，已锁定"), text("Too many wrong passwords:"),
			text("sign-on is locked."), text(""),
			big(fmt.Sprintf("%02d:%02d", secs/60, secs%60))}, footer: "请稍候 Please wait"})
		step := left % time.Second
		if step == 0 {
			step = time.Second
		}
		if _, err := a.next(ctx, false, step); err != nil {
			return err
		}
	}
}

// supervisor asks for the supervisor's password (refunds, voids); it
// reports whether it was right. Three wrong tries end the attempt.
func (a *App) supervisor(ctx context.Context, title string, info ...line) (bool, error) {
	var note msg
	for try := 0; try < 3; try++ {
		pw, err := a.readField(ctx, fieldOpts{max: 12, mask: true}, func(v string, n msg) page {
			if n == (msg{}) {
				n = note
			}
			lines := append(append([]line(nil), info...), text("请输入主管密码 Supervisor password:"),
				big(v+"_"), text(n.String()))
			return page{title: title, lines: lines, footer: "确认 ENTER  取消 CANCEL"}
		})
		if err != nil || pw.cancelled {
			return false, err
		}
		if a.checkOperator(config.Supervisor, pw.value) {
			return true, nil
		}
		a.log.Warn("supervisor password refused", "operator", a.operator)
		note = msg{"主管密码错误", "Wrong supervisor password"}
	}
	_, err := a.message(ctx, title, []line{text("主管密码错误"), text("Wrong supervisor password")}, 0)
	return false, err
}
