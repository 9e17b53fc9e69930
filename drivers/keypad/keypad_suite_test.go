package keypad_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestKeypad(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drivers/keypad")
}
