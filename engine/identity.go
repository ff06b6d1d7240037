package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// FindingID is a finding's identity as SPEC.md fixes it: "f-" and the first
// 16 hex digits of the SHA-256 of the check name, the policy, the subject,
// the record id and the key, joined by NUL bytes. The message is left out:
// it carries figures that change with the clock ("lasts 3234.08 days"), and
// the id must not, so that waivers and baselines can follow a finding from
// run to run.
func FindingID(check, policy, subject, recordID, key string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{check, policy, subject, recordID, key}, "\x00")))
	return "f-" + hex.EncodeToString(sum[:8])
}

// identify gives each finding and warning of cr its id. Two findings (or two
// warnings) of one check with one id are the policy's mistake: it must tell
// them apart with a key. A deny finding and a warning may share an id, since
// they are never compared with each other.
func identify(cr *CheckResult) error {
	for _, set := range []struct {
		rule string
		fs   []Finding
	}{{"deny", cr.Findings}, {"warn", cr.Warnings}} {
		first := make(map[string]struct{}, len(set.fs))
		for i := range set.fs {
			f := &set.fs[i]
			f.ID = FindingID(cr.Name, cr.Policy, f.Subject, f.RecordID, f.Key)
			if _, dup := first[f.ID]; dup {
				// The messages are not quoted: they may hold personal data.
				return fmt.Errorf("policy %s: %s gives two findings with the id %s (subject %s, record_id %s, key %s); "+
					"give each finding about one record a distinct \"key\"", cr.Policy, set.rule, f.ID,
					strconv.Quote(f.Subject), strconv.Quote(f.RecordID), strconv.Quote(f.Key))
			}
			first[f.ID] = struct{}{}
		}
	}
	return nil
}
