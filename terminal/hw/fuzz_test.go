package hw

import "testing"

// FuzzParseBill feeds arbitrary bytes and arbitrary detail files to the
// bill parser: it must not panic, and amounts it returns are never negative.
func FuzzParseBill(f *testing.F) {
	f.Add(BillZip(BillRowCSV("2025", "1000000125", "交易", "1.00", "")), "")
	f.Add(BillZip(), "")
	f.Add([]byte("PK\x03\x04"), "")
	f.Add([]byte{}, "支付宝交易号,商户订单号,业务类型,商家实收（元）\n1,2,退款,-0.01\n")
	f.Add([]byte{}, "支付宝交易号,\"unterminated\n")
	f.Fuzz(func(t *testing.T, zipData []byte, csvText string) {
		for _, try := range [][]byte{zipData, BillZip(csvText)} {
			rows, err := ParseBill(try)
			if err != nil {
				continue
			}
			for _, r := range rows {
				if r.Amount < 0 {
					t.Fatalf("negative amount %d", r.Amount)
				}
			}
		}
	})
}
