# The benchmark's one rule: gamepot.linkings.email_required over every
# linking of a snapshot of the benchmark set, the figure scripts/bench.sh
# sets beside `opa eval` of the same policy on the same records.
#
#   gpaudit check --snapshot DIR --as-of 2026-11-22T00:00:00Z testdata/bench/one-rule

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}

cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
}

check "email_required" {
  cohort = cohort.links
  policy = "gamepot.linkings.email_required"
  params = { provider = "google" }
}
