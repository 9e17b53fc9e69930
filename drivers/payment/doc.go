// Package payment is the terminal's client of the payment platform: the
// Alipay face-to-face (当面付) trade API over the OpenAPI gateway, with RSA2
// request signatures and RSA2 verification of every reply over the raw text
// of its response member. Client speaks one method per call and reports the
// platform's answer as typed values; Cashier is the till's payment rule on
// top of it (pay, poll the query while the buyer confirms, cancel when the
// time is up) and ends every trade in a known state or in an explicit
// in-doubt record that Resolve can settle later. Amounts are integer fen in
// Go and two-decimal yuan on the wire, never floating point, and every wait
// reads the injected clock so the whole flow can run in virtual time.
package payment
