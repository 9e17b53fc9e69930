package harness

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/posemu/posemu/profile"
	"gopkg.in/yaml.v3"
)

// fileDoc is the top of a scenario file. The loader reads it key by key so
// that one bad key does not hide the problems after it; the schema
// generator reads its tags.
type fileDoc struct {
	Suite       string              `yaml:"suite" required:"true" doc:"name of the suite; becomes the Ginkgo Describe"`
	Description string              `yaml:"description" doc:"what the suite covers"`
	Labels      []string            `yaml:"labels" doc:"Ginkgo labels of every scenario in the file"`
	Timeout     Duration            `yaml:"timeout" doc:"how long check steps wait by default (10s if unset)"`
	App         string              `yaml:"app" doc:"terminal: every scenario runs the terminal application, which drives the devices itself"`
	Variables   map[string]string   `yaml:"variables" doc:"values substituted for ${name} anywhere in a step's or given's values"`
	Groups      map[string]groupDoc `yaml:"groups" doc:"named step sequences with parameters, run with use:"`
	Setup       rawSteps            `yaml:"setup" doc:"steps run before every scenario's own steps"`
	Scenarios   rawScenarios        `yaml:"scenarios" required:"true" doc:"the scenarios; each becomes a Ginkgo It"`
}

type groupDoc struct {
	Description string            `yaml:"description" doc:"what the group does"`
	Params      []string          `yaml:"params" doc:"parameter names, used as ${name} in the group's steps"`
	Defaults    map[string]string `yaml:"defaults" doc:"values of parameters that use: may leave out"`
	Steps       rawSteps          `yaml:"steps" required:"true" doc:"the group's steps"`
}

type scenarioDoc struct {
	Name   string            `yaml:"name" required:"true" doc:"name of the scenario; becomes the Ginkgo It"`
	Labels []string          `yaml:"labels" doc:"Ginkgo labels, added to the suite's; emulator-only and physical-only limit the targets"`
	Title  map[string]string `yaml:"title" doc:"the name in other languages, by language code (zh: 打印测试页), for consoles and reports"`
	Skip   string            `yaml:"skip" doc:"when set, the scenario is skipped with this reason"`
	Given  rawGiven          `yaml:"given" doc:"the state the scenario starts from"`
	Steps  rawSteps          `yaml:"steps" required:"true" doc:"the steps, in order"`
}

// rawSteps, rawScenarios and rawGiven keep nodes for the loader to decode
// later, with variables substituted and errors placed.
type rawSteps struct{ nodes []*yaml.Node }
type rawScenarios struct{ nodes []*yaml.Node }
type rawGiven struct{ node *yaml.Node }

func (r *rawSteps) DecodeNode(n *yaml.Node) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return nodeErr(n, "want a list of steps (each line starting with \"- \"), got %s", kindName(n))
	}
	r.nodes = n.Content
	return nil
}

func (r *rawScenarios) DecodeNode(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return nodeErr(n, "want a list of scenarios (each starting with \"- name: \"), got %s", kindName(n))
	}
	r.nodes = n.Content
	return nil
}

func (r *rawGiven) DecodeNode(n *yaml.Node) error { r.node = n; return nil }

func (rawSteps) JSONSchema() map[string]any { return ref("steps") }
func (rawScenarios) JSONSchema() map[string]any {
	return map[string]any{"type": "array", "items": ref("scenario")}
}
func (rawGiven) JSONSchema() map[string]any { return ref("given") }

// Load reads and checks a scenario file.
func Load(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// LoadOptions change how a file is read.
type LoadOptions struct {
	// Variables override the file's own (a station's values, say).
	Variables map[string]string
}

// Parse checks a scenario file's content; file names it in errors and
// anchors relative paths (profiles, golden images).
func Parse(file string, data []byte) (*Suite, error) { return ParseWith(file, data, LoadOptions{}) }

// ParseWith is Parse with options.
func ParseWith(file string, data []byte, opt LoadOptions) (*Suite, error) {
	l := &loader{file: file, dir: filepath.Dir(file)}
	s := l.parse(data, opt)
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	return s, nil
}

type loader struct {
	file   string
	dir    string
	dec    decoder
	errs   LoadErrors
	groups map[string]*groupDoc
	gnode  map[string]*yaml.Node
	vars   map[string]string // the suite's
}

const maxErrors = 20

func (l *loader) fail(pos Pos, scenario, step, format string, args ...any) {
	if len(l.errs) < maxErrors {
		l.errs = append(l.errs, &LoadError{Pos: pos, Scenario: scenario, Step: step, Msg: fmt.Sprintf(format, args...)})
	}
}

// failErr places err: at its node when it is a NodeError, else at at.
func (l *loader) failErr(err error, at *yaml.Node, scenario, step string) {
	var ne *NodeError
	if errors.As(err, &ne) && ne.Node != nil {
		at = ne.Node
	}
	l.fail(posOf(l.file, at), scenario, step, "%s", err.Error())
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (l *loader) parse(data []byte, opt LoadOptions) *Suite {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		pos, msg := Pos{File: l.file}, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &pos.Line)
			msg = m[2]
		}
		l.fail(pos, "", "", "not valid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
		return nil
	}
	top := resolve(&root)
	if top == nil || top.Kind == 0 {
		l.fail(Pos{File: l.file}, "", "", "the file is empty: a scenario file is a mapping with keys suite, scenarios, …")
		return nil
	}
	if top.Kind != yaml.MappingNode {
		l.fail(posOf(l.file, top), "", "", "a scenario file is a mapping with keys suite, scenarios, …; got %s", kindName(top))
		return nil
	}
	var doc fileDoc
	l.fields(top, reflect.ValueOf(&doc).Elem(), "", "")
	if len(l.errs) > 0 {
		return nil
	}
	s := &Suite{Name: doc.Suite, Description: doc.Description, File: l.file, Labels: doc.Labels,
		Timeout: doc.Timeout, App: doc.App, Variables: map[string]string{}}
	if doc.App != "" && doc.App != AppTerminal {
		l.fail(posOf(l.file, valueOf(top, "app")), "", "", "app %q: the only application is %q", doc.App, AppTerminal)
	}
	for k, v := range doc.Variables {
		s.Variables[k] = v
	}
	for k, v := range opt.Variables {
		s.Variables[k] = v
	}
	l.vars = s.Variables
	l.checkLabels(top, "labels", s.Labels, "")
	l.groups, l.gnode = map[string]*groupDoc{}, map[string]*yaml.Node{}
	l.indexGroups(top, doc.Groups)
	s.Setup = l.steps(doc.Setup.nodes, s.Variables, stepCtx{scenario: "", what: "setup"})
	seen := map[string]Pos{}
	for _, n := range doc.Scenarios.nodes {
		sc := l.scenario(s, resolve(n))
		if sc == nil {
			continue
		}
		if p, dup := seen[sc.Name]; dup {
			l.fail(sc.Pos, sc.Name, "", "a scenario with this name is already at %s", p)
			continue
		}
		seen[sc.Name] = sc.Pos
		s.Scenarios = append(s.Scenarios, sc)
	}
	return s
}

// fields decodes a mapping into a struct one key at a time, reporting
// every bad key rather than the first.
func (l *loader) fields(n *yaml.Node, v reflect.Value, scenario, step string) map[string]bool {
	fs := structFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx := slices.IndexFunc(fs, func(f field) bool { return f.name == k.Value })
		switch {
		case idx < 0:
			l.fail(posOf(l.file, k), scenario, step, "unknown key %q (valid: %s)", k.Value, strings.Join(fieldNames(fs), ", "))
			continue
		case seen[k.Value]:
			l.fail(posOf(l.file, k), scenario, step, "key %q given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		if err := l.dec.decode(val, v.FieldByIndex(fs[idx].index)); err != nil {
			l.failErr(wrapKey(err, k.Value, val), val, scenario, step)
		}
	}
	for _, f := range fs {
		if f.required && !seen[f.name] {
			l.fail(posOf(l.file, n), scenario, step, "missing required key %q", f.name)
		}
	}
	return seen
}

// valueOf finds the value node of key in a mapping.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var labelRe = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.:-]*$`)

func (l *loader) checkLabels(parent *yaml.Node, key string, labels []string, scenario string) {
	list := resolve(valueOf(parent, key))
	for i, lb := range labels {
		at := list
		if list != nil && list.Kind == yaml.SequenceNode && i < len(list.Content) {
			at = list.Content[i]
		}
		if !labelRe.MatchString(lb) || strings.HasSuffix(lb, ":") {
			l.fail(posOf(l.file, at), scenario, "", "label %q: labels are letters, digits and _ . : - (no spaces; Ginkgo's filter syntax uses the rest)", lb)
		}
	}
}

func (l *loader) indexGroups(top *yaml.Node, groups map[string]groupDoc) {
	gn := resolve(valueOf(top, "groups"))
	if gn == nil {
		return
	}
	for i := 0; i+1 < len(gn.Content); i += 2 {
		name := gn.Content[i].Value
		g := groups[name]
		l.groups[name] = &g
		l.gnode[name] = gn.Content[i]
		what := fmt.Sprintf("group %q", name)
		for _, p := range g.Params {
			if !identRe.MatchString(p) {
				l.fail(posOf(l.file, gn.Content[i]), "", "", "%s: parameter name %q: use letters, digits and _", what, p)
			}
		}
		for d := range g.Defaults {
			if !contains(g.Params, d) {
				l.fail(posOf(l.file, gn.Content[i]), "", "", "%s: default for %q, which is not a parameter (params: %s)", what, d, strings.Join(g.Params, ", "))
			}
		}
		// Step names are checked here so a typo in a group is found even
		// when no scenario uses it; values wait for the parameters.
		for j, sn := range g.Steps.nodes {
			if _, key, err := stepKey(resolve(sn)); err != nil {
				l.failErr(err, sn, "", fmt.Sprintf("%s step %d", what, j+1))
			} else if key.Value != useStep {
				if _, ok := Lookup(key.Value); !ok {
					l.failErr(unknownStep(key), key, "", fmt.Sprintf("%s step %d", what, j+1))
				}
			}
		}
	}
}

func (l *loader) scenario(s *Suite, n *yaml.Node) *Scenario {
	if n == nil || n.Kind != yaml.MappingNode {
		l.fail(posOf(l.file, n), "", "", "a scenario is a mapping with keys name, steps, …; got %s", kindName(n))
		return nil
	}
	name := ""
	if nn := resolve(valueOf(n, "name")); nn != nil && nn.Kind == yaml.ScalarNode {
		name = nn.Value
	}
	before := len(l.errs)
	var doc scenarioDoc
	l.fields(n, reflect.ValueOf(&doc).Elem(), name, "")
	if len(l.errs) > before {
		return nil
	}
	if strings.TrimSpace(doc.Name) == "" {
		l.fail(posOf(l.file, n), "", "", "a scenario needs a name")
		return nil
	}
	sc := &Scenario{Suite: s, Name: doc.Name, Pos: posOf(l.file, n), Labels: doc.Labels, Title: doc.Title, Skip: doc.Skip}
	l.checkLabels(n, "labels", sc.Labels, sc.Name)
	if slices.Contains(sc.AllLabels(), LabelEmulatorOnly) && slices.Contains(sc.AllLabels(), LabelPhysicalOnly) {
		l.fail(sc.Pos, sc.Name, "", "labelled both %s and %s: it could never run", LabelEmulatorOnly, LabelPhysicalOnly)
	}
	if g := doc.Given.node; g != nil {
		gs, err := substituteTree(g, s.Variables)
		if err == nil {
			err = l.dec.decode(gs, reflect.ValueOf(&sc.Given).Elem())
		}
		if err != nil {
			l.failErr(wrapKey(err, "given", g), g, sc.Name, "")
		} else if sc.Given.Profile != "" || len(sc.Given.ProfileSet) > 0 {
			sc.Profile = l.profile(sc.Given, resolve(g), sc.Name)
		}
		if err == nil {
			if err := checkGivenApp(sc.Given); err != nil {
				l.fail(posOf(l.file, g), sc.Name, "", "given: %v", err)
			}
		}
	}
	sc.Steps = l.steps(doc.Steps.nodes, s.Variables, stepCtx{scenario: sc.Name})
	if err := checkTerminalSteps(sc); err != nil {
		l.fail(sc.Pos, sc.Name, "", "%v", err)
	}
	return sc
}

func (l *loader) profile(g Given, at *yaml.Node, scenario string) *profile.Profile {
	p := defaultProfile()
	if name := g.Profile; name != "" {
		path := name
		if strings.ContainsAny(name, "/\\") || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
			if !filepath.IsAbs(path) {
				path = filepath.Join(l.dir, path)
			}
		}
		var err error
		if p, err = profile.Load(path); err != nil {
			l.fail(posOf(l.file, valueOf(at, "profile")), scenario, "", "given: profile: %v", err)
			return nil
		}
	}
	if len(g.ProfileSet) == 0 {
		return p
	}
	changed, err := setProfile(p, g.ProfileSet)
	if err != nil {
		l.fail(posOf(l.file, valueOf(at, "profile_set")), scenario, "", "given: profile_set: %v", err)
		return nil
	}
	return changed
}

// setProfile returns p with the values at dotted paths replaced, checked
// as the profile loader checks a file.
func setProfile(p *profile.Profile, set map[string]any) (*profile.Profile, error) {
	data, err := yaml.Marshal(p)
	if err != nil {
		return nil, err
	}
	var tree map[string]any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return nil, err
	}
	for _, path := range slices.Sorted(maps.Keys(set)) {
		keys := strings.Split(path, ".")
		m := tree
		for i, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: the profile has no section %q", path, strings.Join(keys[:i+1], "."))
			}
			m = next
		}
		last := keys[len(keys)-1]
		if _, ok := m[last]; !ok {
			return nil, fmt.Errorf("%s: the profile has no value %q here (see docs/profiles.md)", path, last)
		}
		m[last] = set[path]
	}
	if data, err = yaml.Marshal(tree); err != nil {
		return nil, err
	}
	np, err := profile.Parse("profile_set", data)
	if err != nil {
		var pe *profile.Error
		if errors.As(err, &pe) && pe.Field != "" {
			return nil, fmt.Errorf("%s: %s", pe.Field, pe.Msg)
		}
		return nil, err
	}
	return np, nil
}
