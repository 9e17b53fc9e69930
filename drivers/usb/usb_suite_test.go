package usb_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestUSB(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "usb transport")
}
