package usbprinter_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestUSBPrinter(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "usb printer")
}
