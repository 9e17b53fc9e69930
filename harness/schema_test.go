package harness_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/harness"
)

var _ = Describe("the JSON Schema", func() {
	It("is committed as docs/scenario.schema.json, as generated (go run ./harness/cmd/schemagen > docs/scenario.schema.json)", func() {
		want, err := harness.SchemaJSON()
		Expect(err).NotTo(HaveOccurred())
		got, err := os.ReadFile("../docs/scenario.schema.json")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(string(want)), "docs/scenario.schema.json is stale: regenerate it")
	})

	It("offers every registered step, and use", func() {
		var schema struct {
			Defs struct {
				Step struct {
					OneOf []struct {
						Required []string `json:"required"`
					} `json:"oneOf"`
				} `json:"step"`
			} `json:"$defs"`
		}
		b, err := harness.SchemaJSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &schema)).To(Succeed())
		var names []string
		for _, o := range schema.Defs.Step.OneOf {
			names = append(names, o.Required...)
		}
		Expect(names).To(Equal(append(harness.StepNames(), "use")))
	})
})

var _ = Describe("docs/scenarios.md", func() {
	It("has the step reference as generated (go run ./harness/cmd/schemagen -docs -w docs/scenarios.md)", func() {
		doc, err := os.ReadFile("../docs/scenarios.md")
		Expect(err).NotTo(HaveOccurred())
		ref := harness.StepReference()
		Expect(string(doc)).To(ContainSubstring(ref), "the step reference in docs/scenarios.md is stale: regenerate it")
		for _, name := range append(harness.StepNames(), "use") {
			Expect(ref).To(MatchRegexp("(?m)^#### `"+regexp.QuoteMeta(name)+"`\n"), "no heading for %s", name)
			Expect(ref).To(MatchRegexp("(?m)^- "+regexp.QuoteMeta(name)+":"), "no example of %s", name)
		}
	})

	It("shows examples that load", func() {
		doc, err := os.ReadFile("../docs/scenarios.md")
		Expect(err).NotTo(HaveOccurred())
		blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(doc, -1)
		Expect(blocks).NotTo(BeEmpty())
		dir := GinkgoT().TempDir()
		for i, b := range blocks {
			if !regexp.MustCompile(`(?m)^suite:`).Match(b[1]) {
				continue // a fragment, not a file
			}
			path := filepath.Join(dir, "example.yaml")
			Expect(os.WriteFile(path, b[1], 0o644)).To(Succeed())
			_, err := harness.Load(path)
			Expect(err).NotTo(HaveOccurred(), "yaml block %d of docs/scenarios.md", i+1)
		}
	})
})
