// Package hostsim simulates the payment platform: an Alipay OpenAPI
// gateway with the real trade state machine and sandbox buyers. (Issue 5
// fills it.)
package hostsim
