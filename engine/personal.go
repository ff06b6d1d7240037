package engine

import "github.com/gpaudit/gpaudit/mask"

// ShowPII returns an engine like e whose Run leaves personal data in
// findings and errors as the policies and sources gave it (--show-pii).
// e itself keeps masking it.
func (e *Engine) ShowPII() *Engine {
	shown := *e
	shown.showPII = true
	return &shown
}

// private is how a check's result leaves the engine: with the personal
// data of its findings, warnings and error masked (SPEC.md, "Personal
// data"), unless e shows it. It is the one place every report format gets
// its findings from. Subjects and record ids are pseudonymous and stay.
// Findings are sorted again, stably, so that the report is in the order
// SPEC.md fixes as it reads: ties keep the order of the unmasked findings,
// and none that differed before masking is dropped.
func (e *Engine) private(cr CheckResult) CheckResult {
	if e.showPII {
		return cr
	}
	cr.Error = mask.Text(cr.Error)
	for _, fs := range [][]Finding{cr.Findings, cr.Warnings} {
		for i, f := range fs {
			fs[i].Message = mask.Text(f.Message)
			fs[i].Details = mask.Details(f.Details)
		}
		sortFindings(fs)
	}
	return cr
}

// privateText is private for an error message outside a check's result:
// a cohort's, which may quote a server's answer.
func (e *Engine) privateText(s string) string {
	if e.showPII {
		return s
	}
	return mask.Text(s)
}
