package hostsim_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/clock"
	"github.com/posemu/posemu/emulator/hostsim"
)

// The test's own minimal Alipay client: it signs and verifies with
// crypto/rsa directly, so the simulator is checked against code it does
// not share.

var testKeys = func() hostsim.TestKeys {
	k, err := hostsim.LoadTestKeys()
	if err != nil {
		panic(err)
	}
	return k
}()

var cst = time.FixedZone("UTC+8", 8*3600)

// start is 2024-05-20 10:00:00 China time.
var start = time.Date(2024, 5, 20, 10, 0, 0, 0, cst)

type env struct {
	clock *clock.Virtual
	sim   *hostsim.Simulator
	srv   *httptest.Server
	cli   *client
}

// newEnv starts a simulator on a virtual clock behind an httptest server.
func newEnv(opts hostsim.Options) *env {
	e := &env{clock: clock.NewVirtual(start)}
	if opts.Clock == nil {
		opts.Clock = e.clock
	}
	sim, err := hostsim.New(opts)
	Expect(err).NotTo(HaveOccurred())
	e.sim = sim
	e.srv = httptest.NewServer(sim)
	e.cli = newClient(e.srv.URL+hostsim.GatewayPath, e.clock)
	DeferCleanup(func() {
		e.srv.CloseClientConnections()
		sim.Close()
		e.srv.Close()
	})
	return e
}

type client struct {
	url   string
	appID string
	key   *rsa.PrivateKey
	pub   *rsa.PublicKey
	clock clock.Clock
	http  *http.Client
}

func newClient(gateway string, c clock.Clock) *client {
	return &client{url: gateway, appID: hostsim.TestAppID, key: testKeys.AppPrivate, pub: testKeys.PlatformPublic, clock: c, http: &http.Client{Timeout: 10 * time.Second}}
}

// signContent is written here again on purpose (not hostsim.SignContent).
func signContent(p url.Values) string {
	var keys []string
	for k := range p {
		if k != "sign" && p.Get(k) != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + p.Get(k)
	}
	return strings.Join(parts, "&")
}

func rsa2(key *rsa.PrivateKey, s string) string {
	sum := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	Expect(err).NotTo(HaveOccurred())
	return base64.StdEncoding.EncodeToString(sig)
}

// form builds a signed request; edit (optional) changes it before signing.
func (c *client) form(method string, biz any, edit ...func(url.Values)) url.Values {
	bizJSON, err := json.Marshal(biz)
	Expect(err).NotTo(HaveOccurred())
	p := url.Values{
		"app_id":      {c.appID},
		"method":      {method},
		"format":      {"JSON"},
		"charset":     {"utf-8"},
		"sign_type":   {"RSA2"},
		"timestamp":   {c.clock.Now().In(cst).Format("2006-01-02 15:04:05")},
		"version":     {"1.0"},
		"notify_url":  {"http://127.0.0.1/notify"},
		"biz_content": {string(bizJSON)},
	}
	for _, e := range edit {
		e(p)
	}
	p.Set("sign", rsa2(c.key, signContent(p)))
	return p
}

// post sends a form and returns the HTTP status and body.
func (c *client) post(p url.Values) (int, []byte, error) {
	resp, err := c.http.Post(c.url, "application/x-www-form-urlencoded;charset=utf-8", strings.NewReader(p.Encode()))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// reply is a decoded gateway answer.
type reply struct {
	Key    string
	Raw    json.RawMessage
	Sign   string
	Fields map[string]any
}

func (r reply) str(name string) string {
	v, _ := r.Fields[name].(string)
	return v
}

// Code is "code" or "code sub_code".
func (r reply) Code() string {
	if s := r.str("sub_code"); s != "" {
		return r.str("code") + " " + s
	}
	return r.str("code")
}

// parse splits an envelope and checks its signature when it has one.
func (c *client) parse(method string, body []byte) (reply, error) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return reply{}, fmt.Errorf("reply is not JSON: %v: %q", err, body)
	}
	var r reply
	for k, v := range env {
		if k == "sign" {
			json.Unmarshal(v, &r.Sign)
			continue
		}
		r.Key, r.Raw = k, v
	}
	if r.Sign != "" {
		sig, err := base64.StdEncoding.DecodeString(r.Sign)
		if err != nil {
			return r, err
		}
		sum := sha256.Sum256(r.Raw)
		if err := rsa.VerifyPKCS1v15(c.pub, crypto.SHA256, sum[:], sig); err != nil {
			return r, fmt.Errorf("reply signature: %w", err)
		}
	}
	if err := json.Unmarshal(r.Raw, &r.Fields); err != nil {
		return r, err
	}
	return r, nil
}

// call signs, sends and parses one request; the reply must be signed.
func (c *client) call(method string, biz any, edit ...func(url.Values)) reply {
	GinkgoHelper()
	status, body, err := c.post(c.form(method, biz, edit...))
	Expect(err).NotTo(HaveOccurred())
	Expect(status).To(Equal(http.StatusOK), string(body))
	r, err := c.parse(method, body)
	Expect(err).NotTo(HaveOccurred(), string(body))
	Expect(r.Key).To(Equal(strings.ReplaceAll(method, ".", "_")+"_response"), string(body))
	Expect(r.Sign).NotTo(BeEmpty(), "business replies are signed: %s", body)
	return r
}

// Buyers of fixtures/hostsim/buyers.yaml.
const (
	zhangSan = "281234567890123456" // 100000.00, password above 2000.00
	liSi     = "282000000000000002" // always a password
	wangWu   = "283000000000000003" // 5.00
	zhaoLiu  = "284000000000000004" // bank card, 10.00
	qianQi   = "285000000000000005" // risk
	sunBa    = "286000000000000006" // payment fails
	zhouJiu  = "287000000000000007" // limit 500.00
	wuShi    = "300000000000000000008"
)

func payBiz(out, code, amount string) map[string]any {
	return map[string]any{"out_trade_no": out, "scene": "bar_code", "auth_code": code, "subject": "posemu test", "total_amount": amount, "terminal_id": "T0001", "store_id": "S01"}
}

func ref(out string) map[string]any { return map[string]any{"out_trade_no": out} }

func balanceOf(sim *hostsim.Simulator, code string) int64 {
	for _, b := range sim.Buyers() {
		if b.PaymentCode == code {
			return b.Balance
		}
	}
	Fail("no buyer " + code)
	return 0
}

// send posts a form and parses the reply, signed or not.
func (c *client) send(p url.Values) reply {
	GinkgoHelper()
	status, body, err := c.post(p)
	Expect(err).NotTo(HaveOccurred())
	Expect(status).To(Equal(http.StatusOK), string(body))
	r, err := c.parse("", body)
	Expect(err).NotTo(HaveOccurred(), string(body))
	return r
}

// as is a copy of the client that calls as another app.
func (c *client) as(appID string) *client {
	cc := *c
	cc.appID = appID
	return &cc
}
