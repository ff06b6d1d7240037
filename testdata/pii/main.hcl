# A configuration whose policies cite every email address, IP address, push
# token and advertising id of the records they read, in messages and in
# details at every depth: what a careless custom policy would do. The test of
# masking (pii_test.go) runs it over every bundled snapshot and searches each
# report format for every such value of the data.

source "gamepot" "main" {
  project_id = env("GAMEPOT_PROJECT_ID")
  api_key    = env("GAMEPOT_API_KEY")
}

source "ncloud_chat" "main" {
  project_id = env("NCLOUD_CHAT_PROJECT_ID")
  api_key    = env("NCLOUD_CHAT_API_KEY")
}

cohort "links" {
  source  = source.gamepot.main
  dataset = "linkings"
}

cohort "members" {
  source  = source.ncloud_chat.main
  dataset = "chat_members"
}

check "cite_link_emails" {
  title  = "Every link's email, cited"
  cohort = cohort.links
  policy = "pii.cite_links"
}

check "cite_member_addresses" {
  title  = "Every chat member's IP address, push token and ad id, cited"
  cohort = cohort.members
  policy = "pii.cite_members"
}
