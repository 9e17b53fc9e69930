package custdisplay_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCustdisplay(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drivers/custdisplay")
}
