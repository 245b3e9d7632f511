package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
)

// webFingerPeer answers WebFinger for a few accounts, each with its own subscribe link.
func webFingerPeer(t *testing.T, templates map[string]string) (host string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		user, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Query().Get("resource"), "acct:"), "@")
		tmpl, ok := templates[user]
		if r.URL.Path != "/.well-known/webfinger" || !ok {
			http.NotFound(w, r)
			return
		}
		jrd := JRD{Subject: r.URL.Query().Get("resource"), Links: []JRDLink{{Rel: "self", Type: "application/activity+json", Href: "http://" + r.Host + "/users/" + user}}}
		if tmpl != "" {
			jrd.Links = append(jrd.Links, JRDLink{Rel: subscribeRel, Template: strings.ReplaceAll(tmpl, "HOST", r.Host)})
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		json.NewEncoder(w).Encode(jrd)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), hits
}

func TestInteractionTemplateFromWebFinger(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	host, _ := webFingerPeer(t, map[string]string{
		"alice": "http://HOST/authorize_interaction?uri={uri}",
		"bob":   "",
		"carol": "http://HOST/authorize_interaction",
		"dave":  "javascript:alert({uri})",
		"erin":  "https://social.example/share?text={uri}",
		"fred":  "//HOST/x?uri={uri}",
	})
	ctx := context.Background()
	got, err := env.resolver.InteractionTemplate(ctx, "@alice@"+host)
	if want := "http://" + host + "/authorize_interaction?uri={uri}"; err != nil || got != want {
		t.Errorf("alice: %q, %v; want %q", got, err, want)
	}
	// Another host than the account's is fine: Mastodon's web domain may differ.
	if got, err := env.resolver.InteractionTemplate(ctx, "erin@"+host); err != nil || got != "https://social.example/share?text={uri}" {
		t.Errorf("erin: %q, %v", got, err)
	}
	for _, user := range []string{"bob", "carol", "dave", "fred", "nobody"} {
		if got, err := env.resolver.InteractionTemplate(ctx, user+"@"+host); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("%s: %q, %v; want not found", user, got, err)
		}
	}
}

func TestInteractionTemplateRefusesBlockedAndPrivateHosts(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	env := newTestEnv(t, d)
	host, hits := webFingerPeer(t, map[string]string{"alice": "http://HOST/authorize_interaction?uri={uri}"})
	ctx := context.Background()
	if err := d.BlockDomain(ctx, "blocked.example", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := env.resolver.InteractionTemplate(ctx, "alice@social.blocked.example"); convene.ErrorCode(err) != convene.EFORBIDDEN {
		t.Errorf("a blocked domain: %v, want forbidden", err)
	}
	if _, err := env.resolver.InteractionTemplate(ctx, "alice@"+host+"/path"); convene.ErrorCode(err) != convene.EINVALID {
		t.Errorf("a malformed handle: %v, want invalid", err)
	}
	// Without the private-network allowance, neither the port nor the address is tried, and
	// an http template would not be accepted either.
	public := NewResolver(d, env.iris, NewFetcher(FetcherConfig{AllowHost: BlockCheck(d)}), env.resolver.log, nil)
	if _, err := public.InteractionTemplate(ctx, "alice@"+host); convene.ErrorCode(err) != convene.EINVALID {
		t.Errorf("a loopback handle on a public server: %v, want invalid", err)
	}
	if hits.Load() != 0 {
		t.Errorf("the peer was asked %d times; refused handles must not be looked up", hits.Load())
	}
	if public.usableTemplate("http://social.example/authorize_interaction?uri={uri}") {
		t.Error("an http template is accepted without the private-network allowance")
	}
}
