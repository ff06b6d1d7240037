# A quarterly compliance review: the whole block and link history checked
# against written rules, on a saved snapshot (the evidence), with the clock
# pinned so anyone can re-run it and get the same bytes.
#
#   gpaudit check --snapshot examples/compliance-review/snapshot \
#     --as-of 2026-11-22T00:00:00Z --format json examples/compliance-review
#
# The snapshot was taken with:
#   gpaudit fetch --out examples/compliance-review/snapshot examples/compliance-review
#
# review-2026-11-22.json is that command's report, kept as evidence beside the
# snapshot; waivers.hcl holds the findings the review accepted, each with an
# owner and an expiry. The next review holds its findings against this one:
# only those that are new since fail it, and those gone are listed resolved.
#   gpaudit check --snapshot examples/compliance-review/snapshot \
#     --as-of 2026-11-22T00:00:00Z --baseline examples/compliance-review/review-2026-11-22.json \
#     examples/compliance-review

variable "max_manual_days" {
  type        = number
  default     = 30
  description = "Policy CR-7: a manual block lasts at most this long."
}

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
}

cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
}

cohort "members" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
}

check "cr7_manual_block_length" {
  title    = "CR-7: no active manual block longer than ${var.max_manual_days} days"
  cohort   = cohort.blocks
  policy   = "gamepot.blocks.max_duration"
  params   = { max_days = var.max_manual_days }
  severity = "high"
  tags     = ["blocks"]
}

check "cr8_block_window" {
  title    = "CR-8: every block ends after it starts"
  cohort   = cohort.blocks
  policy   = "gamepot.blocks.invalid_window"
  severity = "medium"
  tags     = ["blocks"]
}

check "cr9_block_reason" {
  title    = "CR-9: every block gives the player a reason"
  cohort   = cohort.blocks
  policy   = "gamepot.blocks.reason_required"
  severity = "medium"
  tags     = ["blocks"]
}

check "cr10_block_category" {
  title    = "CR-10: every manual block is categorised"
  cohort   = cohort.blocks
  policy   = "gamepot.blocks.category_required"
  severity = "low"
  tags     = ["blocks"]
}

check "cr11_manual_share" {
  title    = "CR-11: at most half of the active blocks are manual"
  cohort   = cohort.blocks
  policy   = "gamepot.blocks.manual_share_max"
  severity = "info"
  tags     = ["blocks"]
}

check "cr12_one_account_one_player" {
  title    = "CR-12: no external account is linked to two players"
  cohort   = cohort.links
  policy   = "gamepot.linkings.duplicate_account"
  severity = "high"
  tags     = ["links"]
}

check "cr13_known_providers" {
  title    = "CR-13: players link only providers we support"
  cohort   = cohort.links
  policy   = "gamepot.linkings.provider_allowed"
  severity = "medium"
  tags     = ["links"]
}

check "cr14_erasure_push_tokens" {
  title    = "CR-14: deleted chat members keep no push token"
  cohort   = cohort.members
  policy   = "ncloud_chat.members.deleted_keeps_push_token"
  severity = "high"
  tags     = ["privacy"]
}
