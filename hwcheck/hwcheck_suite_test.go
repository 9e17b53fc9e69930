package hwcheck_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHwcheck(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "hwcheck")
}
