# A nightly audit for CI: every built-in check that applies to a project,
# JUnit for the CI server, exit code 1 on a failing check at or above
# --fail-on. Keys come from the CI secret store as environment variables.
#
# Try it against the sandbox with the quick start's data:
#   gpaudit check --sandbox examples/quickstart/snapshot examples/nightly-ci

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

cohort "active_manual_blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
  filter  = { type = "manual", status = 1, deleted = false }
}

cohort "google_links" {
  source  = source.gamepot.main
  dataset = "linkings"
  filter  = { provider = "google" }
}

check "manual_block_max_days" {
  title    = "No active manual block longer than 30 days"
  cohort   = cohort.active_manual_blocks
  policy   = "gamepot.blocks.max_duration"
  severity = "high"
  tags     = ["nightly", "blocks"]
}

check "google_link_email" {
  title    = "Every live google link has an email"
  cohort   = cohort.google_links
  policy   = "gamepot.linkings.email_required"
  severity = "medium"
  tags     = ["nightly", "linkings"]
}
