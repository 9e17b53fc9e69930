package hostsim

import (
	"testing"
)

// BenchmarkRSA2SignVerify is the cost of one SHA256withRSA signature plus
// one verification with the 2048-bit fixture keys, over a typical pay
// reply member: the floor under every gateway round trip (a payment takes
// two of each, one pair on either side).
func BenchmarkRSA2SignVerify(b *testing.B) {
	keys, err := LoadTestKeys()
	if err != nil {
		b.Fatal(err)
	}
	member := []byte(`{"code":"10000","msg":"Success","trade_no":"2024052022000000000000000001","out_trade_no":"T1","buyer_logon_id":"138****8888","total_amount":"88.88","receipt_amount":"88.88","buyer_pay_amount":"88.88","point_amount":"0.00","invoice_amount":"88.88","gmt_payment":"2024-05-20 10:00:00","fund_bill_list":[{"fund_channel":"ALIPAYACCOUNT","amount":"88.88"}],"buyer_user_id":"2088102146225135"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		sign, err := SignRSA2(keys.PlatformPrivate, member)
		if err != nil {
			b.Fatal(err)
		}
		if err := VerifyRSA2(keys.PlatformPublic, member, sign); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sign+verify/s")
}
