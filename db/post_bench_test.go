package db_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// BenchmarkCommunityPage measures the community page's query — the newest 50 public threads
// of a community holding 100,000 posts — and reports its p50 and p99 latency.
//
//	go test -run '^$' -bench CommunityPage -benchtime 2000x ./db/
func BenchmarkCommunityPage(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchCommunityPage(b, dbtest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchCommunityPage(b, dbtest.OpenPostgres(b)) })
}

func benchCommunityPage(b *testing.B, d *db.DB) {
	ctx := context.Background()
	owner := newAccount("owner")
	if err := d.CreateAccount(ctx, owner, testKeys("owner")); err != nil {
		b.Fatal(err)
	}
	c := newCommunity("surrey", owner.ID)
	if err := d.CreateCommunity(ctx, c, testKeys("surrey")); err != nil {
		b.Fatal(err)
	}
	if err := d.SeedPostsForTest(ctx, c.ID, 100_000); err != nil {
		b.Fatal(err)
	}
	if err := d.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	filter := convene.PostFilter{CommunityID: c.ID, ThreadsOnly: true, PublicOnly: true, Limit: 50}
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		list, err := d.FindPosts(ctx, filter)
		latencies = append(latencies, time.Since(start))
		if err != nil || len(list) != 50 {
			b.Fatalf("FindPosts = %d, %v", len(list), err)
		}
	}
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	plan, _ := d.ExplainForTest(ctx, `SELECT id FROM posts WHERE community_id = ? AND parent_id = '' AND visibility = ?
		ORDER BY id DESC LIMIT 50`, c.ID, convene.VisibilityPublic)
	b.Logf("plan:\n%s", plan)
}
