package engine

import (
	"context"
	"time"

	"github.com/gpaudit/gpaudit/config"
)

// Where returns the records of c that WhereKeep keeps, in their order: the
// form the tests and benchmarks read most easily.
func (e *Engine) Where(ctx context.Context, c *config.Cohort, records []map[string]any, now time.Time) ([]map[string]any, error) {
	if c.Where == "" {
		return records, nil
	}
	keep, err := e.WhereKeep(ctx, c, records, nil, now)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(records))
	for i, r := range records {
		if keep[i] {
			out = append(out, r)
		}
	}
	return out, nil
}
