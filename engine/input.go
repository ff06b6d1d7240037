package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gpaudit/gpaudit/config"
)

// inputOf gives the input of chk's policy p over records, with the
// cohorts it reads with: its params (the policy's defaults and the
// check's), the clock and the check.
func inputOf(chk *config.Check, p *policy, clock clock) (func(records, with *ast.Term) ast.Value, error) {
	// Either may be nil: a policy may declare no parameters, a check give none.
	params := make(map[string]any, len(p.info.Params)+len(chk.Params))
	maps.Copy(params, p.info.Params)
	maps.Copy(params, chk.Params)
	paramsValue, err := ast.InterfaceToValue(params)
	if err != nil {
		return nil, fmt.Errorf("policy %s: convert params: %v", chk.Policy, err)
	}
	tags := make([]*ast.Term, len(chk.Tags))
	for i, t := range chk.Tags {
		tags[i] = ast.StringTerm(t)
	}
	return func(records, with *ast.Term) ast.Value {
		return ast.NewObject(
			ast.Item(ast.InternedTerm("records"), records),
			ast.Item(ast.InternedTerm("params"), ast.NewTerm(paramsValue)),
			ast.Item(ast.InternedTerm("cohorts"), with),
			ast.Item(ast.InternedTerm("now"), clock.now),
			ast.Item(ast.InternedTerm("now_ns"), clock.nowNS),
			ast.Item(ast.InternedTerm("check"), ast.ObjectTerm(
				ast.Item(ast.InternedTerm("name"), ast.StringTerm(chk.Name)),
				ast.Item(ast.InternedTerm("severity"), ast.StringTerm(chk.Severity)),
				ast.Item(ast.InternedTerm("tags"), ast.ArrayTerm(tags...)),
			)),
		)
	}, nil
}

// partitionMin is the partition_min of chk's policy p: the number it
// declares, or what its rule gives for input, the check's input over no
// records and no cohorts; 0 when it declares none or the rule is
// undefined.
func partitionMin(ctx context.Context, chk *config.Check, p *policy, input ast.Value, clock clock) (float64, error) {
	if p.minQuery == nil {
		return p.info.PartitionMin, nil
	}
	rule := p.info.PartitionMinRule
	rs, err := p.minQuery.Eval(ctx, rego.EvalParsedInput(input),
		rego.EvalTime(clock.time), rego.EvalSeed(clock.seed("partition_min "+chk.Name)))
	if err != nil {
		return 0, fmt.Errorf("evaluate %s, the partition_min of policy %s: %v", rule, p.info.Name, err)
	}
	if len(rs) == 0 {
		return 0, nil
	}
	x := rs[0].Bindings["x"]
	n, ok := x.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%s, the partition_min of policy %s, is %s, not a number", rule, p.info.Name, show(x))
	}
	v, err := n.Float64()
	if err != nil {
		// Not the number: floor(1e400) has 400 digits.
		return 0, fmt.Errorf("%s, the partition_min of policy %s, is too large a number", rule, p.info.Name)
	}
	return v, nil
}
