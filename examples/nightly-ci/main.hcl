# A nightly audit for CI: every built-in check that applies to a project,
# JUnit for the CI server, exit code 1 on a failing check at or above
# --fail-on. Keys come from the CI secret store as environment variables.
#
# Try it against the sandbox with the quick start's data:
#   gpaudit check --sandbox examples/quickstart/snapshot examples/nightly-ci
#
# Each night's JSON report is the next night's baseline, so the build fails
# only on findings that are new since (github-actions.yml, gitlab-ci.yml):
#   gpaudit check --fail-on high --out json=gpaudit.json examples/nightly-ci
#   gpaudit check --fail-on high --baseline gpaudit.json --out json=tonight.json examples/nightly-ci

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

cohort "active_blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
  filter  = { status = 1, deleted = false }
}

cohort "all_links" {
  source  = source.gamepot.main
  dataset = "linkings"
}

cohort "deleted_members" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  filter  = { deleted = true }
}

cohort "blocked_members" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.active_manual_blocks
}

check "block_expired_but_on" {
  title    = "No block still switched on after it ended"
  cohort   = cohort.active_blocks
  policy   = "gamepot.blocks.expired_still_active"
  severity = "medium"
  tags     = ["nightly", "blocks"]
}

check "one_active_block_each" {
  title    = "No player has two active blocks at once"
  cohort   = cohort.active_blocks
  policy   = "gamepot.blocks.duplicate_active"
  severity = "low"
  tags     = ["nightly", "blocks"]
}

check "one_link_per_provider" {
  title    = "No player has two live links of one provider"
  cohort   = cohort.all_links
  policy   = "gamepot.linkings.max_per_provider"
  severity = "low"
  tags     = ["nightly", "linkings"]
}

check "blocked_not_in_chat" {
  title    = "Blocked players are not online in chat"
  cohort   = cohort.blocked_members
  policy   = "ncloud_chat.members.blocked_still_online"
  with     = { blocks = cohort.active_manual_blocks }
  severity = "high"
  tags     = ["nightly", "chat"]
}

check "erasure_push_tokens" {
  title    = "Deleted chat members keep no push token"
  cohort   = cohort.deleted_members
  policy   = "ncloud_chat.members.deleted_keeps_push_token"
  severity = "high"
  tags     = ["nightly", "privacy"]
}
