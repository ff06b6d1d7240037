package test.clock

deny contains {
	"msg": "clock",
	"now": input.now,
	"now_ns": input.now_ns,
	"time_now_ns": time.now_ns(),
	"same": time.now_ns() == input.now_ns,
	"parsed": time.parse_rfc3339_ns(input.now) == input.now_ns,
}
