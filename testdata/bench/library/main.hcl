# The benchmark library: every built-in policy once, over a snapshot of the
# benchmark set (go run ./testdata/gen -linkings N -out DIR). It is the
# "whole library" figure of scripts/bench.sh and the checks of the engine's
# BenchmarkPolicy100k and BenchmarkLibrary100k; a test keeps it in step with
# the library.
#
#   gpaudit check --snapshot DIR --as-of 2026-11-22T00:00:00Z testdata/bench/library

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

# Every dataset whole: the cohorts hold every record of the snapshot.
cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
}

cohort "v1_blocks" {
  source  = source.gamepot.main
  dataset = "user_block"
  users   = cohort.blocks
}

cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
}

cohort "members" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
}

check "category_required" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.category_required"
}

check "duplicate_active" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.duplicate_active"
}

check "expired_still_active" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.expired_still_active"
}

check "invalid_window" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.invalid_window"
}

check "manual_share_max" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.manual_share_max"
  params = { max_ratio = 0.5 }
}

check "max_duration" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.max_duration"
  params = { max_days = 30, type = "manual" }
}

check "reason_required" {
  cohort = cohort.blocks
  policy = "gamepot.blocks.reason_required"
}

check "block_consistency" {
  cohort = cohort.blocks
  policy = "gamepot.cross.block_consistency"
  with   = { v1 = cohort.v1_blocks }
}

check "duplicate_account" {
  cohort = cohort.links
  policy = "gamepot.linkings.duplicate_account"
}

check "email_required" {
  cohort = cohort.links
  policy = "gamepot.linkings.email_required"
  params = { provider = "google" }
}

check "max_per_provider" {
  cohort = cohort.links
  policy = "gamepot.linkings.max_per_provider"
  params = { max = 1 }
}

check "provider_allowed" {
  cohort = cohort.links
  policy = "gamepot.linkings.provider_allowed"
}

check "blocked_still_online" {
  cohort = cohort.members
  policy = "ncloud_chat.members.blocked_still_online"
  with   = { blocks = cohort.blocks }
}

check "deleted_has_live_links" {
  cohort = cohort.members
  policy = "ncloud_chat.members.deleted_has_live_links"
  with   = { links = cohort.links }
}

check "deleted_keeps_push_token" {
  cohort = cohort.members
  policy = "ncloud_chat.members.deleted_keeps_push_token"
}
