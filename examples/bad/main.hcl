# Mistakes on purpose: `gpaudit validate examples/bad` lists every one of
# them at once, the HCL ones and the policy that does not compile, each with
# its file, line and columns, and the nearest name where one is near.

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}

cohort "active_manual_blocks" {
  source  = source.gamepot.main
  dataset = "memberblocks"
  filter  = { type = "manual", status = 1 }
}

check "manual_block_max_days" {
  cohort   = cohort.active_manual_block
  policy   = "gamepot.blocks.max_duration"
  severity = "hihg"
}

check "reason_given" {
  cohort = cohort.active_manual_blocks
  policy = "team.reason_given"
}
