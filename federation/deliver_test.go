package federation

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// sink is a loopback inbox that answers with scripted statuses and records what arrived.
type sink struct {
	retryAfter string // sent with every answer when set
	software   string // the NodeInfo software name served, when set
	mu         sync.Mutex
	statuses   []int // answered in order; the last repeats
	times      []time.Time
	bodies     []string
	verified   []bool
	srv        *httptest.Server
}

func newSink(t *testing.T, statuses ...int) *sink {
	s := &sink{statuses: statuses}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.serveNodeInfo(w, r) {
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, sigErr := ParseSignature(r)
		s.mu.Lock()
		status := s.statuses[min(len(s.times), len(s.statuses)-1)]
		s.times = append(s.times, time.Now())
		s.bodies = append(s.bodies, string(body))
		s.verified = append(s.verified, sigErr == nil && r.Header.Get("Digest") != "")
		s.mu.Unlock()
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// serveNodeInfo answers NodeInfo discovery as the sink's software, if it has one.
func (s *sink) serveNodeInfo(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case s.software == "" || r.Method != http.MethodGet:
		return false
	case r.URL.Path == "/.well-known/nodeinfo":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.0","href":"%s/nodeinfo/2.0"}]}`, s.srv.URL)
	case r.URL.Path == "/nodeinfo/2.0":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"version":"2.0","software":{"name":%q,"version":"1"}}`, s.software)
	default:
		return false
	}
	return true
}

// bodies returns what arrived, in order.
func (s *sink) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func (s *sink) arrivals() ([]time.Time, []bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.times...), append([]bool(nil), s.verified...)
}

// newDeliverer starts a deliverer with a fast backoff (base, doubling) and stops it at cleanup.
func newDeliverer(t *testing.T, env *testEnv, base time.Duration) *Deliverer {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := NewDeliverer(DelivererConfig{
		Store: env.store, IRIs: env.iris, Keys: env.keys, Client: env.fetcher.Client(),
		Log: log, Software: NewSoftware(env.store, env.fetcher, log),
		Backoff: func(n int) time.Duration { return base << n }, Poll: 10 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return d
}

// followedBy records a remote follower of surrey whose inbox is the sink.
func followedBy(t *testing.T, env *testEnv, iri, inbox, sharedInbox string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	a := &convene.RemoteActor{ID: convene.NewID(), IRI: iri, Type: "Person", Username: "x", Domain: hostOf(iri),
		Inbox: inbox, SharedInbox: sharedInbox, KeyID: iri + "#main-key", PublicKeyPEM: "unused", FetchedAt: now, CreatedAt: now}
	if err := env.store.UpsertRemoteActor(ctx, a); err != nil {
		t.Fatal(err)
	}
	f := &convene.Follow{ID: convene.NewID(), ActivityIRI: iri + "/follow", Follower: iri, Followee: env.iris.Group("surrey"),
		State: convene.FollowAccepted, CreatedAt: now, UpdatedAt: now}
	if err := env.store.CreateFollow(ctx, f); err != nil {
		t.Fatal(err)
	}
}

// announceToFollowers queues an activity from surrey to its followers.
func announceToFollowers(t *testing.T, env *testEnv) *convene.Activity {
	t.Helper()
	surrey := env.iris.Group("surrey")
	a := &convene.Activity{ID: convene.NewID(), Type: "Update", Actor: surrey, Object: surrey,
		To: []string{env.iris.Followers(surrey)}, Published: time.Now().UTC()}
	if err := env.store.EnqueueActivity(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDeliveryRetriesUntilAcceptedWithGrowingGaps(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		s := newSink(t, 503, 503, 503, 202)
		followedBy(t, env, s.srv.URL+"/users/zed", s.srv.URL+"/users/zed/inbox", "")
		announceToFollowers(t, env)
		newDeliverer(t, env, 100*time.Millisecond)

		var times []time.Time
		var signed []bool
		eventually(t, 10*time.Second, "four attempts", func() bool { times, signed = s.arrivals(); return len(times) >= 4 })
		time.Sleep(500 * time.Millisecond) // long enough for a wrong fifth attempt
		times, signed = s.arrivals()
		if len(times) != 4 {
			t.Fatalf("%d attempts, want exactly 4 (3 × 503, then 202 once)", len(times))
		}
		// Each gap is at least its backoff (100, 200, 400 ms): the gaps grow. (Comparing gaps
		// with each other instead would fail whenever a busy machine delays one attempt.)
		for i := 1; i < len(times); i++ {
			if gap, least := times[i].Sub(times[i-1]), 100*time.Millisecond<<(i-1); gap < least {
				t.Errorf("gap %d is %s, less than its backoff %s", i, gap, least)
			}
		}
		for i, ok := range signed {
			if !ok {
				t.Errorf("attempt %d was not signed with a digest", i)
			}
		}
		st, _ := d.QueueStats(context.Background())
		if st.DeliveriesDone != 1 || st.DeliveriesPending != 0 {
			t.Errorf("queue = %+v", st)
		}
	})
}

func TestDeliveryGivesUpOnFinalStatuses(t *testing.T) {
	for _, status := range []int{400, 403, 404, 410, 422, 501} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			env := newTestEnv(t, dbtest.OpenSQLite(t))
			s := newSink(t, status)
			followedBy(t, env, s.srv.URL+"/users/zed", s.srv.URL+"/users/zed/inbox", "")
			announceToFollowers(t, env)
			newDeliverer(t, env, 20*time.Millisecond)
			eventually(t, 5*time.Second, "a dead delivery", func() bool {
				st, _ := env.store.QueueStats(context.Background())
				return st.DeliveriesDead == 1
			})
			time.Sleep(100 * time.Millisecond)
			if times, _ := s.arrivals(); len(times) != 1 {
				t.Errorf("%d attempts after %d, want 1", len(times), status)
			}
		})
	}
}

func TestFanOutUsesOneSharedInboxPerServer(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	s := newSink(t, 202)
	shared := s.srv.URL + "/inbox"
	for _, name := range []string{"ann", "ben", "cat"} {
		followedBy(t, env, s.srv.URL+"/users/"+name, s.srv.URL+"/users/"+name+"/inbox", shared)
	}
	other := newSink(t, 202) // a server without a shared inbox
	followedBy(t, env, other.srv.URL+"/users/dan", other.srv.URL+"/users/dan/inbox", "")
	announceToFollowers(t, env)
	newDeliverer(t, env, time.Second)
	eventually(t, 5*time.Second, "both servers reached", func() bool {
		a, _ := s.arrivals()
		b, _ := other.arrivals()
		return len(a) > 0 && len(b) > 0
	})
	time.Sleep(100 * time.Millisecond)
	if a, _ := s.arrivals(); len(a) != 1 {
		t.Errorf("the shared inbox got %d POSTs for 3 followers, want 1", len(a))
	}
}

func TestDeliverySkipsBlockedDomains(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	s := newSink(t, 202)
	followedBy(t, env, s.srv.URL+"/users/zed", s.srv.URL+"/users/zed/inbox", "")
	announceToFollowers(t, env)
	if _, err := env.svc.BlockDomain(convene.WithOperator(context.Background()), "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	d := newDeliverer(t, env, time.Second)
	d.Kick()
	time.Sleep(300 * time.Millisecond)
	if a, _ := s.arrivals(); len(a) != 0 {
		t.Errorf("a blocked domain got %d deliveries", len(a))
	}
}

func TestOutcomeClassification(t *testing.T) {
	for status, want := range map[int]string{
		200: convene.DeliveryDone, 202: convene.DeliveryDone, 400: convene.DeliveryDead, 404: convene.DeliveryDead,
		410: convene.DeliveryDead, 501: convene.DeliveryDead, 401: convene.DeliveryPending, 408: convene.DeliveryPending,
		429: convene.DeliveryPending, 500: convene.DeliveryPending, 503: convene.DeliveryPending,
	} {
		if got := outcome(status, nil); got != want {
			t.Errorf("outcome(%d) = %s, want %s", status, got, want)
		}
	}
	if outcome(0, io.ErrUnexpectedEOF) != convene.DeliveryPending {
		t.Error("a network error is not retried")
	}
}

func TestMastodonBackoffSpansTwoDays(t *testing.T) {
	var total time.Duration
	for n := range maxAttempts - 1 {
		total += mastodonBackoff(n)
	}
	if total < 48*time.Hour {
		t.Errorf("retries span %s, want at least 48 h", total)
	}
}

func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDeliveryToAGoneInboxRemovesTheFollower(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	s := newSink(t, http.StatusGone)
	follower := s.srv.URL + "/users/zed"
	followedBy(t, env, follower, follower+"/inbox", "")
	announceToFollowers(t, env)
	newDeliverer(t, env, time.Second)
	eventually(t, 5*time.Second, "the gone follower removed", func() bool {
		_, err := env.store.FindRemoteActor(context.Background(), follower)
		return convene.ErrorCode(err) == convene.ENOTFOUND
	})
	if n, _ := env.store.CountFollows(context.Background(), convene.FollowFilter{}); n != 0 {
		t.Errorf("%d follows left", n)
	}
}

func TestDeliveryHonoursRetryAfter(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	s := newSink(t, 429, 202)
	s.retryAfter = "1"
	followedBy(t, env, s.srv.URL+"/users/zed", s.srv.URL+"/users/zed/inbox", "")
	announceToFollowers(t, env)
	newDeliverer(t, env, 10*time.Millisecond)
	var times []time.Time
	eventually(t, 5*time.Second, "the retry", func() bool { times, _ = s.arrivals(); return len(times) >= 2 })
	if gap := times[1].Sub(times[0]); gap < time.Second {
		t.Errorf("retried after %s although Retry-After said 1 s", gap)
	}
}

func TestCircuitBreakerOpensAfterRepeatedFailures(t *testing.T) {
	d := NewDeliverer(DelivererConfig{})
	h := d.host("flaky.example")
	now := time.Now()
	for range breakerThreshold - 1 {
		d.trackBreaker(h, false, now)
	}
	if d.breakerOpenUntil(h).After(now) {
		t.Fatal("open before the threshold")
	}
	d.trackBreaker(h, false, now)
	if !d.breakerOpenUntil(h).Equal(now.Add(breakerCoolOff)) {
		t.Errorf("open until %s, want %s", d.breakerOpenUntil(h), now.Add(breakerCoolOff))
	}
}
