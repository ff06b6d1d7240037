// Package policies is gpaudit's built-in Rego library, embedded in the binary.
//
// Each policy is a Rego v1 package whose OPA METADATA gives its title, a
// description stating the exact rule, the datasets it reads (custom.datasets)
// and its parameters with their defaults (custom.params). Each sits beside its
// _test.rego, so `gpaudit test` and `go test` run the same Rego tests.
package policies

import "embed"

// FS holds the built-in policies and their Rego tests, by path below this
// folder, e.g. gamepot/blocks/max_duration.rego and
// gamepot/blocks/max_duration_test.rego, and under lib/ the helper packages
// they share (packages without deny or warn, which are no policies).
//
//go:embed gamepot lib ncloud_chat
var FS embed.FS
