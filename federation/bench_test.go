package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// BenchmarkInboxReceive measures accepted activities per second through the whole inbox
// path: signature parse, domain-block checks, key lookup (cached actor), RSA-2048
// verification, dedup and the insert into the queue. Signing is the sender's cost, so the
// requests are signed beforehand; run with -benchtime=Nx where N ≤ the pool (4096).
//
//	go test -run '^$' -bench InboxReceive -benchtime 4096x ./federation/
func BenchmarkInboxReceive(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchInbox(b, dbtest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchInbox(b, dbtest.OpenPostgres(b)) })
}

const inboxPool = 4096

func benchInbox(b *testing.B, d *db.DB) {
	if b.N > inboxPool {
		b.Skipf("run with -benchtime=%dx or less: requests are signed beforehand", inboxPool)
	}
	env := newTestEnv(&testing.T{}, d)
	p := newBenchPeer(b)
	actor := p.addActor("person.json")
	if _, err := env.resolver.Actor(context.Background(), actor["id"].(string)); err != nil {
		b.Fatal(err)
	}
	bodies, reqs := signedFollows(b, env, p, actor, b.N)
	var next atomic.Int64
	// An inbox is many concurrent HTTP handlers, not one per core.
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			reqs[i].Body = io.NopCloser(strings.NewReader(bodies[i]))
			if err := env.inbox.Receive(context.Background(), reqs[i]); err != nil {
				b.Error(err)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "activities/s")
	if st, _ := d.QueueStats(context.Background()); st.InboxPending != b.N {
		b.Errorf("queued %d of %d", st.InboxPending, b.N)
	}
}

// signedFollows signs n distinct Follows in parallel.
func signedFollows(b *testing.B, env *testEnv, p *peer, actor map[string]any, n int) ([]string, []*http.Request) {
	bodies, reqs := make([]string, n), make([]*http.Request, n)
	var wg sync.WaitGroup
	for w := range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := w; i < n; i += runtime.GOMAXPROCS(0) {
				body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
					"id": fmt.Sprintf("%s/follows/%d", actor["id"], i), "type": "Follow",
					"actor": actor["id"], "object": env.iris.Group("surrey")})
				req := httptest.NewRequest(http.MethodPost, "https://convene.test/inbox", nil)
				req.Header.Set("Content-Type", "application/activity+json")
				if err := SignRequest(req, body, keyIDOf(actor), p.key, time.Now()); err != nil {
					b.Error(err)
				}
				bodies[i], reqs[i] = string(body), req
			}
		})
	}
	wg.Wait()
	return bodies, reqs
}

func newBenchPeer(b *testing.B) *peer {
	t := &testing.T{}
	p := &peer{t: t, name: "mastodon", host: peerHosts["mastodon"], key: testKey(t, "key_a.pem"), docs: map[string][]byte{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	b.Cleanup(p.srv.Close)
	return p
}

// BenchmarkDeliver measures signed POSTs per second from one activity fanned out to 1,000
// followers with distinct inboxes on a loopback sink that answers 202.
//
//	go test -run '^$' -bench Deliver -benchtime 3x ./federation/
func BenchmarkDeliver(b *testing.B) {
	d := dbtest.OpenSQLite(b)
	env := newTestEnv(&testing.T{}, d)
	var received atomic.Int64
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		received.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer sink.Close()
	const followers = 1000
	for i := range followers {
		iri := fmt.Sprintf("%s/users/u%d", sink.URL, i)
		followedBy(&testing.T{}, env, iri, iri+"/inbox", "")
	}
	deliverer := NewDeliverer(DelivererConfig{
		Store: d, IRIs: env.iris, Keys: env.keys, Client: env.fetcher.Client(),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Workers: 32, PerHost: 32, Poll: 5 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { deliverer.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	b.ResetTimer()
	for i := range b.N {
		announceToFollowers(&testing.T{}, env)
		deliverer.Kick()
		for received.Load() < int64((i+1)*followers) {
			time.Sleep(time.Millisecond)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*followers)/b.Elapsed().Seconds(), "deliveries/s")
}

// BenchmarkFanOut measures turning one new-thread Announce into deliveries for a community
// with 10,000 remote followers on 1,000 servers (shared inboxes): the expansion, host checks
// and inserts, i.e. the time from outbox to queued deliveries.
//
//	go test -run '^$' -bench FanOut -benchtime 20x ./federation/
func BenchmarkFanOut(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchFanOut(b, dbtest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchFanOut(b, dbtest.OpenPostgres(b)) })
}

func benchFanOut(b *testing.B, d *db.DB) {
	env := newTestEnv(&testing.T{}, d)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	group := env.iris.Group("surrey")
	for h := range 1000 {
		shared := fmt.Sprintf("https://host%d.example/inbox", h)
		for u := range 10 {
			iri := fmt.Sprintf("https://host%d.example/users/u%d", h, u)
			a := &convene.RemoteActor{ID: convene.NewID(), IRI: iri, Type: "Person", Username: "u", Domain: hostOf(iri),
				Inbox: iri + "/inbox", SharedInbox: shared, KeyID: iri + "#main-key", PublicKeyPEM: "x", FetchedAt: now, CreatedAt: now}
			if err := d.UpsertRemoteActor(ctx, a); err != nil {
				b.Fatal(err)
			}
			f := &convene.Follow{ID: convene.NewID(), ActivityIRI: iri + "/f", Follower: iri, Followee: group,
				State: convene.FollowAccepted, CreatedAt: now, UpdatedAt: now}
			if err := d.CreateFollow(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	}
	deliverer := NewDeliverer(DelivererConfig{Store: d, IRIs: env.iris, Keys: env.keys,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var worst time.Duration
	b.ResetTimer()
	for range b.N {
		a := &convene.Activity{ID: convene.NewID(), Type: "Announce", Actor: group, Object: "https://convene.test/p/x",
			To: []string{convene.PublicIRI, env.iris.Followers(group)}, Published: now}
		start := time.Now()
		inboxes, err := deliverer.recipients(ctx, a)
		if err == nil {
			err = d.EnqueueActivity(ctx, a)
		}
		if err == nil {
			err = d.FanOut(ctx, a.ID, inboxes, now)
		}
		if err != nil || len(inboxes) != 1000 {
			b.Fatalf("fan-out = %d inboxes, %v", len(inboxes), err)
		}
		worst = max(worst, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}
