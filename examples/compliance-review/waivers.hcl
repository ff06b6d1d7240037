# Findings the review accepts for a while, each with a reason, an owner and
# an expiry. A waived finding stays in the report, marked "waived_by"; it
# no longer fails its check. The report lists every waiver with its status:
# active (it waived something), unused (it matched nothing: remove it) or
# expired (its findings count again; gpaudit warns on stderr).
#
# Evaluate as if there were none, the auditor's view of everything that
# fails:
#   gpaudit check --snapshot examples/compliance-review/snapshot \
#     --as-of 2026-11-22T00:00:00Z --no-waivers examples/compliance-review

# Active: two siblings share one LINE account, which support verified. Both
# of CR-12's findings are waived, so CR-12 passes.
waiver "sr_2291_shared_family_account" {
  check    = check.cr12_one_account_one_player
  subjects = ["850c27e5-ee6b-4b49-b424-9485a901bab0", "d6a45653-5242-4466-8207-e29159c6737c"]
  reason   = "SR-2291: two siblings share one LINE account; support verified the family link."
  owner    = "trust-safety@example.com"
  expires  = "2027-03-31"
}

# Expired: the data fix was due at the end of October; the block's finding
# counts again.
waiver "dq_118_block_window_fix" {
  check   = check.cr8_block_window
  records = ["TWVtYmVyQmxvY2s6OTliYTM4N2VhOGEwODhhMWUxMTM5YmI5"]
  reason  = "DQ-118: the import that swapped startedAt and endedAt is being corrected."
  owner   = "data-quality@example.com"
  expires = "2026-10-31"
}

# Unused: the player re-linked with a supported provider, so nothing matches
# any more. Remove it.
waiver "sr_2104_legacy_provider" {
  check    = check.cr13_known_providers
  subjects = ["5f0e2c1a-7b3d-4e8f-9a6b-2c4d8e1f3a5b"]
  reason   = "SR-2104: legacy provider kept until the player re-links."
  owner    = "trust-safety@example.com"
  expires  = "2027-01-31"
}
