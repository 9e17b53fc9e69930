package payment

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/posemu/posemu/clock"
)

// Config says where the gateway is and which keys sign and verify.
type Config struct {
	// GatewayURL is the full gateway address, e.g.
	// https://openapi.alipay.com/gateway.do or the simulator's
	// http://127.0.0.1:8090/gateway.do.
	GatewayURL string
	AppID      string
	// The app's private key signs requests: give the key or its PEM (or the
	// console's bare base64).
	AppPrivateKey    *rsa.PrivateKey
	AppPrivateKeyPEM []byte
	// The platform's public key verifies replies: key or PEM.
	PlatformPublicKey    *rsa.PublicKey
	PlatformPublicKeyPEM []byte
	// HTTPClient sends the requests; nil means a client of its own. Its
	// own Timeout should be 0 or longer than Timeout below.
	HTTPClient *http.Client
	// Clock stamps the requests (timestamp is checked by the platform);
	// nil means the wall clock.
	Clock clock.Clock
	// Timeout bounds each call (a context deadline, in real time); 0 means
	// DefaultTimeout. A call that runs out of time is an unknown outcome.
	Timeout time.Duration
	// NotifyURL, if set, is sent as notify_url.
	NotifyURL string
}

// DefaultTimeout is the per-call deadline when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// maxReply bounds how much of a reply is read; real replies are a few KiB.
const maxReply = 1 << 20

// Client calls the trade API. It is safe for concurrent use.
type Client struct {
	gateway   string
	appID     string
	key       *rsa.PrivateKey
	platform  *rsa.PublicKey
	http      *http.Client
	clock     clock.Clock
	timeout   time.Duration
	notifyURL string
}

// New checks cfg and returns a client. It does not contact the gateway.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.GatewayURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("payment: gateway URL %q: want http(s)://host/path", cfg.GatewayURL)
	}
	if cfg.AppID == "" {
		return nil, errors.New("payment: no app id")
	}
	c := &Client{gateway: cfg.GatewayURL, appID: cfg.AppID, key: cfg.AppPrivateKey,
		platform: cfg.PlatformPublicKey, http: cfg.HTTPClient, clock: cfg.Clock,
		timeout: cfg.Timeout, notifyURL: cfg.NotifyURL}
	if c.key == nil {
		if len(cfg.AppPrivateKeyPEM) == 0 {
			return nil, errors.New("payment: no app private key")
		}
		if c.key, err = ParsePrivateKey(cfg.AppPrivateKeyPEM); err != nil {
			return nil, err
		}
	}
	if c.platform == nil {
		if len(cfg.PlatformPublicKeyPEM) == 0 {
			return nil, errors.New("payment: no platform public key (replies could not be verified)")
		}
		if c.platform, err = ParsePublicKey(cfg.PlatformPublicKeyPEM); err != nil {
			return nil, err
		}
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.clock == nil {
		c.clock = clock.Real()
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c, nil
}

// Clock is the clock the client stamps requests with.
func (c *Client) Clock() clock.Clock { return c.clock }

// params builds the signed form of one call.
func (c *Client) params(method string, biz any) (url.Values, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the subject may hold & or <, which the platform expects as is
	if err := enc.Encode(biz); err != nil {
		return nil, fmt.Errorf("payment: %s: biz_content: %w", method, err)
	}
	p := url.Values{}
	p.Set("app_id", c.appID)
	p.Set("method", method)
	p.Set("format", "JSON")
	p.Set("charset", "utf-8")
	p.Set("sign_type", "RSA2")
	p.Set("timestamp", c.clock.Now().In(ChinaTime).Format(wireTime))
	p.Set("version", "1.0")
	if c.notifyURL != "" {
		p.Set("notify_url", c.notifyURL)
	}
	p.Set("biz_content", strings.TrimSuffix(buf.String(), "\n"))
	sig, err := signRSA2(c.key, []byte(signContent(p)))
	if err != nil {
		return nil, fmt.Errorf("payment: %s: sign: %w", method, err)
	}
	p.Set("sign", sig)
	return p, nil
}

// call sends one signed request and decodes its verified response member
// into out, which must embed Status. okCodes are the codes that are not an
// error for this method (10000 always).
func (c *Client) call(ctx context.Context, method string, biz, out any, okCodes ...string) error {
	p, err := c.params(method, biz)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.gateway, strings.NewReader(p.Encode()))
	if err != nil {
		return &TransportError{Method: method, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	resp, err := c.http.Do(req)
	if err != nil {
		return &TransportError{Method: method, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	if err != nil {
		return &TransportError{Method: method, Status: resp.StatusCode, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return &TransportError{Method: method, Status: resp.StatusCode, Err: errors.New(http.StatusText(resp.StatusCode))}
	}
	if len(body) > maxReply {
		return &TransportError{Method: method, Status: resp.StatusCode, Err: errors.New("reply too long")}
	}
	return c.decode(method, body, out, okCodes...)
}

// decode verifies a reply body and unmarshals its member into out.
func (c *Client) decode(method string, body []byte, out any, okCodes ...string) error {
	env, err := parseEnvelope(body, responseMember(method))
	if err != nil {
		return &TransportError{Method: method, Status: http.StatusOK, Err: err}
	}
	if !env.Signed || env.Sign == "" {
		return c.badSignature(method, env, "reply is not signed")
	}
	if err := verifyRSA2(c.platform, env.Raw, env.Sign); err != nil {
		return c.badSignature(method, env, err.Error())
	}
	if err := json.Unmarshal(env.Raw, out); err != nil {
		return &TransportError{Method: method, Status: http.StatusOK, Err: fmt.Errorf("signed reply does not parse: %w", err)}
	}
	st := statusOf(out)
	if env.Member == errorMember {
		return &APIError{Method: method, Status: st}
	}
	if st.Code == CodeSuccess {
		return nil
	}
	for _, ok := range okCodes {
		if st.Code == ok {
			return nil
		}
	}
	return &APIError{Method: method, Status: st}
}

func (c *Client) badSignature(method string, env *envelope, reason string) error {
	var st Status
	_ = json.Unmarshal(env.Raw, &st) // unverified, for the message only
	return &SignatureError{Method: method, Reason: reason, Code: st.Code, SubCode: st.SubCode}
}

// statusHolder is any wire struct with the common members.
type statusHolder interface{ status() Status }

func (s Status) status() Status { return s }

func statusOf(v any) Status {
	if h, ok := v.(statusHolder); ok {
		return h.status()
	}
	return Status{}
}
