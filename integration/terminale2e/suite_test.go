package terminale2e_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestTerminalE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "integration/terminale2e: the terminal application on the emulator")
}
