package usb_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestUSB(t *testing.T) {
	RegisterFailHandler(Fail)
	// What a spec waits for comes in milliseconds, but on a loaded machine
	// (CI runs many test binaries on two cores) it may take far longer;
	// waiting longer costs nothing when it comes.
	SetDefaultEventuallyTimeout(10 * time.Second)
	RunSpecs(t, "usb transport")
}
