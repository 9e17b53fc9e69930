package hostsim

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// The methods the gateway serves.
const (
	MethodPay         = "alipay.trade.pay"
	MethodPrecreate   = "alipay.trade.precreate"
	MethodQuery       = "alipay.trade.query"
	MethodCancel      = "alipay.trade.cancel"
	MethodClose       = "alipay.trade.close"
	MethodRefund      = "alipay.trade.refund"
	MethodRefundQuery = "alipay.trade.fastpay.refund.query"
	MethodBill        = "alipay.data.dataservice.bill.downloadurl.query"
)

// GatewayPath is where the gateway answers.
const GatewayPath = "/gateway.do"

// call is one verified request on its way through a method.
type call struct {
	app     *App
	req     *Request
	now     time.Time
	baseURL string
}

type handler func(*Simulator, *call) any

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		MethodPay:         (*Simulator).pay,
		MethodPrecreate:   (*Simulator).precreate,
		MethodQuery:       (*Simulator).query,
		MethodCancel:      (*Simulator).cancel,
		MethodClose:       (*Simulator).closeTrade,
		MethodRefund:      (*Simulator).refund,
		MethodRefundQuery: (*Simulator).refundQuery,
		MethodBill:        (*Simulator).billURL,
	}
}

// Methods lists the methods the gateway serves.
func Methods() []string {
	return []string{MethodPay, MethodPrecreate, MethodQuery, MethodCancel, MethodClose, MethodRefund, MethodRefundQuery, MethodBill}
}

// ServeHTTP answers the gateway and the bill downloads.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.closed() {
		http.Error(w, "payment simulator stopped", http.StatusServiceUnavailable)
		return
	}
	switch r.URL.Path {
	case GatewayPath:
		s.gateway(w, r)
	case BillPath:
		s.serveBill(w, r)
	default:
		http.Error(w, "not found: the Alipay gateway is POST "+GatewayPath, http.StatusNotFound)
	}
}

func (s *Simulator) gateway(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxForm))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		}
		return
	}
	req, err := ParseRequest(r.URL.RawQuery, string(body))
	if err != nil {
		s.reply(w, ErrorResponseKey, failure(SubInvalidParameter, err.Error()), false)
		return
	}
	c, key, res, signed := s.check(req)
	if res != nil {
		s.reply(w, key, res, signed)
		return
	}
	c.baseURL = s.opts.BaseURL
	if c.baseURL == "" {
		c.baseURL = "http://" + r.Host
	}

	latency, f := s.takeFaults(req.Method)
	if latency > 0 {
		select {
		case <-s.clock.After(latency):
		case <-r.Context().Done():
			return
		case <-s.done:
			drop(w)
			return
		}
	}
	if f != nil && !f.commits() {
		s.injure(w, r, key, f)
		return
	}
	member := s.dispatch(c)
	if f != nil {
		s.injure(w, r, key, f, member)
		return
	}
	s.reply(w, key, member, true)
}

// check validates the common parameters and the signature. It returns the
// call, or the reply key and the error to answer (signed only for errors
// found after the signature checked out).
func (s *Simulator) check(r *Request) (c *call, key string, res *Result, signed bool) {
	key = ErrorResponseKey
	if _, known := handlers[r.Method]; known {
		key = ResponseKey(r.Method)
	}
	missing := []struct{ value, sub string }{
		{r.Method, SubMissingMethod},
		{r.AppID, SubMissingAppID},
		{r.Sign, SubMissingSignature},
		{r.SignType, SubMissingSignType},
		{r.Timestamp, SubMissingTimestamp},
		{r.Version, SubMissingVersion},
	}
	for _, m := range missing {
		if m.value == "" {
			return nil, key, failure(m.sub), false
		}
	}
	if _, known := handlers[r.Method]; !known {
		return nil, key, failure(SubInvalidMethod, r.Method), false
	}
	if r.Charset != "" && !strings.EqualFold(r.Charset, "utf-8") && !strings.EqualFold(r.Charset, "utf8") {
		return nil, key, failure(SubInvalidCharset, "本模拟器只支持 utf-8："+r.Charset), false
	}
	if r.Format != "" && !strings.EqualFold(r.Format, "json") {
		return nil, key, failure(SubInvalidFormat, r.Format), false
	}
	if r.SignType != "RSA2" {
		return nil, key, failure(SubInvalidSignType, "应用配置的签名类型为 RSA2，请求为 "+r.SignType), false
	}
	now := s.clock.Now()
	ts, err := time.ParseInLocation(TimeLayout, r.Timestamp, CST)
	if err != nil {
		return nil, key, failure(SubInvalidTimestamp, `格式应为"yyyy-MM-dd HH:mm:ss"：`+r.Timestamp), false
	}
	if skew := s.opts.MaxClockSkew; skew > 0 && (ts.Sub(now) > skew || now.Sub(ts) > skew) {
		return nil, key, failure(SubInvalidTimestamp, "与服务器时间相差过大："+r.Timestamp), false
	}
	if r.Version != "1.0" {
		return nil, key, failure(SubInvalidParameter, "version 只能为 1.0"), false
	}
	app := s.apps[r.AppID]
	if app == nil {
		return nil, key, failure(SubInvalidAppID, r.AppID), false
	}
	if content, ok := verifyRequest(app.PublicKey, r); !ok {
		return nil, key, failure(SubInvalidSignature, "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为："+content), false
	}
	if !app.allows(r.Method) {
		return nil, key, failure(SubNoPermission), true
	}
	return &call{app: app, req: r, now: now}, key, nil, false
}

// dispatch runs the method and makes its changes durable.
func (s *Simulator) dispatch(c *call) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var resp any
	if c.app.Forbidden && c.req.Method != MethodBill {
		resp = failure(SubAccessForbidden)
	} else {
		resp = handlers[c.req.Method](s, c)
	}
	if err := s.commit(); err != nil {
		// The change is in memory but not on disk: the outcome is
		// unknown to the client, exactly as after a platform crash.
		return unknownReply(c.req.Method)
	}
	return resp
}

// unknownReply is the 20000 answer of a method; cancel says to retry.
func unknownReply(method string) any {
	res := failure(SubUnknownError)
	if method == MethodCancel {
		return cancelResponse{Result: *res, RetryFlag: "Y"}
	}
	return res
}

// reply signs member (unless told not to) and writes the envelope.
func (s *Simulator) reply(w http.ResponseWriter, key string, member any, signed bool) {
	s.replyWith(w, key, member, signed, false)
}

func (s *Simulator) replyWith(w http.ResponseWriter, key string, member any, signed, corrupt bool) {
	data, err := marshalMember(member)
	if err != nil {
		http.Error(w, "encoding the reply: "+err.Error(), http.StatusInternalServerError)
		return
	}
	sign := ""
	if signed {
		sign, err = SignRSA2(s.platform, data)
		if err != nil {
			http.Error(w, "signing the reply: "+err.Error(), http.StatusInternalServerError)
			return
		}
		if corrupt {
			sign = corruptSign(sign)
		}
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Write(envelope(key, data, sign)) //nolint:errcheck // the client went away
}

// corruptSign flips one bit of a signature so that it stays well-formed
// base64 of the right length but no longer verifies.
func corruptSign(sign string) string {
	raw, err := decodeBase64(sign)
	if err != nil || len(raw) == 0 {
		return sign
	}
	raw[len(raw)/2] ^= 0x01
	return encodeBase64(raw)
}

// drop closes the connection without a reply.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
