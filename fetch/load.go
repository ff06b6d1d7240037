package fetch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/gpaudit/gpaudit/config"
	"github.com/gpaudit/gpaudit/dataset"
	"github.com/gpaudit/gpaudit/snapshot"
)

// How a cohort was read, for Stats.Via.
const (
	ViaSnapshot = "snapshot"
	ViaAPI      = "api"
	ViaSandbox  = "sandbox"
)

// Stats says how a cohort was read: from where, with how many requests, and
// whether the records were shown complete.
type Stats struct {
	Via      string // ViaSnapshot, ViaAPI or ViaSandbox
	Requests int    // requests sent, retries included
	Retries  int
	// Verified reports that the records were shown to be all there were:
	// a list held against its count, every player of a per-player cohort
	// answered, a snapshot file whose hash and coverage hold. A list whose
	// endpoint answers no usable count is read but not verified.
	Verified bool
}

// Read is one cohort's records as a Store read them: as Go values, or as
// lines of JSON text (see Cohort.Lines).
type Read struct {
	Records []map[string]any
	Lines   []string
	Stats   Stats
}

// Store serves the records of one cohort: a snapshot offline (see
// FromSnapshot), the Client online. users is nil for a list cohort; for a
// per-player cohort it holds the ids to look up (possibly none). A Store is
// safe for concurrent use: Load reads cohorts at the same time.
type Store interface {
	// Read reads one cohort. On error, the Read still holds the Stats of
	// what was tried.
	Read(ctx context.Context, c *config.Cohort, users []string) (Read, error)
	// Via says how the Store reads: ViaSnapshot, ViaAPI or ViaSandbox.
	Via() string
}

// FromSnapshot serves cohorts from a snapshot, only those it covers, as
// lines of JSON text.
func FromSnapshot(s *snapshot.Snapshot) Store { return snapshotStore{s} }

type snapshotStore struct{ s *snapshot.Snapshot }

func (st snapshotStore) Read(ctx context.Context, c *config.Cohort, users []string) (Read, error) {
	lines, err := st.s.CohortLines(ctx, c, users)
	return Read{Lines: lines, Stats: Stats{Via: ViaSnapshot, Verified: err == nil}}, err
}

func (snapshotStore) Via() string { return ViaSnapshot }

// Refiner applies a cohort's where expression to its records, given as Go
// values or as lines of JSON text (the other is nil), and says which to
// keep. The engine provides it, since where is Rego. It is called for
// several cohorts at the same time.
type Refiner func(ctx context.Context, c *config.Cohort, records []map[string]any, lines []string) (keep []bool, err error)

// Load loads the cohorts named in need and, transitively, the cohorts they
// take their users from, and returns every cohort of cfg in cfg.Cohorts
// order: those outside need and its users cohorts are marked Unused and
// not read. Cohorts are read at the same time, each as soon as its users
// cohort is loaded; the Store's limits (a source's rate limit and
// concurrency) pace the requests, those of cohorts that others wait for
// first. A cohort that cannot be loaded has Err
// set (naming the cohort) and nil Records; a cohort whose users cohort
// failed fails too. Names in need that cfg does not declare come last,
// each with an error.
func Load(ctx context.Context, cfg *config.Config, store Store, need []string, refine Refiner) []Cohort {
	wanted := make(map[string]bool, len(need))
	awaited := make(map[string]bool) // users cohorts of others: fetched first
	for _, c := range cfg.Closure(need) {
		wanted[c.Name] = true
		if c.UsersCohort != "" {
			awaited[c.UsersCohort] = true
		}
	}
	out := make([]Cohort, len(cfg.Cohorts))
	index := make(map[string]int, len(cfg.Cohorts))
	done := make([]chan struct{}, len(cfg.Cohorts))
	for i, c := range cfg.Cohorts {
		out[i] = Cohort{Name: c.Name, Source: c.Source, Dataset: c.Dataset}
		if _, dup := index[c.Name]; !dup {
			index[c.Name] = i
		}
		if wanted[c.Name] {
			done[i] = make(chan struct{})
		} else {
			out[i].Unused = true
			out[i].Stats.Via = store.Via()
		}
	}
	var wg sync.WaitGroup
	for i, c := range cfg.Cohorts {
		if done[i] == nil {
			continue
		}
		wg.Go(func() {
			defer close(done[i])
			var dep *Cohort
			if c.UsersCohort != "" {
				// Only a cohort declared earlier may give users, so the
				// waits always end.
				if j, ok := index[c.UsersCohort]; ok && j < i && done[j] != nil {
					<-done[j]
					dep = &out[j]
				}
			}
			cctx := ctx
			if awaited[c.Name] {
				cctx = withUrgent(ctx)
			}
			read, err := loadCohort(cctx, c, store, refine, dep)
			out[i].Stats = read.Stats
			if err != nil {
				out[i].Err = err // Cohort.Name already says which cohort
				out[i].Stats.Verified = false
				return
			}
			out[i].Records, out[i].Lines = read.Records, read.Lines
		})
	}
	wg.Wait()

	var unknown []string
	for _, name := range need {
		if cfg.Cohort(name) == nil {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range slices.Compact(unknown) {
		out = append(out, Cohort{Name: name, Err: errors.New("not declared"), Stats: Stats{Via: store.Via()}})
	}
	return out
}

// loadCohort loads one cohort. dep is its users cohort, already loaded or
// failed, or nil when it has none or it is not declared before c.
func loadCohort(ctx context.Context, c *config.Cohort, store Store, refine Refiner, dep *Cohort) (Read, error) {
	read := Read{Stats: Stats{Via: store.Via()}}
	if err := ctx.Err(); err != nil {
		return read, err
	}
	users := c.Users
	if c.UsersCohort != "" {
		if dep == nil {
			return read, fmt.Errorf("users cohort %q: not declared before it is used", c.UsersCohort)
		}
		if dep.Err != nil {
			return read, fmt.Errorf("users cohort %q: %w", c.UsersCohort, dep.Err)
		}
		var err error
		if users, err = subjects(*dep); err != nil {
			return read, fmt.Errorf("users cohort %q: %w", c.UsersCohort, err)
		}
	}
	read, err := store.Read(ctx, c, users)
	if err != nil {
		return read, err
	}
	if c.Where != "" {
		if refine == nil {
			return read, errors.New("it has a where expression and nothing to evaluate it")
		}
		keep, err := refine(ctx, c, read.Records, read.Lines)
		if err != nil {
			return read, fmt.Errorf("where: %w", err)
		}
		if read.Lines != nil {
			read.Lines = kept(read.Lines, keep)
		} else {
			read.Records = kept(read.Records, keep)
		}
	}
	if read.Records == nil && read.Lines == nil {
		// Policies see [] rather than null for an empty cohort.
		read.Records = []map[string]any{}
	}
	return read, nil
}

// kept returns the elements of all that keep marks, in order; never nil.
func kept[T any](all []T, keep []bool) []T {
	out := make([]T, 0, len(all))
	for i, x := range all {
		if i < len(keep) && keep[i] {
			out = append(out, x)
		}
	}
	return out
}

// subjects returns the distinct player ids of a cohort's records, sorted,
// and never nil: an empty users cohort means a per-player cohort of no one.
func subjects(c Cohort) ([]string, error) {
	info, ok := dataset.Lookup(c.Dataset)
	if !ok {
		return nil, fmt.Errorf("unknown dataset %q", c.Dataset)
	}
	ids := make([]string, 0, len(c.Records)+len(c.Lines))
	for _, r := range c.Records {
		if id := info.Subject(r); id != "" {
			ids = append(ids, id)
		}
	}
	for _, l := range c.Lines {
		r, err := snapshot.DecodeLine(l)
		if err != nil {
			return nil, fmt.Errorf("decode a record: %w", err)
		}
		if id := info.Subject(r); id != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
