package yamlfile_test

import (
	"errors"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/internal/yamlfile"
)

func TestYAMLFile(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "yamlfile")
}

type doc struct {
	Name  string `yaml:"name"`
	Items []struct {
		Size int `yaml:"size"`
	} `yaml:"items"`
}

var _ = Describe("strict YAML with positions", func() {
	refused := func(err error) *yamlfile.Error {
		var e *yamlfile.Error
		Expect(errors.As(err, &e)).To(BeTrue(), "got %v", err)
		return e
	}

	It("decodes a good file and returns its root for locating", func() {
		var d doc
		root, err := yamlfile.Decode("a.yaml", []byte("name: x\nitems:\n  - size: 1\n"), &d, "doc")
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Items[0].Size).To(Equal(1))
		Expect(root.Line).To(Equal(1))
	})

	It("places a validation error at its path, down to a list element's field", func() {
		var d doc
		data := []byte("name: x\nitems:\n  - size: 1\n  - size: 99\n")
		root, err := yamlfile.Decode("a.yaml", data, &d, "doc")
		Expect(err).NotTo(HaveOccurred())
		e := refused(yamlfile.Locate("a.yaml", root, yamlfile.Invalid("items[1].size", "%d is too big", 99)))
		Expect(e.Error()).To(Equal("a.yaml:4:11: items[1].size: 99 is too big"))
	})

	It("falls back to the nearest ancestor for a path that is not written", func() {
		root, err := yamlfile.Root("a.yaml", []byte("name: x\n"), "doc")
		Expect(err).NotTo(HaveOccurred())
		e := refused(yamlfile.Locate("a.yaml", root, yamlfile.Invalid("items", "at least one is required")))
		Expect([]int{e.Line, e.Column}).To(Equal([]int{1, 1}))
	})

	It("refuses unknown fields, wrong types and empty files with the line", func() {
		var d doc
		_, err := yamlfile.Decode("b.yaml", []byte("name: x\ncolour: red\n"), &d, "doc")
		Expect(refused(err).Error()).To(Equal("b.yaml:2: field colour not found in type yamlfile_test.doc"))
		_, err = yamlfile.Decode("b.yaml", []byte("items: {a: 1}\n"), &d, "doc")
		Expect(refused(err).Line).To(Equal(1))
		_, err = yamlfile.Decode("c.yaml", nil, &d, "doc")
		Expect(err).To(MatchError("c.yaml: empty doc"))
	})

	It("finds a forbidden key anywhere in the document", func() {
		root, err := yamlfile.Root("d.yaml", []byte("a:\n  b:\n    password: x\n"), "doc")
		Expect(err).NotTo(HaveOccurred())
		line, ok := yamlfile.FindKey(root, "password")
		Expect(ok).To(BeTrue())
		Expect(line).To(Equal(3))
	})
})
