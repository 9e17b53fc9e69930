package hw

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/drivers/payment"
	"github.com/posemu/posemu/fixtures"
	"github.com/posemu/posemu/terminal"
	"github.com/posemu/posemu/terminal/config"
)

// Payments adapts the payment client and its cashier to
// terminal.Payments. Query, Cancel and Refund are the client's own.
type Payments struct {
	*payment.Client
	cashier   payment.Cashier
	qrCashier payment.Cashier
	http      *http.Client
	timeout   time.Duration
}

// maxBill bounds a downloaded bill (a day of a busy shop is well under).
const maxBill = 32 << 20

// NewPayments builds the client from the config's payment section,
// reading the key files. gateway overrides the configured URL when set
// (posemu's own simulator). All waits read clk.
func NewPayments(cfg *config.Config, gateway string, clk clock.Clock) (*Payments, error) {
	priv, err := ReadKey(cfg.Payment.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("payment.private_key: %w", err)
	}
	pub, err := ReadKey(cfg.Payment.PlatformPublicKey)
	if err != nil {
		return nil, fmt.Errorf("payment.platform_public_key: %w", err)
	}
	if gateway == "" {
		gateway = cfg.Payment.Gateway
	}
	hc := &http.Client{}
	c, err := payment.New(payment.Config{GatewayURL: gateway, AppID: cfg.Payment.AppID, AppPrivateKeyPEM: priv,
		PlatformPublicKeyPEM: pub, Clock: clk, Timeout: cfg.Payment.RequestTimeout, HTTPClient: hc})
	if err != nil {
		return nil, err
	}
	p := &Payments{Client: c, http: hc, timeout: cfg.Payment.RequestTimeout,
		cashier: payment.Cashier{Client: c, Clock: clk}}
	p.qrCashier = p.cashier
	// A QR waits for the buyer to find the phone and scan: poll for as
	// long as the configured QR timeout, at the usual interval.
	p.qrCashier.MaxPolls = max(payment.DefaultMaxPolls, int(cfg.Payment.QRTimeout/payment.DefaultPollInterval))
	return p, nil
}

// ReadKey reads a PEM file. "embedded:fixtures/keys/NAME" names one of
// the TEST keys built into the binary (for the emulator only).
func ReadKey(path string) ([]byte, error) {
	if rest, ok := strings.CutPrefix(path, "embedded:"); ok {
		name, ok := strings.CutPrefix(rest, "fixtures/")
		if !ok {
			return nil, fmt.Errorf("%q: only embedded:fixtures/keys/… exists", path)
		}
		return fs.ReadFile(fixtures.Keys, name)
	}
	return os.ReadFile(path)
}

func (p *Payments) with(c payment.Cashier, progress func(payment.Progress)) *payment.Cashier {
	c.Progress = progress
	return &c
}

// PayByCode runs the cashier rule for a bar-code payment.
func (p *Payments) PayByCode(ctx context.Context, r payment.PayRequest, progress func(payment.Progress)) (payment.Outcome, error) {
	return p.with(p.cashier, progress).PayByCode(ctx, r)
}

// PayByQR runs the cashier rule for a dynamic QR.
func (p *Payments) PayByQR(ctx context.Context, r payment.PrecreateRequest, show func(string), progress func(payment.Progress)) (payment.Outcome, error) {
	return p.with(p.qrCashier, progress).PayByQR(ctx, r, show)
}

// Resolve settles a trade in doubt.
func (p *Payments) Resolve(ctx context.Context, out string, progress func(payment.Progress)) (payment.Outcome, error) {
	return p.with(p.cashier, progress).Resolve(ctx, out)
}

// Bill fetches and parses the trade bill of day.
func (p *Payments) Bill(ctx context.Context, day string) ([]terminal.BillRow, error) {
	u, err := p.BillDownloadURL(ctx, payment.BillRequest{BillType: "trade", BillDate: day})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("bill: %w", err)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bill: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bill: download answered HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBill+1))
	if err != nil {
		return nil, fmt.Errorf("bill: %w", err)
	}
	if len(data) > maxBill {
		return nil, errors.New("bill: larger than 32 MiB")
	}
	return ParseBill(data)
}
