package db_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// BenchmarkEventAgenda measures the three agenda queries of the events feature on 100,000
// events (ten years of past events and about 200 to come, across 20 communities, surrey's
// calendar adding a few hundred shared events): the instance's upcoming events, surrey's
// upcoming events and surrey's archive. Each reports its p50 and p99 latency.
//
//	go test -run '^$' -bench EventAgenda -benchtime 1000x ./db/
func BenchmarkEventAgenda(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchEventAgenda(b, dbtest.OpenSQLite(b), nil) })
	b.Run("postgres", func(b *testing.B) {
		// Opened here rather than by dbtest.OpenPostgres, for the URL: the statistics are
		// refreshed over a connection of the benchmark's, as autovacuum would within a
		// minute of the load. Without them the instance agenda read every live event through
		// events_starts (p50 43 ms).
		url := dbtest.PostgresURL(b)
		d, err := db.Open(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { d.Close() })
		if _, err := d.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		benchEventAgenda(b, d, func(ctx context.Context) error {
			conn, err := sql.Open("postgres", url)
			if err != nil {
				return err
			}
			defer conn.Close()
			_, err = conn.ExecContext(ctx, "ANALYZE events, shares")
			return err
		})
	})
}

// benchEventAgenda seeds d, then runs the three queries as sub-benchmarks. analyze, when
// not nil, refreshes the planner's statistics after the load (d.Optimize does on SQLite).
func benchEventAgenda(b *testing.B, d *db.DB, analyze func(context.Context) error) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	start := time.Now()
	if err := seedEvents(ctx, d, now, 100_000); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded 100,000 events in %s", time.Since(start).Round(time.Millisecond))
	if err := d.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	if analyze != nil {
		if err := analyze(ctx); err != nil {
			b.Fatal(err)
		}
	}

	tests := []struct {
		name   string
		filter convene.EventFilter
	}{
		{"instance-upcoming", convene.EventFilter{EndsAfter: now, PublicOnly: true, Limit: 50}},
		{"community-upcoming", convene.EventFilter{CommunityIRI: surreyIRI, EndsAfter: now, PublicOnly: true, Limit: 20}},
		{"community-past", convene.EventFilter{CommunityIRI: surreyIRI, EndsBefore: now, PublicOnly: true, Limit: 10}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			latencies := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				list, err := d.FindEvents(ctx, tt.filter)
				latencies = append(latencies, time.Since(start))
				if err != nil || len(list) == 0 {
					b.Fatalf("FindEvents = %d, %v", len(list), err)
				}
			}
			b.StopTimer()
			sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
			b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
			query, args := db.EventsQueryForTest(tt.filter)
			plan, err := d.ExplainForTest(ctx, query, args...)
			if err != nil {
				b.Fatalf("explain: %v", err)
			}
			b.Logf("plan:\n%s", plan)
		})
	}
}

// seedEvents inserts n events, one INSERT each in a single transaction: about 200 still to
// come within four months of now, the rest over in the ten years before it. They belong to
// 20 communities: surrey (local, so a community row) and 19 elsewhere whose events are
// listed here; one remote event in 200 is shared with surrey, and one upcoming in five,
// most shares accepted.
func seedEvents(ctx context.Context, d *db.DB, now time.Time, n int) error {
	alice := newAccount("alice")
	if err := d.CreateAccount(ctx, alice, testKeys("alice")); err != nil {
		return err
	}
	c := newCommunity("surrey", alice.ID)
	if err := d.CreateCommunity(ctx, c, testKeys("surrey")); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2026, 12))
	const upcoming, decade, months = 200, 10 * 365 * 24 * time.Hour, 120 * 24 * time.Hour
	return d.InTx(ctx, func(s convene.Store) error {
		for i := range n {
			var starts time.Time
			if i%(n/upcoming) == 0 {
				starts = now.Add(time.Hour + time.Duration(rng.Int64N(int64(months))))
			} else {
				starts = now.Add(-24*time.Hour - time.Duration(rng.Int64N(int64(decade))))
			}
			starts = starts.Truncate(time.Minute)
			title := "Meet " + strconv.Itoa(i)
			community := rng.IntN(20)
			var e *convene.Event
			if community == 0 {
				e = newEvent(alice, c, title, starts, 1+rng.IntN(4))
			} else {
				e = remoteEvent(title, starts)
				e.CommunityIRI = "https://mobilizon.example/@group" + strconv.Itoa(community)
				e.Listed = true
				if hours := rng.IntN(5); hours > 0 { // a fifth open-ended
					end := starts.Add(time.Duration(hours) * time.Hour)
					e.EndsAt = &end
				}
			}
			e.Public = i%50 != 1 // a few followers-only
			if err := s.CreateEvent(ctx, e); err != nil {
				return err
			}
			if community != 0 && (i%200 == 3 || i%2500 == 0) {
				state := convene.ShareAccepted
				if i%2000 == 3 {
					state = convene.SharePending
				}
				if err := s.CreateShare(ctx, newShare(e.IRI, surreyIRI, c.ID, state)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
