package usbip_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestUSBIP(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "usbip server")
}
