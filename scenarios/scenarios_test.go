package scenarios_test

import (
	"errors"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/posemu/posemu/harness"
)

// Every scenario file becomes a Describe and every scenario an It, built
// when the tree is, so --label-filter, --focus and -p work on scenarios.
var _ = describeScenarios()

func describeScenarios() bool {
	env, err := harness.FromEnv("*.yaml", GinkgoWriter)
	if err != nil {
		It("finds the scenario files and the target", func() { Fail(err.Error()) })
		return true
	}
	suites, errs := env.Load()
	for _, f := range env.Files {
		if err := errs[f]; err != nil {
			Describe(filepath.Base(f), func() {
				It("loads", types.NewCustomCodeLocation(f), func() { Fail(err.Error()) })
			})
		}
	}
	for _, s := range suites {
		Describe(s.Name, Label(s.Labels...), func() {
			for _, sc := range s.Scenarios {
				It(sc.Name, Label(sc.Labels...), codeLocation(sc), func(ctx SpecContext) {
					run(ctx, env.Runner, sc)
				})
			}
		})
	}
	return true
}

// codeLocation points reports (JUnit, JSON) at the scenario in its YAML
// file rather than at this Go file.
func codeLocation(sc *harness.Scenario) types.CodeLocation {
	abs, err := filepath.Abs(sc.Pos.File)
	if err != nil {
		abs = sc.Pos.File
	}
	return types.CodeLocation{FileName: abs, LineNumber: sc.Pos.Line}
}

func run(ctx SpecContext, rn *harness.Runner, sc *harness.Scenario) {
	res, err := rn.Run(ctx, sc)
	var skip *harness.SkipError
	if errors.As(err, &skip) {
		Skip(skip.Reason)
	}
	if err == nil {
		return
	}
	for _, a := range res.Artifacts {
		switch {
		case a.Path != "":
			AddReportEntry(a.Name, a.Path, ReportEntryVisibilityFailureOrVerbose)
		case a.Text != "":
			AddReportEntry(a.Name, a.Text, ReportEntryVisibilityFailureOrVerbose)
		}
	}
	Fail(err.Error())
}

func init() {
	// The report directory is shared by parallel processes: make it once
	// here so every process can write into it.
	if d := os.Getenv(harness.EnvReportDir); d != "" {
		os.MkdirAll(d, 0o755)
	}
}
