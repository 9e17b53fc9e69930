package ptydev_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPtydev(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ptydev")
}
