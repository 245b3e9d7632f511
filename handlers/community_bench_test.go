package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// BenchmarkCommunityPage measures the server time of a community's page with 50 threads
// (each with replies), 20 upcoming and 10 past events, for a visitor and for a signed-in
// member (whose session is read on every request). Issue 6 asks for a p50 under 5 ms.
//
//	go test -run '^$' -bench CommunityPage -benchtime 2000x ./handlers/
func BenchmarkCommunityPage(b *testing.B) {
	clock := time.Now().UTC()
	h, svc := newTestServer(b, testServer{now: func() time.Time { return clock }})
	operator := convene.WithOperator(context.Background())
	ada, err := svc.CreateAccount(operator, service.AccountCreate{Username: "ada", Email: "ada@example.org",
		Password: "correct horse battery", Role: convene.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateCommunity(operator, service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners",
		Summary: "People who *convene* in Surrey.", Region: "Surrey"}); err != nil {
		b.Fatal(err)
	}
	asAda := convene.WithPrincipal(context.Background(), convene.Principal{Account: ada})
	for i := range 50 {
		p, err := svc.CreateThread(asAda, service.ThreadCreate{Community: "surrey", Title: fmt.Sprintf("Thread %d", i),
			Body: "A discussion about *seeds* and #gardening, number " + fmt.Sprint(i)})
		if err != nil {
			b.Fatal(err)
		}
		for range 3 {
			if _, err := svc.Reply(asAda, p.ID, "I agree."); err != nil {
				b.Fatal(err)
			}
		}
	}
	event := func(start time.Time, i int) {
		in := service.EventInput{Community: "surrey", Title: fmt.Sprintf("Meetup %d", i), Description: "We meet.",
			Start: start.Format("2006-01-02T15:04"), End: start.Add(2 * time.Hour).Format("2006-01-02T15:04"),
			Timezone: "Europe/London", Place: convene.Place{Name: "Guildford Library", Locality: "Guildford"}}
		if _, err := svc.CreateEvent(asAda, in); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 20 {
		event(clock.AddDate(0, 0, i+1), i)
	}
	// Past events are made while the clock stands a year back.
	now := clock
	clock = now.AddDate(-1, 0, 0)
	for i := range 10 {
		event(clock.AddDate(0, 0, i+1), 20+i)
	}
	clock = now
	token, _, err := svc.SignIn(context.Background(), "ada", "correct horse battery", "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}

	for _, viewer := range []struct{ name, cookie string }{{"visitor", ""}, {"member", "__Host-convene_session=" + token}} {
		b.Run(viewer.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/c/surrey", nil)
			req.Header.Set("Accept", "text/html")
			if viewer.cookie != "" {
				req.Header.Set("Cookie", viewer.cookie+"; __Host-convene_csrf=")
			}
			latencies := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				latencies = append(latencies, time.Since(start))
				if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `href="/p/`) < 50 {
					b.Fatalf("community page = %d with %d thread links", rec.Code, strings.Count(rec.Body.String(), `href="/p/`))
				}
			}
			b.StopTimer()
			sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
			b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
