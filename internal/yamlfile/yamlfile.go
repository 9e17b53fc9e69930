package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Error is a refused file: where, which field, and why.
type Error struct {
	File   string
	Line   int
	Column int
	Field  string // dotted path, e.g. "keypad.keys[3].code"
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Decode parses data into v, refusing unknown fields and wrong types, and
// returns the document's root mapping so a later validation error can be
// placed with Locate. what names the kind of file for an empty document
// ("empty profile").
func Decode(file string, data []byte, v any, what string) (*yaml.Node, error) {
	root, err := Root(file, data, what)
	if err != nil {
		return nil, err
	}
	return root, Strict(file, data, v)
}

// Root parses data as a node tree, for checks that must see the document
// before it is decoded into types.
func Root(file string, data []byte, what string) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, decodeError(file, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty " + what}
	}
	return root.Content[0], nil
}

// Strict decodes data into v, refusing unknown fields and wrong types.
func Strict(file string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return decodeError(file, err)
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

func decodeError(file string, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Msg: m[2]}
	}
	return &Error{File: file, Msg: msg}
}

// fieldError is a validation failure at a dotted path, not yet placed.
type fieldError struct{ path, msg string }

func (e *fieldError) Error() string { return e.path + ": " + e.msg }

// Invalid is what a validator returns for a bad value at path.
func Invalid(path, format string, args ...any) error {
	return &fieldError{path: path, msg: fmt.Sprintf(format, args...)}
}

// Locate turns a validator's error into an *Error: an Invalid one at the
// line and column of its path in root, anything else at the file.
func Locate(file string, root *yaml.Node, err error) error {
	var fe *fieldError
	if errors.As(err, &fe) {
		line, col := position(root, fe.path)
		return &Error{File: file, Line: line, Column: col, Field: fe.path, Msg: fe.msg}
	}
	return &Error{File: file, Msg: err.Error()}
}

// FindKey reports the line of the first mapping key named key anywhere
// below n, for refusing a key the types would otherwise accept.
func FindKey(n *yaml.Node, key string) (int, bool) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line, true
			}
		}
	}
	for _, c := range n.Content {
		if line, ok := FindKey(c, key); ok {
			return line, true
		}
	}
	return 0, false
}

// position finds a dotted path such as "keypad.keys[3].code", falling
// back to the nearest ancestor that exists.
func position(n *yaml.Node, path string) (int, int) {
	line, col := n.Line, n.Column
	for _, part := range strings.Split(path, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			idx, _ = strconv.Atoi(strings.TrimSuffix(part[i+1:], "]"))
		}
		next := mappingValue(n, name)
		if next == nil {
			return line, col
		}
		n = next
		line, col = n.Line, n.Column
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line, col
			}
			n = n.Content[idx]
			line, col = n.Line, n.Column
		}
	}
	return line, col
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
