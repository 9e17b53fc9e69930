package payment

import (
	"errors"
	"fmt"
)

// Result codes of the gateway (the "code" member).
const (
	CodeSuccess      = "10000" // the call did what was asked
	CodeInProcess    = "10003" // pay: order created, waiting for the buyer (password)
	CodeUnknown      = "20000" // the platform does not know the outcome: query
	CodeMissing      = "40001" // a required parameter is missing
	CodeInvalid      = "40002" // a parameter (or the signature) is invalid
	CodeBusiness     = "40004" // business failure: see sub_code
	CodeNoPermission = "40006" // the app lacks the permission
)

// ErrBadSignature means a reply did not carry a valid platform signature
// (missing, malformed, or not over the text received). Nothing in such a
// reply can be believed, so a cashier treats the trade as in doubt: it
// might have happened.
var ErrBadSignature = errors.New("payment: reply signature does not verify")

// SignatureError says which reply failed verification and what it claimed.
// Code and SubCode are what the unverified reply said, for the log only.
type SignatureError struct {
	Method  string
	Reason  string
	Code    string
	SubCode string
}

func (e *SignatureError) Error() string {
	return fmt.Sprintf("payment: %s: reply signature does not verify (%s; unverified code %q %s)",
		e.Method, e.Reason, e.Code, e.SubCode)
}

// Unwrap lets errors.Is(err, ErrBadSignature) hold.
func (e *SignatureError) Unwrap() error { return ErrBadSignature }

// APIError is a verified reply whose code is not success: the platform did
// answer, and this is what it said.
type APIError struct {
	Method string
	Status
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("payment: %s: %s %s", e.Method, e.Code, e.Msg)
	if e.SubCode != "" {
		s += fmt.Sprintf(" (%s: %s)", e.SubCode, e.SubMsg)
	}
	return s
}

// Unknown reports an answer that does not settle the trade either way:
// 20000, or the business system error the platform asks to query after.
func (e *APIError) Unknown() bool {
	return e.Code == CodeUnknown || e.SubCode == "ACQ.SYSTEM_ERROR" ||
		(e.Code == CodeBusiness && e.SubCode == "")
}

// TransportError is a call that got no usable reply: the connection failed,
// the deadline passed, or the gateway answered with a non-200 status or a
// body that is not a reply. The request may or may not have been acted on.
type TransportError struct {
	Method string
	Status int // HTTP status, 0 when there was none
	Err    error
}

func (e *TransportError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("payment: %s: HTTP %d: %v", e.Method, e.Status, e.Err)
	}
	return fmt.Sprintf("payment: %s: %v", e.Method, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Message is a short operator-facing text in both languages of the till.
type Message struct {
	ZH string
	EN string
}

func (m Message) String() string { return m.ZH + " / " + m.EN }

// Declined is a trade the platform refused or the buyer did not pay: a
// final state, no money moved.
type Declined struct {
	Code    string
	SubCode string
	SubMsg  string // the platform's own text, for the log
	Message Message
}

func (d *Declined) Error() string {
	return fmt.Sprintf("payment: declined %s %s: %s", d.Code, d.SubCode, d.Message.EN)
}

// declinedFrom turns a verified business failure into a Declined.
func declinedFrom(st Status) *Declined {
	return &Declined{Code: st.Code, SubCode: st.SubCode, SubMsg: st.SubMsg, Message: OperatorMessage(st.Code, st.SubCode)}
}

// isUncertain reports an error after which the call may or may not have
// taken effect at the platform.
func isUncertain(err error) bool {
	var api *APIError
	if errors.As(err, &api) {
		return api.Unknown()
	}
	return err != nil // transport, bad signature, context ended
}
