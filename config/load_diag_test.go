package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadDiagnostics loads one mistake per row and compares the whole
// printed diagnostic, so a changed message or range fails it.
func TestLoadDiagnostics(t *testing.T) {
	tests := []struct {
		name  string
		main  string
		other map[string]string // more files beside main.hcl and sources.hcl
		opts  Options
		want  string
	}{
		{
			name: "unknown block",
			main: `resource "x" {}
`,
			want: `main.hcl:1,1-9: Unsupported block type; Blocks of type "resource" are not expected here. Did you mean "source"?
  1 | resource "x" {}
    | ^^^^^^^^
`,
		},
		{
			name: "unknown attribute",
			main: `cohort "links" {
  source  = source.gamepot.main
  datset  = "linkings"
}
`,
			want: `main.hcl:1,16-16: Missing required argument; The argument "dataset" is required, but no definition was found.
  1 | cohort "links" {
    |                ^

main.hcl:3,3-9: Unsupported argument; An argument named "datset" is not expected here. Did you mean "dataset"?
  3 |   datset  = "linkings"
    |   ^^^^^^
`,
		},
		{
			name: "several unknown attributes, in source order",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  a      = 1
  b      = 2
  c      = 3
  d      = 4
}
`,
			want: `main.hcl:4,3-4: Unsupported argument; An argument named "a" is not expected here.
  4 |   a      = 1
    |   ^

main.hcl:5,3-4: Unsupported argument; An argument named "b" is not expected here.
  5 |   b      = 2
    |   ^

main.hcl:6,3-4: Unsupported argument; An argument named "c" is not expected here.
  6 |   c      = 3
    |   ^

main.hcl:7,3-4: Unsupported argument; An argument named "d" is not expected here.
  7 |   d      = 4
    |   ^
`,
		},
		{
			name: "missing required attribute",
			main: `check "c" {
  cohort = cohort.blocks
}
`,
			want: `main.hcl:1,11-11: Missing required argument; The argument "policy" is required, but no definition was found.
  1 | check "c" {
    |           ^
`,
		},
		{
			name: "extra label",
			main: `cohort "a" "b" {
  source  = source.gamepot.main
  dataset = "linkings"
}
`,
			want: `main.hcl:1,12-15: Extraneous label for cohort; Only 1 labels (name) are expected for cohort blocks.
  1 | cohort "a" "b" {
    |            ^^^
`,
		},
		{
			name: "invalid name",
			main: `check "1st" {
  cohort = cohort.blocks
  policy = "p"
}
`,
			want: `main.hcl:1,7-12: Invalid check name; A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.
  1 | check "1st" {
    |       ^^^^^
`,
		},
		{
			name: "duplicate cohort across files",
			main: `cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
}
`,
			want: `sources.hcl:11,8-16: Duplicate cohort; Cohort "blocks" was already declared at main.hcl:1.
  11 | cohort "blocks" {
     |        ^^^^^^^^
`,
		},
		{
			name: "duplicate variable",
			main: `variable "x" {
  default = 1
}

variable "x" {
  default = 2
}
`,
			want: `main.hcl:5,10-13: Duplicate variable; Variable "x" was already declared at main.hcl:1.
  5 | variable "x" {
    |          ^^^
`,
		},
		{
			name: "duplicate source",
			main: `source "gamepot" "main" {}
`,
			want: `sources.hcl:1,8-24: Duplicate source; Source "gamepot.main" was already declared at main.hcl:1.
  1 | source "gamepot" "main" {
    |        ^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "duplicate check",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
}
check "c" {
  cohort = cohort.blocks
  policy = "p"
}
`,
			want: `main.hcl:5,7-10: Duplicate check; Check "c" was already declared at main.hcl:1.
  5 | check "c" {
    |       ^^^
`,
		},
		{
			name: "duplicate local across blocks",
			main: `locals {
  a = 1
}
locals {
  a = 2
}
`,
			want: `main.hcl:5,3-4: Duplicate local value; Local value "a" was already declared at main.hcl:2.
  5 |   a = 2
    |   ^
`,
		},
		{
			name: "undeclared variable",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = { max_days = var.max_days }
}
`,
			want: `main.hcl:4,25-37: Reference to undeclared input variable; No input variable named "max_days" is declared.
  4 |   params = { max_days = var.max_days }
    |                         ^^^^^^^^^^^^
`,
		},
		{
			name: "undeclared local",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  title  = "${local.prefix}: blocks"
}
`,
			want: `main.hcl:4,15-27: Reference to undeclared local value; No local value named "prefix" is declared.
  4 |   title  = "${local.prefix}: blocks"
    |               ^^^^^^^^^^^^
`,
		},
		{
			name: "unknown root name",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  title  = each.key
}
`,
			want: `main.hcl:4,12-20: Unknown variable; There is no variable named "each"; references are var.NAME and local.NAME.
  4 |   title  = each.key
    |            ^^^^^^^^
`,
		},
		{
			name: "cohort used as a value",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = { other = cohort.blocks }
}
`,
			want: `main.hcl:4,22-35: Invalid reference; A cohort is not a value; a cohort reference belongs only in a cohort's users and a check's cohort and with.
  4 |   params = { other = cohort.blocks }
    |                      ^^^^^^^^^^^^^
`,
		},
		{
			name: "bare var",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = var
}
`,
			want: `main.hcl:4,12-15: Invalid reference; A reference to var must be followed by a name, like var.name.
  4 |   params = var
    |            ^^^
`,
		},
		{
			name: "undeclared cohort",
			main: `check "c" {
  cohort = cohort.blokcs
  policy = "p"
}
`,
			want: `main.hcl:2,12-25: Reference to undeclared cohort; No cohort "blokcs" is declared. Did you mean cohort.blocks?
  2 |   cohort = cohort.blokcs
    |            ^^^^^^^^^^^^^
`,
		},
		{
			name: "cohort not a reference",
			main: `check "c" {
  cohort = "blocks"
  policy = "p"
}
`,
			want: `main.hcl:2,12-20: Invalid cohort reference; The cohort must be a reference like cohort.active_manual_blocks.
  2 |   cohort = "blocks"
    |            ^^^^^^^^
`,
		},
		{
			name: "misspelt variable, with a suggestion",
			main: `variable "max_days" {
  default = 30
}

check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = { max_days = var.max_day }
}
`,
			want: `main.hcl:8,25-36: Reference to undeclared input variable; No input variable named "max_day" is declared. Did you mean var.max_days?
  8 |   params = { max_days = var.max_day }
    |                         ^^^^^^^^^^^
`,
		},
		{
			name: "misspelt source, with a suggestion",
			main: `cohort "links" {
  source  = source.gamepot.mian
  dataset = "linkings"
}
`,
			want: `main.hcl:2,13-32: Reference to undeclared source; No source "gamepot" "mian" is declared. Did you mean source.gamepot.main?
  2 |   source  = source.gamepot.mian
    |             ^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "misspelt severity, with a suggestion",
			main: `check "c" {
  cohort   = cohort.blocks
  policy   = "p"
  severity = "hihg"
}
`,
			want: `main.hcl:4,14-20: Unknown severity; "hihg" is not a severity; use one of info, low, medium, high, critical. Did you mean "high"?
  4 |   severity = "hihg"
    |              ^^^^^^
`,
		},
		{
			name: "undeclared source",
			main: `cohort "links" {
  source  = source.gamepot.other
  dataset = "linkings"
}
`,
			want: `main.hcl:2,13-33: Reference to undeclared source; No source "gamepot" "other" is declared.
  2 |   source  = source.gamepot.other
    |             ^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "source not a reference",
			main: `cohort "links" {
  source  = "gamepot.main"
  dataset = "linkings"
}
`,
			want: `main.hcl:2,13-27: Invalid source reference; The source must be a reference like source.gamepot.main.
  2 |   source  = "gamepot.main"
    |             ^^^^^^^^^^^^^^
`,
		},
		{
			name: "wrong type",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  tags   = { a = "b" }
}
`,
			want: `main.hcl:4,12-23: Incorrect attribute value type; Inappropriate value for attribute "tags": list of string required.
  4 |   tags   = { a = "b" }
    |            ^^^^^^^^^^^
`,
		},
		{
			name: "null tag",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  tags   = ["a", null]
}
`,
			want: `main.hcl:4,12-23: Invalid tags; Each tag must be a non-empty string.
  4 |   tags   = ["a", null]
    |            ^^^^^^^^^^^
`,
		},
		{
			name: "null required attribute",
			main: `cohort "links" {
  source  = source.gamepot.main
  dataset = null
}
`,
			want: `main.hcl:3,13-17: Missing required argument; The argument "dataset" is required, but it is null.
  3 |   dataset = null
    |             ^^^^
`,
		},
		{
			name: "unknown dataset",
			main: `cohort "links" {
  source  = source.gamepot.main
  dataset = "memberblocks"
}
`,
			want: `main.hcl:3,13-27: Unknown dataset; "memberblocks" is not a dataset; use one of chat_members, linkings, memberblock, user_block. Did you mean "memberblock"?
  3 |   dataset = "memberblocks"
    |             ^^^^^^^^^^^^^^
`,
		},
		{
			name: "unknown severity",
			main: `check "c" {
  cohort   = cohort.blocks
  policy   = "p"
  severity = "urgent"
}
`,
			want: `main.hcl:4,14-22: Unknown severity; "urgent" is not a severity; use one of info, low, medium, high, critical.
  4 |   severity = "urgent"
    |              ^^^^^^^^
`,
		},
		{
			name: "empty policy",
			main: `check "c" {
  cohort = cohort.blocks
  policy = ""
}
`,
			want: `main.hcl:3,12-14: Empty policy; The policy must name a Rego package, like gamepot.blocks.max_duration.
  3 |   policy = ""
    |            ^^
`,
		},
		{
			name: "unknown source kind",
			main: `source "gamepott" "main" {}
`,
			want: `main.hcl:1,8-18: Unknown source kind; "gamepott" is not a source kind; use one of gamepot, ncloud_chat. Did you mean "gamepot"?
  1 | source "gamepott" "main" {}
    |        ^^^^^^^^^^
`,
		},
		{
			name: "language on ncloud_chat",
			main: `source "ncloud_chat" "other" {
  language = "ko"
}
`,
			want: `main.hcl:2,3-11: Unsupported argument; An argument named "language" is not expected here.
  2 |   language = "ko"
    |   ^^^^^^^^
`,
		},
		{
			name: "dataset not served by the source kind",
			main: `cohort "members" {
  source  = source.gamepot.main
  dataset = "chat_members"
}
`,
			want: `main.hcl:3,13-27: Dataset not served by source; The dataset "chat_members" is served by ncloud_chat sources, but source.gamepot.main is of kind gamepot.
  3 |   dataset = "chat_members"
    |             ^^^^^^^^^^^^^^
`,
		},
		{
			name: "filter without list endpoint",
			main: `cohort "user_blocks" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = ["u1"]
  filter  = { type = "manual" }
}
`,
			want: `main.hcl:5,3-9: Argument not supported by dataset; The dataset "user_block" has no list endpoint, so it takes no filter; use users or users_file.
  5 |   filter  = { type = "manual" }
    |   ^^^^^^
`,
		},
		{
			name: "sort without list endpoint",
			main: `cohort "user_blocks" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = ["u1"]
  sort    = { createdAt = "-1" }
}
`,
			want: `main.hcl:5,3-7: Argument not supported by dataset; The dataset "user_block" has no list endpoint, so it takes no sort; use users or users_file.
  5 |   sort    = { createdAt = "-1" }
    |   ^^^^
`,
		},
		{
			name: "filter not an object",
			main: `cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
  filter  = ["google"]
}
`,
			want: `main.hcl:4,13-23: Invalid filter; The filter must be an object, like { provider = "google" }.
  4 |   filter  = ["google"]
    |             ^^^^^^^^^^
`,
		},
		{
			name: "bad sort order",
			main: `cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
  sort    = { createdAt = "desc" }
}
`,
			want: `main.hcl:4,13-35: Invalid sort; The sort must be an object of "1" (ascending) or "-1" (descending) by field, like { createdAt = "-1" }.
  4 |   sort    = { createdAt = "desc" }
    |             ^^^^^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "users on a list-only dataset",
			main: `cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
  users   = ["u1"]
}
`,
			want: `main.hcl:4,3-8: Argument not supported by dataset; The dataset "linkings" cannot be read one player at a time, so it takes no users; use filter to choose players.
  4 |   users   = ["u1"]
    |   ^^^^^
`,
		},
		{
			name: "users_file on a list-only dataset",
			main: `cohort "more_blocks" {
  source     = source.gamepot.main
  dataset    = "memberblock"
  users_file = "ids.txt"
}
`,
			want: `main.hcl:4,3-13: Argument not supported by dataset; The dataset "memberblock" cannot be read one player at a time, so it takes no users_file; use filter to choose players.
  4 |   users_file = "ids.txt"
    |   ^^^^^^^^^^
`,
		},
		{
			name: "users and users_file",
			main: `cohort "user_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users      = ["u1"]
  users_file = "ids.txt"
}
`,
			want: `main.hcl:5,3-13: Conflicting arguments; A cohort takes its players from users or from users_file, not both.
  5 |   users_file = "ids.txt"
    |   ^^^^^^^^^^
`,
		},
		{
			name: "user_block without users",
			main: `cohort "user_blocks" {
  source  = source.gamepot.main
  dataset = "user_block"
}
`,
			want: `main.hcl:3,13-25: Missing users; The dataset "user_block" is read one player at a time; set users or users_file.
  3 |   dataset = "user_block"
    |             ^^^^^^^^^^^^
`,
		},
		{
			name: "users from an undeclared cohort",
			main: `cohort "user_blocks" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = cohort.nope
}
`,
			want: `main.hcl:4,13-24: Reference to undeclared cohort; No cohort "nope" is declared.
  4 |   users   = cohort.nope
    |             ^^^^^^^^^^^
`,
		},
		{
			name: "users of the wrong type",
			main: `cohort "user_blocks" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = { a = "u1" }
}
`,
			want: `main.hcl:4,13-25: Invalid users; The users must be a cohort reference, like cohort.active_manual_blocks, or a list of player ids (non-empty strings).
  4 |   users   = { a = "u1" }
    |             ^^^^^^^^^^^^
`,
		},
		{
			name: "users_file cannot be read",
			main: `cohort "user_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "ids.txt"
}
`,
			want: `main.hcl:4,16-25: Cannot read users_file; read ids.txt: no such file or directory.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^
`,
		},
		{
			name: "users_file ids with white space or control characters inside",
			main: `cohort "user_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "ids.txt"
}
`,
			other: map[string]string{"ids.txt": "p1\r\np2 p3\r\n# a comment\r\np4\tp5\np6\x00\np7\u200b\n  p8  \n"},
			want: `main.hcl:4,16-25: Invalid player id in users_file; ids.txt line 2: "p2 p3" holds white space; each line holds one player id, which is matched exactly.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^

main.hcl:4,16-25: Invalid player id in users_file; ids.txt line 4: "p4\tp5" holds white space; each line holds one player id, which is matched exactly.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^

main.hcl:4,16-25: Invalid player id in users_file; ids.txt line 5: "p6\x00" holds a control character; each line holds one player id, which is matched exactly.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^

main.hcl:4,16-25: Invalid player id in users_file; ids.txt line 6: "p7\u200b" holds an invisible character (U+200B); each line holds one player id, which is matched exactly.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^
`,
		},
		{
			name: "users_file with many bad lines",
			main: `cohort "user_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "ids.txt"
}
`,
			other: map[string]string{"ids.txt": strings.Repeat("a b\n", 25)},
			want: badLines(10) + `main.hcl:4,16-25: Invalid player ids in users_file; 15 more lines of ids.txt hold invalid ids.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^
`,
		},
		{
			name: "users_file not UTF-8",
			main: `cohort "user_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "ids.txt"
}
`,
			other: map[string]string{"ids.txt": "p1\np2\n\xff\xfe\x00\x01"},
			want: `main.hcl:4,16-25: Invalid users_file; ids.txt is not UTF-8 text (line 3); it must hold one player id a line.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^
`,
		},
		{
			name: "literal users with white space",
			main: `cohort "user_blocks" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = ["p1", " p2", "p3 p4", "p5\t"]
}
`,
			want: `main.hcl:4,20-25: Invalid player id; The id " p2" in users holds white space at an end; player ids are matched exactly.
  4 |   users   = ["p1", " p2", "p3 p4", "p5\t"]
    |                    ^^^^^

main.hcl:4,27-34: Invalid player id; The id "p3 p4" in users holds white space; player ids are matched exactly.
  4 |   users   = ["p1", " p2", "p3 p4", "p5\t"]
    |                           ^^^^^^^

main.hcl:4,36-42: Invalid player id; The id "p5\t" in users holds white space at an end; player ids are matched exactly.
  4 |   users   = ["p1", " p2", "p3 p4", "p5\t"]
    |                                    ^^^^^^
`,
		},
		{
			name: "with value not a cohort reference",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  with   = { chat = "blocks" }
}
`,
			want: `main.hcl:4,21-29: Invalid cohort reference; The value of "chat" in with must be a reference like cohort.active_manual_blocks.
  4 |   with   = { chat = "blocks" }
    |                     ^^^^^^^^
`,
		},
		{
			name: "with not an object",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  with   = [cohort.blocks]
}
`,
			want: `main.hcl:4,12-27: Invalid with; The with must be an object of cohort references, like { chat = cohort.blocked_in_chat }.
  4 |   with   = [cohort.blocks]
    |            ^^^^^^^^^^^^^^^
`,
		},
		{
			name: "with key twice",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  with   = { chat = cohort.blocks, chat = cohort.blocks }
}
`,
			want: `main.hcl:4,36-40: Duplicate key in with; The key "chat" is given twice.
  4 |   with   = { chat = cohort.blocks, chat = cohort.blocks }
    |                                    ^^^^
`,
		},
		{
			name: "unknown function",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  title  = uppercase("x")
}
`,
			want: `main.hcl:4,12-21: Call to unknown function; There is no function named "uppercase".
  4 |   title  = uppercase("x")
    |            ^^^^^^^^^
`,
		},
		{
			name: "env unset outside a source",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  params = { team = env("TEAM") }
}
`,
			want: `main.hcl:4,21-25: Error in function call; Call to function "env" failed: environment variable "TEAM" is not set.
  4 |   params = { team = env("TEAM") }
    |                     ^^^^
`,
		},
		{
			name: "unknown function in a source",
			main: `source "gamepot" "other" {
  api_key = secret("KEY")
}
`,
			want: `main.hcl:2,13-19: Call to unknown function; There is no function named "secret".
  2 |   api_key = secret("KEY")
    |             ^^^^^^
`,
		},
		{
			name: "env() in a check title",
			main: `check "c" {
  cohort = cohort.blocks
  policy = "p"
  title  = "Blocks of team ${env("TEAM")}"
}
`,
			opts: Options{Environ: []string{"TEAM=trust"}},
			want: `main.hcl:4,30-41: Sensitive value not allowed here; The title uses a sensitive value, env("TEAM"), and would show in reports. Sensitive variables and env() are for a source's attributes and a check's params; a setting that is not secret belongs in a variable, which GPAUDIT_VAR_<name> sets from the environment.
  4 |   title  = "Blocks of team ${env("TEAM")}"
    |                              ^^^^^^^^^^^
`,
		},
		{
			name: "a sensitive variable in a where, through a local",
			main: `variable "token" {
  default   = "t0ken-abc"
  sensitive = true
}

locals {
  match = "record.reason == \"${var.token}\""
}

cohort "c" {
  source  = source.gamepot.main
  dataset = "memberblock"
  filter  = { type = var.token }
  where   = local.match
}
`,
			want: `main.hcl:13,22-31: Sensitive value not allowed here; The filter uses a sensitive value, var.token, and would show in plan output and snapshots. Sensitive variables and env() are for a source's attributes and a check's params; a setting that is not secret belongs in a variable, which GPAUDIT_VAR_<name> sets from the environment.
  13 |   filter  = { type = var.token }
     |                      ^^^^^^^^^

main.hcl:14,13-24: Sensitive value not allowed here; The where uses a sensitive value, local.match (from var.token), and would show in plan output. Sensitive variables and env() are for a source's attributes and a check's params; a setting that is not secret belongs in a variable, which GPAUDIT_VAR_<name> sets from the environment.
  14 |   where   = local.match
     |             ^^^^^^^^^^^
`,
		},
		{
			name: "env() in users",
			main: `cohort "c" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = split(",", env("VIP_IDS", ""))
}
`,
			want: `main.hcl:4,24-42: Sensitive value not allowed here; The users uses a sensitive value, env("VIP_IDS"), and would show in snapshots. Sensitive variables and env() are for a source's attributes and a check's params; a setting that is not secret belongs in a variable, which GPAUDIT_VAR_<name> sets from the environment.
  4 |   users   = split(",", env("VIP_IDS", ""))
    |                        ^^^^^^^^^^^^^^^^^^
`,
		},
		{
			name: "a source's static mistakes show without credentials",
			main: `source "gamepot" "x" {
  endpoint   = "dashboard-api.gamepot.ntruss.com"
  project_id = file("project.txt")
  api_key    = env()
  language   = upper(env("LANG"), 1)
}
`,
			want: `main.hcl:2,16-50: Invalid endpoint; The endpoint of source.gamepot.x must be an http or https URL, like https://dashboard-api.gamepot.ntruss.com.
  2 |   endpoint   = "dashboard-api.gamepot.ntruss.com"
    |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

main.hcl:5,35-36: Too many function arguments; Function "upper" expects only 1 argument(s).
  5 |   language   = upper(env("LANG"), 1)
    |                                   ^

main.hcl:3,16-21: Error in function call; Call to function "file" failed: read project.txt: no such file or directory.
  3 |   project_id = file("project.txt")
    |                ^^^^^

main.hcl:4,20-21: Not enough function arguments; Function "env" expects at least 1 argument(s). Missing value for "name".
`,
		},
		{
			name: "cohort cycle",
			main: `cohort "a" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.b
}

cohort "b" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.a
}
`,
			want: `main.hcl:10,13-21: Circular reference between cohorts; The cohorts use each other as users: cohort.a → cohort.b → cohort.a.
  10 |   users   = cohort.a
     |             ^^^^^^^^
`,
		},
		{
			name: "local cycle",
			main: `locals {
  a = local.b
  b = "${local.c}-x"
  c = local.a
}
`,
			want: `main.hcl:4,7-14: Circular reference between local values; The local values refer to each other: local.a → local.b → local.c → local.a.
  4 |   c = local.a
    |       ^^^^^^^
`,
		},
		{
			name: "syntax error",
			main: `cohort "links" {
  source = source.gamepot.main
  dataset = "linkings
}
`,
			want: `main.hcl:3,22-4,1: Invalid multi-line string; Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \n escape to represent a newline character or use the "heredoc" multi-line template syntax.
  3 |   dataset = "linkings
    |                      ^

main.hcl:4,2-5,1: Invalid multi-line string; Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \n escape to represent a newline character or use the "heredoc" multi-line template syntax.
  4 | }
    |  ^

main.hcl:3,22-4,1: Unterminated template string; No closing marker was found for the string.
  3 |   dataset = "linkings
    |                      ^
`,
		},
		{
			name: "default of the wrong type",
			main: `variable "days" {
  type    = number
  default = "thirty"
}
`,
			want: `main.hcl:3,13-21: Invalid default value for variable; The default is not a valid number: a number is required.
  3 |   default = "thirty"
    |             ^^^^^^^^
`,
		},
		{
			name: "required variable without value",
			main: `variable "days" {
  type = number
}
`,
			want: `main.hcl:1,1-16: No value for required variable; The variable "days" has no default; set it with --var days=VALUE, a --var-file or the environment variable GPAUDIT_VAR_days.
  1 | variable "days" {
    | ^^^^^^^^^^^^^^^
`,
		},
		{
			name: "bad --var",
			main: `variable "days" {
  default = 1
}
`,
			opts: Options{Vars: []string{"days=2", "days"}},
			want: `Error: Invalid --var option; Each --var must be NAME=VALUE, like --var max_days=30; --var number 2 is not.
`,
		},
		{
			name: "undeclared --var",
			main: `variable "days" {
  default = 1
}
`,
			opts: Options{Vars: []string{"dayz=2"}},
			want: `Error: Undeclared variable; A variable named "dayz" is set with --var but is not declared in the configuration.
`,
		},
		{
			name: "--var of the wrong type",
			main: `variable "days" {
  type    = number
  default = 1
}
`,
			opts: Options{Vars: []string{"days=thirty"}},
			want: `<value for var.days>:1,1-7: Invalid value for input variable; The value for var.days given with --var is not a valid number: variables not allowed. A value of this type is written in HCL syntax, like 30, true or ["a", "b"].
`,
		},
		{
			name: "--var that is not an expression",
			main: `variable "ids" {
  type    = list(string)
  default = []
}
`,
			opts: Options{Vars: []string{`ids=["a",`}},
			want: `<value for var.ids>:1,6-6: Invalid value for input variable; The value for var.ids given with --var is not a valid list(string): missing expression. A value of this type is written in HCL syntax, like 30, true or ["a", "b"].
`,
		},
		{
			name: "environment variable of the wrong type",
			main: `variable "days" {
  type    = number
  default = 1
}
`,
			opts: Options{Environ: []string{"GPAUDIT_VAR_days=[1]"}},
			want: `<value for var.days>:1,1-4: Invalid value for input variable; The value for var.days from the environment variable GPAUDIT_VAR_days is not a valid number: number required, but have tuple.
`,
		},
		{
			name: "undeclared variable in a var-file",
			main: `variable "days" {
  default = 1
}
`,
			other: map[string]string{"prod.vars": "days = 2\ndayz = 3\n"},
			opts:  Options{VarFiles: []string{"prod.vars"}},
			want: `prod.vars:2,1-5: Undeclared variable; A variable named "dayz" is set in prod.vars but is not declared in the configuration.
  2 | dayz = 3
    | ^^^^
`,
		},
		{
			name: "var-file value of the wrong type",
			main: `variable "days" {
  type    = number
  default = 1
}
`,
			other: map[string]string{"prod.json": `{"days": "thirty"}`},
			opts:  Options{VarFiles: []string{"prod.json"}},
			want: `prod.json:1,10-18: Invalid value for input variable; The value for var.days in prod.json is not a valid number: a number is required.
  1 | {"days": "thirty"}
    |          ^^^^^^^^
`,
		},
		{
			name: "var-file cannot be read",
			main: `variable "days" {
  default = 1
}
`,
			opts: Options{VarFiles: []string{"nope.vars"}},
			want: `Error: Cannot read variables file; open nope.vars: no such file or directory.
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := loadMain(t, tt.main, tt.other, tt.opts)
			got := diagText(t, cfg.Files, diags)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// badLines is the diagnostics of the first n lines of a users_file in
// which every line is "a b".
func badLines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `main.hcl:4,16-25: Invalid player id in users_file; ids.txt line %d: "a b" holds white space; each line holds one player id, which is matched exactly.
  4 |   users_file = "ids.txt"
    |                ^^^^^^^^^

`, i)
	}
	return b.String()
}
