# The quick start: a GAMEPOT project and its Ncloud Chat project, checked
# for the two most common trust-and-safety questions plus one team-specific
# rule written in Rego (policies/blocked_online.rego).
#
# Offline, against the bundled snapshot:
#   gpaudit check --snapshot examples/quickstart/snapshot examples/quickstart

variable "max_block_days" {
  type        = number
  default     = 30
  description = "Longest a manual block may stay active."
}

locals {
  compliance = ["compliance"]
}

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
  language   = "en"
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

# Manual blocks that are switched on and have started.
cohort "active_manual_blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
  filter  = { type = "manual", status = 1, deleted = false }
  where   = "time.parse_rfc3339_ns(record.startedAt) <= input.now_ns"
}

cohort "google_links" {
  source  = source.gamepot.main
  dataset = "linkings"
  filter  = { provider = "google" }
}

cohort "facebook_links" {
  source  = source.gamepot.main
  dataset = "linkings"
  filter  = { provider = "facebook" }
}

# The chat accounts of the players blocked above: one lookup per player.
cohort "blocked_in_chat" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
  users   = cohort.active_manual_blocks
}

# The older v1 block endpoint, for a list of players support asked about.
cohort "support_watchlist" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "watchlist.txt"
}

check "manual_block_max_days" {
  title    = "No active manual block longer than ${var.max_block_days} days"
  cohort   = cohort.active_manual_blocks
  policy   = "gamepot.blocks.max_duration"
  params   = { max_days = var.max_block_days, type = "manual" }
  severity = "high"
  tags     = concat(local.compliance, ["blocks"])
}

check "google_link_email" {
  title    = "Every live google link has an email"
  cohort   = cohort.google_links
  policy   = "gamepot.linkings.email_required"
  params   = { provider = "google" }
  severity = "medium"
  tags     = concat(local.compliance, ["linkings"])
}

# Our facebook login asks for the email scope, so every live link has one.
check "facebook_link_email" {
  title    = "Every live facebook link has an email"
  cohort   = cohort.facebook_links
  policy   = "gamepot.linkings.email_required"
  params   = { provider = "facebook" }
  severity = "medium"
  tags     = concat(local.compliance, ["linkings"])
}

check "blocked_players_offline" {
  title    = "Players under an active block are not online in chat"
  cohort   = cohort.blocked_in_chat
  policy   = "quickstart.chat.blocked_online"
  with     = { blocks = cohort.active_manual_blocks }
  severity = "high"
  tags     = ["chat", "blocks"]
}

check "watchlist_block_max_days" {
  title    = "Watch-list players have no manual block longer than ${var.max_block_days} days (v1 API)"
  cohort   = cohort.support_watchlist
  policy   = "gamepot.blocks.max_duration"
  params   = { max_days = var.max_block_days }
  severity = "low"
  tags     = ["blocks"]
}
