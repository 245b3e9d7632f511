package handlers_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/handlers"
	"github.com/convene-social/convene/media"
	"github.com/convene-social/convene/service"
)

func newServer(t *testing.T, ready func(context.Context) error) (*handlers.Server, *service.Service) {
	t.Helper()
	return newServerWith(t, ready, false)
}

// newServerWith builds the whole HTTP surface over a fresh SQLite database, with the inbox
// and (optionally) authorized fetch.
func newServerWith(t *testing.T, ready func(context.Context) error, authorizedFetch bool) (*handlers.Server, *service.Service) {
	t.Helper()
	return newTestServer(t, testServer{ready: ready, authorizedFetch: authorizedFetch})
}

// testServer is what a test may choose about the server newTestServer builds.
type testServer struct {
	ready           func(context.Context) error // nil: always ready
	authorizedFetch bool
	now             func() time.Time                // nil: the wall clock
	newKeyPair      func() (convene.KeyPair, error) // nil: real RSA keys
	allowLoopback   bool                            // federation may reach peers on 127.0.0.0/8
}

// newTestServer builds the whole HTTP surface over a fresh SQLite database, with the inbox.
func newTestServer(t testing.TB, o testServer) (*handlers.Server, *service.Service) {
	t.Helper()
	render, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := dbtest.OpenSQLite(t)
	iris := federation.NewIRIs("https", "convene.test")
	var resolver *federation.Resolver
	files, err := media.NewDisk(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Config{Store: store, IRIs: iris, Logger: log, Now: o.now, NewKeyPair: o.newKeyPair, MediaFiles: files,
		InteractionTemplate: func(ctx context.Context, handle string) (string, error) {
			return resolver.InteractionTemplate(ctx, handle)
		},
		ResolveActor: func(ctx context.Context, iri string) (*convene.RemoteActor, error) {
			return resolver.Actor(ctx, iri)
		}})
	fetcherCfg := federation.FetcherConfig{AllowHost: federation.BlockCheck(store), Timeout: 5 * time.Second}
	if o.allowLoopback {
		fetcherCfg.AllowedNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	}
	resolver = federation.NewResolver(store, iris, federation.NewFetcher(fetcherCfg), log, nil)
	inbox := federation.NewInbox(store, svc, resolver, iris, log)
	if o.ready == nil {
		o.ready = func(context.Context) error { return nil }
	}
	return handlers.New(handlers.Config{Service: svc, Renderer: render, Logger: log, Domain: "convene.test",
		Protocol: "https", Version: "1.2.3", Ready: o.ready, Inbox: inbox, AS2: federation.NewRenderer(iris, store),
		AuthorizedFetch: o.authorizedFetch}), svc
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestHealthz(t *testing.T) {
	h, _ := newServer(t, func(context.Context) error { return errors.New("database down") })
	if rec := get(h, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("/healthz = %d while the database is down; liveness must not depend on it", rec.Code)
	}
}

func TestReadyz(t *testing.T) {
	var dbErr error
	h, _ := newServer(t, func(context.Context) error { return dbErr })
	if rec := get(h, "/readyz"); rec.Code != http.StatusOK {
		t.Errorf("/readyz = %d, want 200", rec.Code)
	}
	dbErr = errors.New("schema at version 1 of 2")
	if rec := get(h, "/readyz"); rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "schema") {
		t.Errorf("/readyz with a stale schema = %d %q, want 503 without details", rec.Code, rec.Body)
	}
	dbErr = nil
	h.Drain()
	if rec := get(h, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining = %d, want 503", rec.Code)
	}
}

func TestHomeListsCommunities(t *testing.T) {
	h, svc := newServer(t, nil)
	rec := get(h, "/")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "No account exists yet") {
		t.Fatalf("fresh home = %d:\n%s", rec.Code, rec.Body)
	}
	ctx := convene.WithOperator(context.Background())
	if _, err := svc.CreateAccount(ctx, service.AccountCreate{Username: "alice", Email: "a@example.org", Password: "correct horse battery", Role: convene.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey <conveners>", Region: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	body := get(h, "/").Body.String()
	if !strings.Contains(body, "Surrey &lt;conveners&gt;") || strings.Contains(body, "No account exists yet") {
		t.Errorf("home = %s", body)
	}
	if !strings.Contains(body, `<html lang="en">`) {
		t.Error("page has no lang")
	}
}

func TestUnknownPathIsAHelpful404(t *testing.T) {
	h, _ := newServer(t, nil)
	rec := get(h, "/no/such/page")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Go to the front page") {
		t.Errorf("404 = %d:\n%s", rec.Code, rec.Body)
	}
	if rec.Header().Get("X-Request-Id") == "" {
		t.Error("404 has no request id")
	}
}

func TestStaticAssetsAreFingerprinted(t *testing.T) {
	h, _ := newServer(t, nil)
	body := get(h, "/").Body.String()
	start := strings.Index(body, `href="/static/style.`)
	if start < 0 {
		t.Fatalf("no stylesheet link in:\n%s", body)
	}
	href := body[start+len(`href="`):]
	href = href[:strings.IndexByte(href, '"')]
	rec := get(h, href)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("GET %s = %d %v", href, rec.Code, rec.Header())
	}
	if rec := get(h, "/static/style.css"); rec.Code != http.StatusNotFound {
		t.Errorf("unfingerprinted asset = %d, want 404", rec.Code)
	}
}

func TestHomeShowsTheLandscape(t *testing.T) {
	h, svc := newServer(t, nil)
	ctx := convene.WithOperator(context.Background())
	ada, err := svc.CreateAccount(ctx, service.AccountCreate{Username: "ada", Email: "ada@example.org", Password: "correct horse battery",
		Role: convene.RoleAdmin, Timezone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners"}); err != nil {
		t.Fatal(err)
	}
	asAda := convene.WithPrincipal(context.Background(), convene.Principal{Account: ada})
	thread, err := svc.CreateThread(asAda, service.ThreadCreate{Community: "surrey", Title: "Seed swap", Body: "Bring seeds"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := svc.CreateEvent(asAda, service.EventInput{Community: "surrey", Title: "Reading group", Start: "2031-02-05T18:30",
		End: "2031-02-05T20:00", Timezone: "Europe/London", Place: convene.Place{Name: "Guildford Library"}})
	if err != nil {
		t.Fatal(err)
	}
	body := get(h, "/").Body.String()
	for _, want := range []string{
		`<a href="/p/` + thread.ID + `">Seed swap</a>`,
		`in <a href="https://convene.test/c/surrey">Surrey conveners</a>`,
		`<a href="` + e.URL + `">Reading group</a>`,
		`Wed 5 Feb 2031, 18:30–20:00 Europe/London`,
		`href="/events.ics"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	if strings.Contains(body, "your time") {
		t.Error("a visitor is shown times in a zone of their own")
	}
	b := newBrowser(t, h)
	_, page := b.get("/login")
	b.post("/login", url.Values{"csrf": {b.formSecret(page)}, "login": {"ada"}, "password": {"correct horse battery"}})
	if _, page := b.get("/"); !strings.Contains(page, "(13:30–15:00 your time, America/New_York)") {
		t.Errorf("home does not give a New Yorker the event's time in her zone:\n%s", page)
	}
}
