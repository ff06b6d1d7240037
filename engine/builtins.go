package engine

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"
)

// GroupBy is the name of gpaudit's grouping built-in, which policies call
// as gpaudit.group_by(pairs, min).
const GroupBy = "gpaudit.group_by"

// GroupByFields is the name of gpaudit's built-in that groups records by
// some of their fields, which policies call as
// gpaudit.group_by_fields(records, fields, min).
const GroupByFields = "gpaudit.group_by_fields"

// gpaudit.group_by is registered with OPA as soon as the engine is linked
// in, so every evaluation in the process (policies, where expressions,
// gpaudit test, the library's own Rego tests) knows it. It is pure: the
// same arguments give the same result, which needs no network, clock or
// randomness, so it is safe in the sandbox policies run in.
func init() {
	rego.RegisterBuiltin2(&rego.Function{
		Name: GroupBy,
		Description: "Groups an array of [key, value] pairs by key, in one pass over a hash map: " +
			"the groups of at least min values, as [key, values] sorted by key, each group's " +
			"values in the order of the pairs.",
		Decl: types.NewFunction(
			types.Args(
				types.Named("pairs", types.NewArray(nil, types.NewArray([]types.Type{types.A, types.A}, nil))).
					Description("the [key, value] pairs to group"),
				types.Named("min", types.N).Description("the fewest values a group must have to be returned"),
			),
			types.Named("groups", types.NewArray(nil, types.NewArray([]types.Type{types.A, types.NewArray(nil, types.A)}, nil))).
				Description("[key, values] for each key with at least min values, sorted by key"),
		),
	}, groupBy)
	rego.RegisterBuiltin3(&rego.Function{
		Name: GroupByFields,
		Description: "Groups the indexes of records by the values of some of their top-level fields, a " +
			"field's value being its string, or \"\" when it is missing or not a string: the groups of " +
			"at least min records, as [values, indexes] sorted by values, each group's indexes in order.",
		Decl: types.NewFunction(
			types.Args(
				types.Named("records", types.NewArray(nil, types.A)).Description("the records to group"),
				types.Named("fields", types.NewArray(nil, types.S)).Description("the top-level fields to group by"),
				types.Named("min", types.N).Description("the fewest records a group must have to be returned"),
			),
			types.Named("groups", types.NewArray(nil, types.NewArray([]types.Type{types.NewArray(nil, types.S), types.NewArray(nil, types.N)}, nil))).
				Description("[values, indexes] for each combination of values with at least min records, sorted by values"),
		),
	}, groupByFields)
}

// group is one key's values, in the order of the pairs.
type group struct {
	key    *ast.Term
	values []*ast.Term
}

// groupBy is gpaudit.group_by. Sorting a million pairs in Rego to find the
// runs of one key costs tens of seconds (every comparison walks the terms);
// a hash map costs one hash per pair, and only the groups returned are
// sorted.
func groupBy(_ rego.BuiltinContext, pairsTerm, minTerm *ast.Term) (*ast.Term, error) {
	pairs, ok := pairsTerm.Value.(*ast.Array)
	if !ok {
		return nil, fmt.Errorf("%s: operand 1 must be an array of [key, value] pairs, not %s", GroupBy, ast.ValueName(pairsTerm.Value))
	}
	least, err := minOperand(GroupBy, 2, minTerm)
	if err != nil {
		return nil, err
	}

	byHash := make(map[int][]*group, pairs.Len()/2+1)
	var groups []*group
	pairs.Foreach(func(pair *ast.Term) {
		if err != nil {
			return
		}
		kv, ok := pair.Value.(*ast.Array)
		if !ok || kv.Len() != 2 {
			// The pair is not quoted: it may hold a player's email.
			err = fmt.Errorf("%s: operand 1 must hold [key, value] pairs, and holds %s", GroupBy, describePair(pair.Value))
			return
		}
		key, value := kv.Elem(0), kv.Elem(1)
		h := key.Hash()
		for _, g := range byHash[h] {
			if g.key.Equal(key) {
				g.values = append(g.values, value)
				return
			}
		}
		g := &group{key: key, values: []*ast.Term{value}}
		byHash[h] = append(byHash[h], g)
		groups = append(groups, g)
	})
	if err != nil {
		return nil, err
	}
	groups = slices.DeleteFunc(groups, func(g *group) bool { return float64(len(g.values)) < least })
	slices.SortFunc(groups, func(a, b *group) int { return ast.Compare(a.key, b.key) })
	out := make([]*ast.Term, len(groups))
	for i, g := range groups {
		out[i] = ast.ArrayTerm(g.key, ast.ArrayTerm(g.values...))
	}
	return ast.ArrayTerm(out...), nil
}

// fieldGroup is the records of one combination of field values.
type fieldGroup struct {
	values  []string
	indexes []*ast.Term
}

// groupByFields is gpaudit.group_by_fields. It reads the fields of a
// million records in Go, where building [key, index] pairs for
// gpaudit.group_by costs a policy several Rego steps a record; the policy
// then looks only at the records of the groups it gets back.
func groupByFields(_ rego.BuiltinContext, recordsTerm, fieldsTerm, minTerm *ast.Term) (*ast.Term, error) {
	records, ok := recordsTerm.Value.(*ast.Array)
	if !ok {
		return nil, fmt.Errorf("%s: operand 1 must be an array of records, not %s", GroupByFields, ast.ValueName(recordsTerm.Value))
	}
	fieldList, ok := fieldsTerm.Value.(*ast.Array)
	if !ok || fieldList.Len() == 0 {
		return nil, fmt.Errorf("%s: operand 2 must be a non-empty array of field names", GroupByFields)
	}
	fields := make([]*ast.Term, fieldList.Len())
	for i := range fields {
		fields[i] = fieldList.Elem(i)
		if _, ok := fields[i].Value.(ast.String); !ok {
			return nil, fmt.Errorf("%s: operand 2 must hold field names, and holds %s", GroupByFields, describePair(fields[i].Value))
		}
	}
	least, err := minOperand(GroupByFields, 3, minTerm)
	if err != nil {
		return nil, err
	}

	// The key of a record is its values, each after its length, so that no
	// two combinations of values share one.
	byKey := map[string]*fieldGroup{}
	var groups []*fieldGroup
	var key []byte
	values := make([]string, len(fields))
	for i := range records.Len() {
		obj, _ := records.Elem(i).Value.(ast.Object)
		key = key[:0]
		for j, f := range fields {
			values[j] = ""
			if obj != nil {
				if v := obj.Get(f); v != nil {
					if s, ok := v.Value.(ast.String); ok {
						values[j] = string(s)
					}
				}
			}
			key = binary.AppendUvarint(key, uint64(len(values[j])))
			key = append(key, values[j]...)
		}
		g, ok := byKey[string(key)]
		if !ok {
			g = &fieldGroup{values: slices.Clone(values)}
			byKey[string(key)] = g
			groups = append(groups, g)
		}
		g.indexes = append(g.indexes, ast.InternedTerm(i))
	}
	groups = slices.DeleteFunc(groups, func(g *fieldGroup) bool { return float64(len(g.indexes)) < least })
	slices.SortFunc(groups, func(a, b *fieldGroup) int { return slices.Compare(a.values, b.values) })
	out := make([]*ast.Term, len(groups))
	for i, g := range groups {
		vals := make([]*ast.Term, len(g.values))
		for j, v := range g.values {
			vals[j] = ast.StringTerm(v)
		}
		out[i] = ast.ArrayTerm(ast.ArrayTerm(vals...), ast.ArrayTerm(g.indexes...))
	}
	return ast.ArrayTerm(out...), nil
}

// minOperand reads the min operand (the n-th) of the built-in name.
func minOperand(name string, n int, t *ast.Term) (float64, error) {
	number, ok := t.Value.(ast.Number)
	if !ok {
		return 0, fmt.Errorf("%s: operand %d must be a number, not %s", name, n, ast.ValueName(t.Value))
	}
	least, ok := number.Float64()
	if !ok || math.IsNaN(least) {
		return 0, fmt.Errorf("%s: operand %d is not a usable number: %v", name, n, number)
	}
	return least, nil
}

// describePair says what an element of pairs is, without its contents.
func describePair(v ast.Value) string {
	if arr, ok := v.(*ast.Array); ok {
		return fmt.Sprintf("an array of %d", arr.Len())
	}
	return "a " + ast.ValueName(v)
}
