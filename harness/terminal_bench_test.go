package harness_test

import "testing"

// BenchmarkTerminalScenario is a scenario that runs the terminal
// application and signs on: its own simulator, the application on the
// emulator's devices (journal, self-check with a signed platform query,
// recovery), the sign-on keyed through the keypad, and the teardown.
// Scenarios without the application pay none of it.
func BenchmarkTerminalScenario(b *testing.B) {
	benchScenario(b, "      - sign_on: {operator: \"01\", password: \"0000\"}\n")
}

// BenchmarkTerminalSaleScenario adds a whole sale by code: amount, scan,
// the platform, both slips, the journal checked on disk.
func BenchmarkTerminalSaleScenario(b *testing.B) {
	benchScenario(b, `      - sign_on: {operator: "01", password: "0000"}
      - press: "1"
      - type_amount: "12.50"
      - expect_screen: {contains: "请扫描买家付款码"}
      - scan: "281234567890123456"
      - expect_screen: {contains: "按任意键打印持卡人存根"}
      - press: ENTER
      - expect_journal: {voucher: 1, state: approved, slips: 2}
`)
}
