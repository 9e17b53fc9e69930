package lcd_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestLCD(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drivers/lcd")
}
