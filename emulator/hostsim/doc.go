// Package hostsim simulates the payment platform the terminal talks to: an
// Alipay OpenAPI gateway (form POST to /gateway.do, RSA2 signatures both
// ways) with the face-to-face trade service behind it — alipay.trade.pay,
// precreate, query, cancel, close, refund, fastpay.refund.query and the
// daily bill — the real trade state machine, sandbox buyers with balances
// and password thresholds, injectable faults (latency, no reply, 20000,
// HTTP 5xx, a reply lost after the trade committed, a bad reply
// signature), and an optional journal that keeps trades across restarts.
// Every wait reads an injected clock, so trade timeouts run in virtual
// time. The wire rules it settles on are in docs/hostsim.md.
package hostsim
