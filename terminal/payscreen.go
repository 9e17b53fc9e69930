package terminal

import (
	"context"
	"sync"
	"time"

	"github.com/posemu/posemu/drivers/payment"
)

// payScreen shows the cashier's progress: the stage, and a countdown to
// the moment the cashier gives up and cancels, ticking on the
// application's clock.
type payScreen struct {
	a     *App
	title string
	fen   int64

	mu       sync.Mutex
	stage    payment.Message
	deadline time.Time
	qr       string
}

func (p *payScreen) progress(pr payment.Progress) {
	p.mu.Lock()
	if pr.Message.ZH != "" {
		p.stage = pr.Message
	}
	if pr.Remaining > 0 {
		p.deadline = p.a.clk.Now().Add(pr.Remaining)
	}
	p.mu.Unlock()
	p.draw()
}

func (p *payScreen) showQR(qr string) {
	p.mu.Lock()
	p.qr = qr
	p.mu.Unlock()
	p.a.customerAmount("SCAN QR TO PAY", p.fen)
	p.draw()
}

func (p *payScreen) draw() {
	p.mu.Lock()
	stage, qr, deadline := p.stage, p.qr, p.deadline
	p.mu.Unlock()
	count := ""
	if !deadline.IsZero() {
		left := deadline.Sub(p.a.clk.Now())
		if left < 0 {
			left = 0
		}
		count = "剩余 Remaining " + fmtSeconds(int((left+time.Second-1)/time.Second))
	}
	if qr != "" {
		p.a.show(page{title: p.title, qr: qr, lines: []line{text("请买家用支付宝扫码 Buyer scans:  " + rmb(p.fen)),
			text(stage.ZH + " " + stage.EN), text(count)}})
		return
	}
	p.a.show(page{title: p.title, lines: []line{text("金额 Amount"), big(rmb(p.fen)), text(""),
		text(stage.ZH), text(stage.EN), text(""), text(count)}, footer: "请稍候 Please wait"})
}

// start draws the screen and ticks the countdown once a second until the
// returned stop is called.
func (p *payScreen) start(ctx context.Context) (stop func()) {
	p.a.customerAmount("PAYING...", p.fen)
	p.draw()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			t := p.a.clk.NewTimer(time.Second)
			select {
			case <-t.C():
				p.draw()
			case <-done:
				t.Stop()
				return
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
