package config

import (
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/posemu/posemu/internal/yamlfile"
)

// Config is everything posterm needs besides the hardware.
type Config struct {
	Merchant  Merchant   `yaml:"merchant"`
	Terminal  Terminal   `yaml:"terminal"`
	Operators []Operator `yaml:"operators"`
	Payment   Payment    `yaml:"payment"`
	Limits    Limits     `yaml:"limits"`
	SignOn    SignOn     `yaml:"sign_on"`
	// StateDir holds the journal; relative paths are from the config file.
	StateDir string  `yaml:"state_dir"`
	Devices  Devices `yaml:"devices"`
	// Profile names the device profile (key map, display sizes): a
	// built-in name or a YAML file.
	Profile string `yaml:"profile"`
	// TestMode prints 测试/TESTING on every slip and screen header.
	TestMode bool `yaml:"test_mode"`

	// File is where the config came from ("embedded:default" for Default).
	File string `yaml:"-"`
}

// Merchant is who the terminal takes money for.
type Merchant struct {
	Name   string `yaml:"name"`   // printed on slips
	Number string `yaml:"number"` // 商户编号, 15 digits
}

// Terminal identifies this unit.
type Terminal struct {
	Number  string `yaml:"number"`   // 终端编号, 8 characters
	StoreID string `yaml:"store_id"` // sent to the platform as store_id
}

// Operator is one person who may sign on. Number "00" is the supervisor.
type Operator struct {
	Number       string `yaml:"number"`
	Name         string `yaml:"name"`
	PasswordHash string `yaml:"password_hash"`
}

// Supervisor is the operator number whose password authorises refunds.
const Supervisor = "00"

// Payment is the platform account.
type Payment struct {
	AppID   string `yaml:"app_id"`
	Gateway string `yaml:"gateway"` // e.g. https://openapi.alipay.com/gateway.do
	// PrivateKey is the app's RSA private key (PEM file); PlatformPublicKey
	// verifies the platform's replies. Relative paths are from the config;
	// "embedded:fixtures/keys/NAME" is a TEST key built into the binary.
	PrivateKey        string `yaml:"private_key"`
	PlatformPublicKey string `yaml:"platform_public_key"`
	Subject           string `yaml:"subject"` // trade subject, default the merchant name
	// RequestTimeout bounds each call to the platform (default 15 s).
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// QRTimeout is how long a dynamic QR waits for the buyer (default 2 min).
	QRTimeout time.Duration `yaml:"qr_timeout"`
}

// Limits are the terminal's own risk limits.
type Limits struct {
	PerTrade Fen `yaml:"per_trade_max"` // largest single sale
	Daily    Fen `yaml:"daily_total"`   // net sales per calendar day (China time)
}

// SignOn is the lock-out rule.
type SignOn struct {
	MaxFailures int           `yaml:"max_failures"` // wrong passwords before the lock (default 3)
	Lockout     time.Duration `yaml:"lockout"`      // how long the lock lasts (default 5m)
}

// Devices says where each peripheral is: either a device map written by
// posemu (devices.json) or one address per device (drivers/port syntax).
// A per-device address wins over the map.
type Devices struct {
	Map         string `yaml:"device_map"`
	LCD         string `yaml:"lcd"`
	CustDisplay string `yaml:"custdisplay"`
	Keypad      string `yaml:"keypad"`
	Scanner     string `yaml:"scanner"`
	Printer     string `yaml:"printer"`
}

// Operator returns the operator with number n.
func (c *Config) Operator(n string) (Operator, bool) {
	for _, o := range c.Operators {
		if o.Number == n {
			return o, true
		}
	}
	return Operator{}, false
}

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML is the embedded default configuration (TEST credentials).
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Default returns the embedded configuration for the emulator. Its keys,
// app id and passwords are TEST values: never use it with a real account.
func Default() *Config {
	c, err := Parse("embedded:default.yaml", defaultYAML)
	if err != nil {
		panic("embedded default config is broken: " + err.Error())
	}
	return c
}

// Load reads and validates a config file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&c.StateDir, &c.Payment.PrivateKey, &c.Payment.PlatformPublicKey, &c.Devices.Map} {
		if *p != "" && !filepath.IsAbs(*p) && !strings.HasPrefix(*p, "embedded:") {
			*p = filepath.Join(dir, *p)
		}
	}
	return c, nil
}

// Error is a refused config: where and why.
type Error = yamlfile.Error

// Parse decodes and validates a config; file names it in errors.
func Parse(file string, data []byte) (*Config, error) {
	root, err := yamlfile.Root(file, data, "config")
	if err != nil {
		return nil, err
	}
	if line, ok := yamlfile.FindKey(root, "password"); ok {
		return nil, &Error{File: file, Line: line, Field: "password",
			Msg: "plaintext passwords are not accepted; put password_hash (make one with: posterm hash-password)"}
	}
	c := Config{File: file}
	if err := yamlfile.Strict(file, data, &c); err != nil {
		return nil, err
	}
	c.defaults()
	if err := c.validate(); err != nil {
		return nil, yamlfile.Locate(file, root, err)
	}
	return &c, nil
}

func (c *Config) defaults() {
	if c.SignOn.MaxFailures == 0 {
		c.SignOn.MaxFailures = 3
	}
	if c.SignOn.Lockout == 0 {
		c.SignOn.Lockout = 5 * time.Minute
	}
	if c.Payment.RequestTimeout == 0 {
		c.Payment.RequestTimeout = 15 * time.Second
	}
	if c.Payment.QRTimeout == 0 {
		c.Payment.QRTimeout = 2 * time.Minute
	}
	if c.Payment.Subject == "" {
		c.Payment.Subject = c.Merchant.Name
	}
	if c.Profile == "" {
		c.Profile = "lakala-default"
	}
}

// bad reports a value that decodes but is not acceptable.
var bad = yamlfile.Invalid

var (
	digits15   = regexp.MustCompile(`^\d{15}$`)
	termNo     = regexp.MustCompile(`^[0-9A-Za-z]{8}$`)
	opNo       = regexp.MustCompile(`^\d{2}$`)
	appIDRe    = regexp.MustCompile(`^\d{16}$`)
	storeIDRe  = regexp.MustCompile(`^[0-9A-Za-z_-]{0,32}$`)
	maxFenYuan = Fen(100_000_000_00) // the platform's largest trade
)

func (c *Config) validate() error {
	if strings.TrimSpace(c.Merchant.Name) == "" {
		return bad("merchant.name", "is required (it is printed on every slip)")
	}
	if !digits15.MatchString(c.Merchant.Number) {
		return bad("merchant.number", "%q: want 15 digits (商户编号)", c.Merchant.Number)
	}
	if !termNo.MatchString(c.Terminal.Number) {
		return bad("terminal.number", "%q: want 8 letters or digits (终端编号)", c.Terminal.Number)
	}
	if !storeIDRe.MatchString(c.Terminal.StoreID) {
		return bad("terminal.store_id", "%q: want up to 32 letters, digits, _ or -", c.Terminal.StoreID)
	}
	if len(c.Operators) == 0 {
		return bad("operators", "at least the supervisor (number 00) is required")
	}
	seen := map[string]bool{}
	for i, o := range c.Operators {
		path := fmt.Sprintf("operators[%d]", i)
		if !opNo.MatchString(o.Number) {
			return bad(path+".number", "%q: want two digits", o.Number)
		}
		if seen[o.Number] {
			return bad(path+".number", "operator %s is defined twice", o.Number)
		}
		seen[o.Number] = true
		if _, err := parseHash(o.PasswordHash); err != nil {
			return bad(path+".password_hash", "%v", err)
		}
	}
	if !seen[Supervisor] {
		return bad("operators", "the supervisor (number 00) is required: refunds need its password")
	}
	if !appIDRe.MatchString(c.Payment.AppID) {
		return bad("payment.app_id", "%q: want the platform's 16-digit app id", c.Payment.AppID)
	}
	u, err := url.Parse(c.Payment.Gateway)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("payment.gateway", "%q: want an http(s) URL such as https://openapi.alipay.com/gateway.do", c.Payment.Gateway)
	}
	if c.Payment.PrivateKey == "" {
		return bad("payment.private_key", "is required (the app's RSA private key, PEM)")
	}
	if c.Payment.PlatformPublicKey == "" {
		return bad("payment.platform_public_key", "is required (verifies the platform's replies)")
	}
	if c.Payment.RequestTimeout < time.Second || c.Payment.RequestTimeout > 2*time.Minute {
		return bad("payment.request_timeout", "%v: want 1s to 2m", c.Payment.RequestTimeout)
	}
	if c.Payment.QRTimeout < 30*time.Second || c.Payment.QRTimeout > 15*time.Minute {
		return bad("payment.qr_timeout", "%v: want 30s to 15m", c.Payment.QRTimeout)
	}
	if c.Limits.PerTrade < 1 || c.Limits.PerTrade > maxFenYuan {
		return bad("limits.per_trade_max", "%s: want 0.01 to 100000000.00 yuan", c.Limits.PerTrade)
	}
	if c.Limits.Daily < c.Limits.PerTrade {
		return bad("limits.daily_total", "%s is below the per-trade maximum %s", c.Limits.Daily, c.Limits.PerTrade)
	}
	if c.SignOn.MaxFailures < 1 || c.SignOn.MaxFailures > 10 {
		return bad("sign_on.max_failures", "%d: want 1 to 10", c.SignOn.MaxFailures)
	}
	if c.SignOn.Lockout < 0 || c.SignOn.Lockout > 24*time.Hour {
		return bad("sign_on.lockout", "%v: want 0 to 24h", c.SignOn.Lockout)
	}
	if c.StateDir == "" {
		return bad("state_dir", "is required (the journal lives there)")
	}
	return nil
}
