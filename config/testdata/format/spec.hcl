variable "max_block_days" {
type = number
    default=30
  description = "Longest a manual block may stay active."
}

source "gamepot" "main" {                  # kinds: gamepot, ncloud_chat
  endpoint = "https://dashboard-api.gamepot.ntruss.com"   # this is the default
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    =   env("GAMEPOT_API_KEY")
  language   = "en"
}
cohort "active_manual_blocks" {
  source  = source.gamepot.main
  dataset = "memberblock"
  filter  = { type = "manual",status = 1,deleted = false }
}



check "manual_block_max_days" {
	title = "No active manual block longer than ${var.max_block_days} days"
	cohort = cohort.active_manual_blocks
	policy = "gamepot.blocks.max_duration"
	params = {
	max_days = var.max_block_days
	type = "manual"
	}
	tags = [ "compliance","blocks" ]
}
