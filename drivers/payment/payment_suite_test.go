package payment_test

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPayment(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drivers/payment: Alipay client and cashier")
}

// Keys made for this test run only: the app's, the platform's, and a
// stranger's that signs replies the client must refuse.
var appKey, platformKey, strangerKey *rsa.PrivateKey

var _ = BeforeSuite(func() {
	for _, k := range []**rsa.PrivateKey{&appKey, &platformKey, &strangerKey} {
		var err error
		*k, err = rsa.GenerateKey(rand.Reader, 2048)
		Expect(err).NotTo(HaveOccurred())
	}
})
