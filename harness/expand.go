package harness

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// useStep runs a group's steps in place.
const useStep = "use"

// UseStep is the parameters of use:.
type UseStep struct {
	Group string            `yaml:"group" required:"true" shorthand:"true" doc:"name of the group"`
	With  map[string]string `yaml:"with" doc:"parameter values"`
}

// stepCtx is where a list of steps sits: a scenario, the setup, a group.
type stepCtx struct {
	scenario string
	what     string // "setup", or "" for a scenario's own steps
	group    string
	via      []Pos
	stack    []string // groups being expanded, for cycles
}

func (c stepCtx) label(i int, name string) string {
	s := fmt.Sprintf("step %d", i)
	if name != "" {
		s += " (" + name + ")"
	}
	switch {
	case c.group != "":
		s = fmt.Sprintf("group %q %s", c.group, s)
		for j := len(c.via) - 1; j >= 0; j-- {
			s += fmt.Sprintf(" used at %s", c.via[j])
		}
	case c.what != "":
		s = c.what + " " + s
	}
	return s
}

// stepKey checks that a step is a one-key mapping and returns the key.
func stepKey(n *yaml.Node) (val, key *yaml.Node, err error) {
	if n == nil || n.Kind != yaml.MappingNode {
		hint := ""
		if n != nil && n.Kind == yaml.ScalarNode {
			if _, ok := Lookup(n.Value); ok || n.Value == useStep {
				hint = fmt.Sprintf(" (a step with no values is written \"- %s: {}\")", n.Value)
			}
		}
		return nil, nil, nodeErr(n, "a step is one key and its value, such as \"- press: ENTER\"; got %s%s", kindName(n), hint)
	}
	if len(n.Content) != 2 {
		keys := []string{}
		for i := 0; i < len(n.Content); i += 2 {
			keys = append(keys, n.Content[i].Value)
		}
		return nil, nil, nodeErr(n, "a step has exactly one key, the step's name; got %d (%s): start each step with its own \"- \"", len(keys), strings.Join(keys, ", "))
	}
	return n.Content[1], n.Content[0], nil
}

func unknownStep(key *yaml.Node) error {
	names := append(StepNames(), useStep)
	slices.Sort(names)
	msg := fmt.Sprintf("unknown step %q", key.Value)
	if near := closest(key.Value, names); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return nodeErr(key, "%s; valid steps: %s", msg, strings.Join(names, ", "))
}

// steps decodes a list of step nodes, expanding uses of groups.
func (l *loader) steps(nodes []*yaml.Node, vars map[string]string, c stepCtx) []*Step {
	var out []*Step
	for i, raw := range nodes {
		n := resolve(raw)
		val, key, err := stepKey(n)
		if err != nil {
			l.failErr(err, raw, c.scenario, c.label(i+1, ""))
			continue
		}
		label := c.label(i+1, key.Value)
		if key.Value == useStep {
			out = append(out, l.use(val, key, vars, c, label)...)
			continue
		}
		def, ok := Lookup(key.Value)
		if !ok {
			l.failErr(unknownStep(key), key, c.scenario, label)
			continue
		}
		sub, err := substituteTree(val, vars)
		if err != nil {
			l.failErr(err, val, c.scenario, label)
			continue
		}
		p := reflect.New(def.params)
		if err := l.dec.decode(sub, p.Elem()); err != nil {
			l.failErr(err, key, c.scenario, label)
			continue
		}
		out = append(out, &Step{Name: key.Value, Pos: posOf(l.file, key), Index: i + 1, Group: c.group,
			Via: c.via, Params: p.Interface(), Def: def})
	}
	return out
}

func (l *loader) use(val, key *yaml.Node, vars map[string]string, c stepCtx, label string) []*Step {
	sub, err := substituteTree(val, vars)
	var u UseStep
	if err == nil {
		err = l.dec.decode(sub, reflect.ValueOf(&u).Elem())
	}
	if err != nil {
		l.failErr(err, key, c.scenario, label)
		return nil
	}
	g, ok := l.groups[u.Group]
	if !ok {
		names := slices.Sorted(maps.Keys(l.groups))
		msg := fmt.Sprintf("no group %q", u.Group)
		if near := closest(u.Group, names); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		if len(names) == 0 {
			l.fail(posOf(l.file, key), c.scenario, label, "%s: this file defines no groups", msg)
		} else {
			l.fail(posOf(l.file, key), c.scenario, label, "%s; groups: %s", msg, strings.Join(names, ", "))
		}
		return nil
	}
	if slices.Contains(c.stack, u.Group) {
		l.fail(posOf(l.file, key), c.scenario, label, "group %q uses itself: %s → %s", u.Group, strings.Join(c.stack, " → "), u.Group)
		return nil
	}
	inner := maps.Clone(vars)
	for k := range u.With {
		if !contains(g.Params, k) {
			params := "it takes none"
			if len(g.Params) > 0 {
				params = "params: " + strings.Join(g.Params, ", ")
			}
			l.fail(posOf(l.file, key), c.scenario, label, "group %q has no parameter %q (%s)", u.Group, k, params)
			return nil
		}
	}
	for _, p := range g.Params {
		v, ok := u.With[p]
		if !ok {
			if v, ok = g.Defaults[p]; ok {
				// A default is written in the group, so it sees the
				// suite's variables, not the caller's parameters.
				if v, err = substitute(v, l.vars); err != nil {
					l.fail(posOf(l.file, l.gnode[u.Group]), c.scenario, label, "group %q: default of %q: %v", u.Group, p, err)
					return nil
				}
			}
		}
		if !ok {
			l.fail(posOf(l.file, key), c.scenario, label, "group %q needs parameter %q (give it under with:)", u.Group, p)
			return nil
		}
		inner[p] = v
	}
	c2 := stepCtx{scenario: c.scenario, group: u.Group, via: append(slices.Clone(c.via), posOf(l.file, key)),
		stack: append(slices.Clone(c.stack), u.Group)}
	return l.steps(g.Steps.nodes, inner, c2)
}

var (
	varRe   = regexp.MustCompile(`\$\$\{|\$\{([^}]*)\}?`)
	identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// substitute replaces ${name} with its value; $${ is a literal ${.
func substitute(s string, vars map[string]string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var err error
	out := varRe.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$${" {
			return "${"
		}
		if err != nil {
			return m
		}
		if !strings.HasSuffix(m, "}") {
			err = fmt.Errorf("unterminated ${ in %q (write $${ for a literal ${)", s)
			return m
		}
		name := m[2 : len(m)-1]
		v, ok := vars[name]
		if !ok {
			names := slices.Sorted(maps.Keys(vars))
			if len(names) == 0 {
				err = fmt.Errorf("undefined variable %q: no variables are defined here", name)
			} else {
				err = fmt.Errorf("undefined variable %q (defined: %s)", name, strings.Join(names, ", "))
			}
			return m
		}
		return v
	})
	return out, err
}

// substituteTree copies n with variables substituted in every scalar; n
// itself is left alone because a group's nodes are expanded once per use.
func substituteTree(n *yaml.Node, vars map[string]string) (*yaml.Node, error) {
	budget := maxNodes
	return subst(n, vars, &budget)
}

func subst(n *yaml.Node, vars map[string]string, budget *int) (*yaml.Node, error) {
	n = resolve(n)
	if n == nil {
		return nil, nil
	}
	if *budget--; *budget < 0 {
		return nil, nodeErr(n, "document too large: more than %d values (aliases included)", maxNodes)
	}
	c := *n
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := substitute(n.Value, vars)
		if err != nil {
			return nil, nodeErr(n, "%s", err.Error())
		}
		if v != n.Value {
			// A substituted value is text whatever it looks like; the
			// decoder reads numbers and durations from text.
			c.Value, c.Tag, c.Style = v, "!!str", 0
		}
	case yaml.SequenceNode, yaml.MappingNode:
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			s, err := subst(ch, vars, budget)
			if err != nil {
				return nil, err
			}
			c.Content[i] = s
		}
	}
	return &c, nil
}

// closest returns the candidate within edit distance 2 of s, if any.
func closest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
