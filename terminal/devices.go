package terminal

import (
	"context"

	"github.com/posemu/posemu/drivers/keypad"
	"github.com/posemu/posemu/drivers/lcd"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/drivers/printer"
)

// The interfaces below are what the application needs of each device.
// Their method sets are the drivers' own, so *lcd.Display,
// *custdisplay.Display, *keypad.Keypad, *scanner.Scanner and
// *printer.Printer satisfy them as they are; only the payment platform
// needs an adapter (hw.Payments), to route the cashier's progress and to
// fetch the reconciliation bill.

// Screen is the operator LCD.
type Screen interface {
	Info() (lcd.Info, error)
	Clear(c lcd.Color) error
	Text(x, y int, s string, o lcd.TextOpts) error
	FillRect(x, y, w, h int, c lcd.Color) error
	QR(x, y, module int, level lcd.QRLevel, text string) error
}

// CustomerDisplay is the customer-facing line display.
type CustomerDisplay interface {
	Init() error
	Show(line1, line2 string) error
	ShowAmount(label string, fen int64) error
}

// Keys delivers key presses (and keypad disconnects) in order.
type Keys interface {
	Next(ctx context.Context) (keypad.Event, error)
}

// Scanner reads the buyer's payment code.
type Scanner interface {
	Read(ctx context.Context) (string, error)
}

// Printer prints slips and reports its status; an interrupted job is
// finished with Resume.
type Printer interface {
	Status(ctx context.Context) (printer.Status, error)
	Print(ctx context.Context, doc *printer.Document) (printer.JobResult, error)
	Resume(ctx context.Context, job *printer.JobError, mode printer.ResumeMode) (printer.JobResult, error)
}

// Payments is the payment platform: the cashier rule for sales, single
// calls for the rest. Every method that moves money is idempotent on its
// request number, which the journal holds before the call.
type Payments interface {
	// PayByCode and PayByQR run the cashier rule (pay or precreate, poll,
	// cancel on timeout); progress hears each stage for the screen.
	PayByCode(ctx context.Context, r payment.PayRequest, progress func(payment.Progress)) (payment.Outcome, error)
	PayByQR(ctx context.Context, r payment.PrecreateRequest, show func(qr string), progress func(payment.Progress)) (payment.Outcome, error)
	// Resolve settles a sale left in doubt: query, then cancel if unpaid.
	Resolve(ctx context.Context, outTradeNo string, progress func(payment.Progress)) (payment.Outcome, error)
	Query(ctx context.Context, ref payment.TradeRef) (*payment.Trade, error)
	Cancel(ctx context.Context, ref payment.TradeRef) (*payment.CancelResult, error)
	Refund(ctx context.Context, r payment.RefundRequest) (*payment.RefundResult, error)
	// Bill returns the platform's reconciliation bill for a day
	// ("2006-01-02", China time).
	Bill(ctx context.Context, day string) ([]BillRow, error)
}

// BillRow is one line of the platform's trade bill, as the terminal
// reconciles it. Amount is positive for a payment and for a refund alike;
// Refund tells them apart.
type BillRow struct {
	TradeNo      string
	OutTradeNo   string
	OutRequestNo string // refunds
	Refund       bool
	Amount       int64 // fen
	TerminalID   string
}

// Devices is the hardware and platform the application runs on.
type Devices struct {
	Screen   Screen
	Customer CustomerDisplay
	Keys     Keys
	Scanner  Scanner
	Printer  Printer
	Payments Payments
	// Paper is the printer's roll (printer.Paper58 if zero).
	Paper printer.Paper
}
