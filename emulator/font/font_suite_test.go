package font_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFont(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Font Suite")
}
