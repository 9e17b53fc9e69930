// Package yamlfile decodes the project's YAML files (device profiles,
// terminal config) strictly and reports every refusal the same way: the
// file, the line and column, the dotted field path, and what is wrong. A
// value that decodes but fails validation is located in the document by its
// path, so the message points at the offending line, not the file's top.
package yamlfile
