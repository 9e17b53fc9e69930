package hostsim_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHostsim(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "emulator/hostsim")
}
