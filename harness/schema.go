package harness

import (
	"encoding/json"
	"reflect"
)

// SchemaID is the schema's $id; editors match it by the file's name.
const SchemaID = "https://github.com/posemu/posemu/docs/scenario.schema.json"

func ref(name string) map[string]any { return map[string]any{"$ref": "#/$defs/" + name} }

// Schema is the JSON Schema of a scenario file, made from the Go types the
// loader decodes into and the registered steps, so the two cannot drift.
func Schema() map[string]any {
	g := &schemaGen{}
	defs := map[string]any{
		"duration": map[string]any{"type": "string", "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`,
			"description": "a duration such as 500ms, 2s or 1m30s"},
		"variable": map[string]any{"type": "string", "pattern": `\$\{[A-Za-z_][A-Za-z0-9_]*\}`,
			"description": "a ${name} to be substituted"},
		"steps":    map[string]any{"type": "array", "items": ref("step"), "description": "steps, run in order"},
		"scenario": g.object(reflect.TypeFor[scenarioDoc](), ""),
		"given":    g.object(reflect.TypeFor[Given](), "the state the scenario starts from"),
	}
	var oneOf []any
	one := func(name, summary string, t reflect.Type) {
		oneOf = append(oneOf, map[string]any{
			"type": "object", "description": summary, "additionalProperties": false,
			"required": []any{name}, "properties": map[string]any{name: g.schema(t, summary)},
		})
	}
	for _, d := range stepsByName() {
		one(d.Name, d.Summary, d.params)
	}
	one(useStep, "run a group's steps here, with its parameters", reflect.TypeFor[UseStep]())
	defs["step"] = map[string]any{"oneOf": oneOf}
	root := g.object(reflect.TypeFor[fileDoc](), "")
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "posemu scenario suite"
	root["description"] = "A suite of YAML scenarios for posemu's scenario engine (docs/scenarios.md)."
	root["$defs"] = defs
	return root
}

// SchemaJSON is Schema as indented JSON, the content of
// docs/scenario.schema.json.
func SchemaJSON() ([]byte, error) {
	b, err := json.MarshalIndent(Schema(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func stepsByName() []*StepDef {
	var out []*StepDef
	for _, n := range StepNames() {
		d, _ := Lookup(n)
		out = append(out, d)
	}
	return out
}

type schemaGen struct{}

var schemaProviderType = reflect.TypeFor[SchemaProvider]()

// scalarOrVar lets a non-text value be written as a ${variable} too.
func scalarOrVar(s map[string]any) map[string]any {
	return map[string]any{"anyOf": []any{s, ref("variable")}}
}

func withDoc(s map[string]any, doc string) map[string]any {
	if doc != "" {
		s["description"] = doc
	}
	return s
}

func (g *schemaGen) schema(t reflect.Type, doc string) map[string]any {
	if t.Implements(schemaProviderType) {
		return withDoc(reflect.Zero(t).Interface().(SchemaProvider).JSONSchema(), doc)
	}
	if reflect.PointerTo(t).Implements(schemaProviderType) {
		return withDoc(reflect.New(t).Interface().(SchemaProvider).JSONSchema(), doc)
	}
	switch t {
	case durationType:
		return withDoc(ref("duration"), doc)
	case anyType:
		return withDoc(map[string]any{}, doc)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem(), doc)
	case reflect.Struct:
		return g.object(t, doc)
	case reflect.String:
		return withDoc(map[string]any{"type": "string"}, doc)
	case reflect.Bool:
		return withDoc(scalarOrVar(map[string]any{"type": "boolean"}), doc)
	case reflect.Int, reflect.Int32, reflect.Int64:
		return withDoc(scalarOrVar(map[string]any{"type": "integer"}), doc)
	case reflect.Float64:
		return withDoc(scalarOrVar(map[string]any{"type": "number"}), doc)
	case reflect.Slice:
		item := g.schema(t.Elem(), "")
		// The decoder takes a single value as a list of one.
		return withDoc(map[string]any{"anyOf": []any{item, map[string]any{"type": "array", "items": item}}}, doc)
	case reflect.Map:
		return withDoc(map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem(), "")}, doc)
	}
	return withDoc(map[string]any{}, doc)
}

// object describes a struct: its keys, the required ones, no others; and
// the shorthand (the value alone) when a field takes it.
func (g *schemaGen) object(t reflect.Type, doc string) map[string]any {
	props := map[string]any{}
	var required []any
	var short map[string]any
	for _, f := range structFields(t) {
		ft := t.FieldByIndex(f.index).Type
		props[f.name] = g.schema(ft, f.doc)
		if f.required {
			required = append(required, f.name)
		}
		if f.shorthand {
			short = g.schema(ft, f.doc)
		}
	}
	obj := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		obj["required"] = required
	}
	var alts []any
	if short != nil {
		alts = append(alts, short)
	}
	if len(required) == 0 && t != reflect.TypeFor[fileDoc]() {
		alts = append(alts, map[string]any{"type": "null"})
	}
	if len(alts) == 0 {
		return withDoc(obj, doc)
	}
	return withDoc(map[string]any{"anyOf": append([]any{obj}, alts...)}, doc)
}
