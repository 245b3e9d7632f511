package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// BenchmarkHomeTimelineAPI measures GET /api/v1/timelines/home?limit=20 through the whole
// stack (token check, rate limit, timeline query, rendering 20 statuses with their authors,
// mentions, tags, likes and boosts) on SQLite, for a member of a community with 200 threads
// and replies by 10 people.
//
//	go test -run '^$' -bench HomeTimelineAPI -benchtime 250x ./handlers/
//
// (250 requests: the token's rate limit allows 300 in five minutes.)
func BenchmarkHomeTimelineAPI(b *testing.B) {
	h, svc := newTestServer(b, testServer{})
	operator := convene.WithOperator(context.Background())
	var people []*convene.Account
	for i := range 10 {
		a, err := svc.CreateAccount(operator, service.AccountCreate{Username: fmt.Sprintf("member%d", i),
			Email: fmt.Sprintf("m%d@example.org", i), Password: "correct horse battery"})
		if err != nil {
			b.Fatal(err)
		}
		people = append(people, a)
	}
	if _, err := svc.CreateCommunity(operator, service.CommunityCreate{Slug: "surrey", Name: "Surrey", Owner: "member0"}); err != nil {
		b.Fatal(err)
	}
	as := func(a *convene.Account) context.Context {
		return convene.WithPrincipal(context.Background(), convene.Principal{Account: a})
	}
	for _, a := range people[1:] {
		if _, err := svc.Join(as(a), "surrey"); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 200 {
		author := people[i%len(people)]
		p, err := svc.CreateThread(as(author), service.ThreadCreate{Community: "surrey", Title: fmt.Sprintf("Thread %d", i),
			Body: fmt.Sprintf("About #seeds, @member%d, number %d", (i+1)%10, i)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Reply(as(people[(i+3)%len(people)]), p.ID, "Agreed."); err != nil {
			b.Fatal(err)
		}
	}
	app, secret, err := svc.RegisterApp(context.Background(), service.AppCreate{Name: "bench", RedirectURIs: []string{convene.OOBRedirectURI},
		Scopes: "read write"})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := svc.PasswordGrant(context.Background(), service.ClientAuth{ClientID: app.ClientID, ClientSecret: secret},
		"member1", "correct horse battery", "read", "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/timelines/home?limit=20", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		latencies = append(latencies, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("home = %d %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
}
