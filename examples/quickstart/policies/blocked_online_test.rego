package quickstart.chat.blocked_online_test

import data.quickstart.chat.blocked_online

now := "2026-11-22T00:00:00Z"

now_ns := time.parse_rfc3339_ns(now)

block(id, member, ended) := {
	"id": id, "member_id": member, "status": 1, "deleted": false,
	"startedAt": "2026-11-01T00:00:00+09:00", "endedAt": ended,
}

test_online_member_with_open_block_is_denied if {
	got := blocked_online.deny with input as {
		"now": now, "now_ns": now_ns,
		"records": [{"id": "p1", "online": true}],
		"cohorts": {"blocks": [block("b1", "p1", null)]},
	}
	count(got) == 1
	some f in got
	f.subject == "p1"
	f.blocks == ["b1"]
}

test_offline_member_passes if {
	got := blocked_online.deny with input as {
		"now": now, "now_ns": now_ns,
		"records": [{"id": "p1", "online": false}],
		"cohorts": {"blocks": [block("b1", "p1", null)]},
	}
	count(got) == 0
}

test_block_that_ended_passes if {
	got := blocked_online.deny with input as {
		"now": now, "now_ns": now_ns,
		"records": [{"id": "p1", "online": true}],
		"cohorts": {"blocks": [block("b1", "p1", "2026-11-10T00:00:00Z")]},
	}
	count(got) == 0
}

test_block_ending_later_counts if {
	got := blocked_online.deny with input as {
		"now": now, "now_ns": now_ns,
		"records": [{"id": "p1", "online": true}],
		"cohorts": {"blocks": [block("b1", "p1", "2027-01-01T09:00:00+09:00")]},
	}
	count(got) == 1
}

test_inactive_or_deleted_blocks_pass if {
	inactive := object.union(block("b1", "p1", null), {"status": 2})
	deleted := object.union(block("b2", "p1", null), {"deleted": true})
	future := object.union(block("b3", "p1", null), {"startedAt": "2027-01-01T00:00:00Z"})
	got := blocked_online.deny with input as {
		"now": now, "now_ns": now_ns,
		"records": [{"id": "p1", "online": true}],
		"cohorts": {"blocks": [inactive, deleted, future]},
	}
	count(got) == 0
}

test_other_players_blocks_do_not_count if {
	got := blocked_online.deny with input as {
		"now": now, "now_ns": now_ns,
		"records": [{"id": "p1", "online": true}, {"id": "p2"}],
		"cohorts": {"blocks": [block("b1", "p9", null)]},
	}
	count(got) == 0
}
