package harness

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// NodeDecoder is a parameter type that reads itself from YAML, for values
// that take more than one shape (a key name or a list of them). Errors it
// returns should be *NodeError so they point at the right place; others
// are placed at n.
type NodeDecoder interface {
	DecodeNode(n *yaml.Node) error
}

// SchemaProvider is a parameter type that describes its own JSON Schema;
// every NodeDecoder should be one, or the schema accepts anything there.
type SchemaProvider interface {
	JSONSchema() map[string]any
}

// NodeError is a value that was refused, with the node it came from.
type NodeError struct {
	Node *yaml.Node
	Msg  string
}

func (e *NodeError) Error() string { return e.Msg }

func nodeErr(n *yaml.Node, format string, args ...any) *NodeError {
	return &NodeError{Node: n, Msg: fmt.Sprintf(format, args...)}
}

// maxNodes bounds how many nodes one file may make the decoder visit:
// aliases let a tiny file name a huge tree.
const maxNodes = 200_000

// decoder reads nodes into Go values, strictly: every key must be a
// field, every value must fit its field.
type decoder struct {
	visited int
}

var (
	durationType   = reflect.TypeFor[Duration]()
	nodeDecoderTyp = reflect.TypeFor[NodeDecoder]()
	anyType        = reflect.TypeFor[any]()
)

// resolve follows aliases and unwraps documents.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing (null)"
	}
	return fmt.Sprintf("%q", n.Value)
}

// decode fills v (addressable) from n.
func (d *decoder) decode(n *yaml.Node, v reflect.Value) error {
	n = resolve(n)
	if d.visited++; d.visited > maxNodes {
		return nodeErr(n, "document too large: more than %d values (aliases included)", maxNodes)
	}
	if v.CanAddr() && v.Addr().Type().Implements(nodeDecoderTyp) {
		if n == nil {
			return nil
		}
		return v.Addr().Interface().(NodeDecoder).DecodeNode(n)
	}
	t := v.Type()
	switch {
	case t == durationType:
		return decodeDuration(n, v)
	case t == anyType:
		return d.decodeAny(n, v)
	}
	switch t.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			v.SetZero()
			return nil
		}
		p := reflect.New(t.Elem())
		if err := d.decode(n, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		return d.decodeStruct(n, v)
	case reflect.Slice:
		return d.decodeSlice(n, v)
	case reflect.Map:
		return d.decodeMap(n, v)
	case reflect.String:
		if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
			return nodeErr(n, "want text, got %s", kindName(n))
		}
		v.SetString(n.Value)
		return nil
	case reflect.Bool:
		if n == nil || n.Kind != yaml.ScalarNode || (n.Value != "true" && n.Value != "false") {
			return nodeErr(n, "want true or false, got %s", kindName(n))
		}
		v.SetBool(n.Value == "true")
		return nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n == nil || n.Kind != yaml.ScalarNode {
			return nodeErr(n, "want a whole number, got %s", kindName(n))
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil || v.OverflowInt(i) {
			return nodeErr(n, "want a whole number, got %s", kindName(n))
		}
		v.SetInt(i)
		return nil
	case reflect.Float64:
		if n == nil || n.Kind != yaml.ScalarNode {
			return nodeErr(n, "want a number, got %s", kindName(n))
		}
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nodeErr(n, "want a number, got %s", kindName(n))
		}
		v.SetFloat(f)
		return nil
	}
	return nodeErr(n, "internal: cannot decode into %s", t)
}

func (d *decoder) decodeAny(n *yaml.Node, v reflect.Value) error {
	n = resolve(n)
	if n == nil {
		return nil
	}
	if d.visited++; d.visited > maxNodes {
		return nodeErr(n, "document too large: more than %d values (aliases included)", maxNodes)
	}
	var out any
	switch n.Kind {
	case yaml.ScalarNode:
		if err := n.Decode(&out); err != nil {
			out = n.Value
		}
	case yaml.SequenceNode:
		list := make([]any, len(n.Content))
		for i, c := range n.Content {
			if err := d.decodeAny(c, reflect.ValueOf(&list[i]).Elem()); err != nil {
				return err
			}
		}
		out = list
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			var val any
			if err := d.decodeAny(resolve(n.Content[i+1]), reflect.ValueOf(&val).Elem()); err != nil {
				return err
			}
			m[n.Content[i].Value] = val
		}
		out = m
	}
	if out != nil {
		v.Set(reflect.ValueOf(out))
	}
	return nil
}

// field is one YAML key of a struct.
type field struct {
	name      string
	index     []int
	required  bool
	shorthand bool // the value written alone, without its key, fills this field
	doc       string
}

func structFields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" && f.Type.Kind() == reflect.Struct {
			// The embedded struct's keys sit beside this struct's own.
			for _, in := range structFields(f.Type) {
				in.index = append([]int{i}, in.index...)
				out = append(out, in)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{name: name, index: []int{i}, required: f.Tag.Get("required") == "true",
			shorthand: f.Tag.Get("shorthand") == "true", doc: f.Tag.Get("doc")})
	}
	return out
}

func fieldNames(fs []field) []string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	slices.Sort(names)
	return names
}

// Validator is a parameter type that checks itself once decoded; its
// error is placed at the value.
type Validator interface {
	Validate() error
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value) error {
	if err := d.structValue(n, v); err != nil {
		return err
	}
	if v.CanAddr() {
		if val, ok := v.Addr().Interface().(Validator); ok {
			if err := val.Validate(); err != nil {
				return nodeErr(n, "%s", err.Error())
			}
		}
	}
	return nil
}

func (d *decoder) structValue(n *yaml.Node, v reflect.Value) error {
	fs := structFields(v.Type())
	if n == nil || isNull(n) {
		return checkRequired(n, fs, nil)
	}
	if n.Kind != yaml.MappingNode {
		for _, f := range fs {
			if f.shorthand {
				return d.decode(n, v.FieldByIndex(f.index))
			}
		}
		return nodeErr(n, "want a mapping with keys %s, got %s", strings.Join(fieldNames(fs), ", "), kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx := slices.IndexFunc(fs, func(f field) bool { return f.name == k.Value })
		switch {
		case k.Value == "<<":
			return nodeErr(k, "merge keys (<<) are not supported: use a group (use:) to share steps")
		case idx < 0:
			return nodeErr(k, "unknown key %q (valid: %s)", k.Value, strings.Join(fieldNames(fs), ", "))
		case seen[k.Value]:
			return nodeErr(k, "key %q given twice", k.Value)
		}
		seen[k.Value] = true
		if err := d.decode(val, v.FieldByIndex(fs[idx].index)); err != nil {
			return wrapKey(err, k.Value, val)
		}
	}
	return checkRequired(n, fs, seen)
}

func checkRequired(n *yaml.Node, fs []field, seen map[string]bool) error {
	for _, f := range fs {
		if f.required && !seen[f.name] {
			return nodeErr(n, "missing required key %q", f.name)
		}
	}
	return nil
}

// wrapKey prefixes a value's error with the key it belongs to, once.
func wrapKey(err error, key string, at *yaml.Node) error {
	if ne, ok := err.(*NodeError); ok {
		return &NodeError{Node: ne.Node, Msg: key + ": " + ne.Msg}
	}
	return &NodeError{Node: resolve(at), Msg: key + ": " + err.Error()}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value) error {
	if isNull(n) {
		v.SetZero()
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	s := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, it := range items {
		if err := d.decode(it, s.Index(i)); err != nil {
			if n.Kind == yaml.SequenceNode {
				return wrapKey(err, fmt.Sprintf("item %d", i+1), it)
			}
			return err
		}
	}
	v.Set(s)
	return nil
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value) error {
	if isNull(n) {
		v.SetZero()
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return nodeErr(n, "want a mapping, got %s", kindName(n))
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nodeErr(k, "keys must be plain names, got %s", kindName(k))
		}
		if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
			return nodeErr(k, "key %q given twice", k.Value)
		}
		e := reflect.New(v.Type().Elem()).Elem()
		if err := d.decode(val, e); err != nil {
			return wrapKey(err, k.Value, val)
		}
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
	}
	v.Set(m)
	return nil
}

// Duration is a length of time written as Go writes it: 500ms, 2s, 1m30s.
type Duration time.Duration

// D is the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

func decodeDuration(n *yaml.Node, v reflect.Value) error {
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return nodeErr(n, "want a duration such as 500ms or 2s, got %s", kindName(n))
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil || d < 0 {
		return nodeErr(n, "want a duration such as 500ms or 2s, got %q", n.Value)
	}
	v.SetInt(int64(d))
	return nil
}

// scalarString is a scalar's text, refusing lists and mappings.
func scalarString(n *yaml.Node) (string, error) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return "", nodeErr(n, "want text, got %s", kindName(n))
	}
	return n.Value, nil
}
