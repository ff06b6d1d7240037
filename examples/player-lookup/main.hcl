# A trust-and-safety lead looks into a few players from a support ticket:
# their blocks (current API and the older v1 endpoint), their chat accounts
# and their account links, in one run.
#
#   gpaudit check --sandbox examples/quickstart/snapshot examples/player-lookup
#
# Put the ids in players.txt (one a line; # starts a comment).

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
  language   = "en"
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

locals {
  # The same list as users_file reads, for the where of the list datasets.
  players = compact([for line in split("\n", file("players.txt")) : trimspace(line) if !can(regex("^\\s*#", line))])
  mine    = "in ${jsonencode(local.players)}"
}

cohort "blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
  where   = "record.member_id ${local.mine}"
}

cohort "v1_blocks" {
  source     = source.gamepot.main
  dataset    = "user_block"
  users_file = "players.txt"
}

cohort "chat" {
  source     = source.ncloud_chat.main
  dataset    = "chat_members"
  users_file = "players.txt"
}

cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
  where   = "record.user_id ${local.mine}"
}

check "block_too_long" {
  title    = "No active manual block longer than 30 days"
  cohort   = cohort.blocks
  policy   = "gamepot.blocks.max_duration"
  severity = "high"
}

check "block_expired_but_on" {
  title    = "No block still switched on after it ended"
  cohort   = cohort.blocks
  policy   = "gamepot.blocks.expired_still_active"
  severity = "medium"
}

check "v1_agrees" {
  title    = "The v1 endpoint says the same about who is blocked now"
  cohort   = cohort.blocks
  policy   = "gamepot.cross.block_consistency"
  with     = { v1 = cohort.v1_blocks }
  severity = "medium"
}

check "blocked_not_in_chat" {
  title    = "Blocked players are not online in chat"
  cohort   = cohort.chat
  policy   = "ncloud_chat.members.blocked_still_online"
  with     = { blocks = cohort.blocks }
  severity = "high"
}

check "left_chat_left_links" {
  title    = "Players who left chat have no live account links"
  cohort   = cohort.chat
  policy   = "ncloud_chat.members.deleted_has_live_links"
  with     = { links = cohort.links }
  severity = "low"
}
