package payment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// envelope is one gateway reply taken apart without re-encoding anything:
// Raw is the exact text of the response member, byte for byte as the
// platform signed it, so the signature can be checked over it.
type envelope struct {
	Member string // the member that carried the answer
	Raw    []byte
	Sign   string
	Signed bool // a sign member was present (it may still be empty)
	CertSN string
}

// errorMember is where the gateway puts an answer when it cannot tell
// which method was meant (unknown method, unparsable request).
const errorMember = "error_response"

// responseMember names the member that carries method's answer:
// alipay.trade.pay → alipay_trade_pay_response.
func responseMember(method string) string {
	return strings.ReplaceAll(method, ".", "_") + "_response"
}

// parseEnvelope takes the reply apart. It refuses anything that is not a
// single JSON object with the expected member (or error_response) as an
// object, and refuses a member or sign given twice: a reply that could be
// read two ways is not one to verify and trust.
func parseEnvelope(body []byte, member string) (*envelope, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("reply is not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("reply is not a JSON object")
	}
	env := &envelope{}
	var found, errRaw []byte
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("reply: %w", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("reply member %q: %w", key, err)
		}
		switch key {
		case member, errorMember, "sign", "alipay_cert_sn":
			if seen[key] {
				return nil, fmt.Errorf("reply has %q twice", key)
			}
			seen[key] = true
		}
		switch key {
		case member:
			found = raw
		case errorMember:
			errRaw = raw
		case "sign":
			if err := json.Unmarshal(raw, &env.Sign); err != nil {
				return nil, errors.New("reply sign is not a string")
			}
			env.Signed = true
		case "alipay_cert_sn":
			_ = json.Unmarshal(raw, &env.CertSN) // informative only
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("reply: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("reply has data after the JSON object")
	}
	switch {
	case found != nil:
		env.Member, env.Raw = member, found
	case errRaw != nil:
		env.Member, env.Raw = errorMember, errRaw
	default:
		return nil, fmt.Errorf("reply has no %q member", member)
	}
	if len(env.Raw) == 0 || env.Raw[0] != '{' {
		return nil, fmt.Errorf("reply member %q is not an object", env.Member)
	}
	return env, nil
}

// Status is the part every response member shares.
type Status struct {
	Code    string `json:"code"`
	Msg     string `json:"msg"`
	SubCode string `json:"sub_code,omitempty"`
	SubMsg  string `json:"sub_msg,omitempty"`
}

// ParseReply takes a gateway reply body apart the way the client does,
// without checking the signature: it returns the exact bytes of method's
// response member (or of error_response), the sign, and the member's
// status. It exists for tools and the fuzz target; Client verifies before
// it believes anything.
func ParseReply(body []byte, method string) (raw []byte, sign string, st Status, err error) {
	env, err := parseEnvelope(body, responseMember(method))
	if err != nil {
		return nil, "", Status{}, err
	}
	if err := json.Unmarshal(env.Raw, &st); err != nil {
		return nil, "", Status{}, fmt.Errorf("reply member %q: %w", env.Member, err)
	}
	return env.Raw, env.Sign, st, nil
}
