// Package payment is the terminal's client of the payment platform: the
// Alipay face-to-face trade API with RSA2 signatures. (Issue 5 fills it.)
package payment
