package hostsim

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Request is one gateway call: the common parameters and the raw
// biz_content, taken from the query string and the form body together (the
// official SDKs put the common parameters in the URL and biz_content in the
// body; others put everything in the body).
type Request struct {
	// Params holds every parameter as sent (first value of each), sign
	// included; it is what the signature covers.
	Params map[string]string

	AppID, Method, Format, Charset, SignType, Sign, Timestamp, Version string
	NotifyURL, AppAuthToken, BizContent                                string
}

// maxForm bounds a gateway request; the real gateway refuses large bodies
// too, and nothing in the face-to-face API comes near this.
const maxForm = 1 << 20

// ParseRequest reads a gateway call from its URL query and its
// application/x-www-form-urlencoded body. A parameter sent twice keeps its
// first value (query first). It fails only on bytes that are not a form.
func ParseRequest(query, body string) (*Request, error) {
	if len(query)+len(body) > maxForm {
		return nil, fmt.Errorf("request larger than %d bytes", maxForm)
	}
	params := map[string]string{}
	for _, part := range []struct{ where, text string }{{"query", query}, {"body", body}} {
		vals, err := url.ParseQuery(part.text)
		if err != nil {
			return nil, fmt.Errorf("form %s: %v", part.where, err)
		}
		for k, v := range vals {
			if _, seen := params[k]; !seen && len(v) > 0 {
				params[k] = v[0]
			}
		}
	}
	r := &Request{Params: params}
	r.AppID = params["app_id"]
	r.Method = params["method"]
	r.Format = params["format"]
	r.Charset = params["charset"]
	r.SignType = params["sign_type"]
	r.Sign = params["sign"]
	r.Timestamp = params["timestamp"]
	r.Version = params["version"]
	r.NotifyURL = params["notify_url"]
	r.AppAuthToken = params["app_auth_token"]
	r.BizContent = params["biz_content"]
	return r, nil
}

// SignContent is the text a request signature covers: every parameter
// except sign whose value is not empty, sorted by key, written key=value
// and joined with &, with values as sent (not URL-encoded). sign_type IS
// included: only asynchronous notifications leave it out.
func SignContent(params map[string]string) string {
	return signContent(params, false)
}

// signContent with trim drops spaces around values first, as
// github.com/smartwalle/alipay does when it signs.
func signContent(params map[string]string, trim bool) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if trim {
			v = strings.TrimSpace(v)
		}
		if k == "sign" || v == "" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		v := params[k]
		if trim {
			v = strings.TrimSpace(v)
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	return b.String()
}

// SignRSA2 is SHA256withRSA (PKCS#1 v1.5) over data, base64 (standard
// alphabet, padded).
func SignRSA2(key *rsa.PrivateKey, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// VerifyRSA2 checks a SignRSA2 signature.
func VerifyRSA2(key *rsa.PublicKey, data []byte, sign string) error {
	sig, err := decodeBase64(sign)
	if err != nil {
		return errors.New("signature is not base64")
	}
	sum := sha256.Sum256(data)
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

// decodeBase64 accepts the standard alphabet with or without padding and
// with line breaks, as keys and signatures get copied around.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	// A '+' turned into a space by a careless form encoder was dropped
	// above; that signature fails verification, as it does at Alipay.
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// verifyRequest checks the request signature against the app's key. The
// exact content is tried first, then the content with trimmed values.
func verifyRequest(key *rsa.PublicKey, r *Request) (content string, ok bool) {
	content = SignContent(r.Params)
	if VerifyRSA2(key, []byte(content), r.Sign) == nil {
		return content, true
	}
	if trimmed := signContent(r.Params, true); trimmed != content && VerifyRSA2(key, []byte(trimmed), r.Sign) == nil {
		return trimmed, true
	}
	return content, false
}

// ResponseKey is the member of a reply that holds the result of method:
// alipay.trade.pay → alipay_trade_pay_response.
func ResponseKey(method string) string {
	return strings.ReplaceAll(method, ".", "_") + "_response"
}

// ErrorResponseKey holds the result when the method itself is missing or
// unknown.
const ErrorResponseKey = "error_response"

// envelope builds {"<key>":<member>,"sign":"<sign>"} around member bytes
// exactly as they were signed, without whitespace, so that a client that
// cuts the member out by position (as most SDKs do) gets the signed bytes.
// An empty sign leaves the sign member out.
func envelope(key string, member []byte, sign string) []byte {
	var b bytes.Buffer
	b.Grow(len(key) + len(member) + len(sign) + 16)
	b.WriteString(`{"`)
	b.WriteString(key)
	b.WriteString(`":`)
	b.Write(member)
	if sign != "" {
		b.WriteString(`,"sign":"`)
		b.WriteString(sign)
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.Bytes()
}

// marshalMember writes a reply member: HTML characters stay as they are
// (the gateway does not escape them) and there is no trailing newline.
func marshalMember(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// decodeBiz reads biz_content into dst. Unknown members are ignored, as
// the gateway ignores them.
func decodeBiz(biz string, dst any) *Result {
	if strings.TrimSpace(biz) == "" {
		return failure(SubInvalidParameter, "biz_content 不能为空")
	}
	dec := json.NewDecoder(strings.NewReader(biz))
	if err := dec.Decode(dst); err != nil {
		return failure(SubInvalidParameter, "biz_content 不是合法的JSON对象："+jsonErr(err))
	}
	if dec.More() {
		return failure(SubInvalidParameter, "biz_content 在JSON对象之后还有内容")
	}
	return nil
}

func jsonErr(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s 应为 %s", te.Field, te.Type)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
