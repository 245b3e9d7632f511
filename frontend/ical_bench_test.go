package frontend_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
)

// BenchmarkICalendar renders a full calendar feed: 500 events (the most FindEvents gives a
// feed) over two years, half in Europe/London and half in America/New_York, two in three with
// a place, one in ten cancelled and one in fifty deleted. It reports the feed's size
// (feed-bytes, and as SetBytes, so MB/s is feed written per second).
//
//	go test -run '^$' -bench ICalendar -benchmem ./frontend/
func BenchmarkICalendar(b *testing.B) {
	published := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	updated := time.Date(2026, 2, 6, 10, 30, 0, 0, time.UTC)
	first := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	lat, lon := 51.2362, -0.5704
	events := make([]*convene.Event, 500)
	for i := range events {
		id := "01J" + strconv.Itoa(100000+i)
		start := first.Add(time.Duration(i) * 35 * time.Hour) // about two years in all
		end := start.Add(2 * time.Hour)
		e := &convene.Event{
			ID: id, IRI: "https://convene.example/e/" + id, URL: "https://convene.example/e/" + id,
			Title:    "Walk and talk #" + strconv.Itoa(i),
			Content:  `<p>Meet at the gate; bring <a href="https://convene.example/kit">boots</a> &amp; water.</p><p>All welcome.</p>`,
			StartsAt: start, EndsAt: &end, Timezone: "Europe/London",
			Status: convene.EventScheduled, Category: "OUTDOORS_ADVENTURE", Public: true,
			Sequence: i % 4, PublishedAt: published, UpdatedAt: updated,
		}
		if i%2 == 1 {
			e.Timezone = "America/New_York"
		}
		if i%3 != 0 {
			e.Place = convene.Place{Name: "The Green", Street: "1 High St", PostalCode: "GU1 3AA",
				Locality: "Guildford", Region: "Surrey", Country: "GB", Latitude: &lat, Longitude: &lon}
		} else {
			e.OnlineURL = "https://meet.example/walk-" + id
		}
		if i%10 == 7 {
			e.Status = convene.EventCancelled
		}
		if i%50 == 13 {
			deleted := updated.Add(time.Duration(i) * time.Minute)
			e.DeletedAt, e.Content = &deleted, ""
		}
		events[i] = e
	}
	cal := frontend.Calendar{Name: "The surrey", Description: "Walks and talks in Surrey",
		URL: "https://convene.example/c/surrey/events", Now: updated}

	feed, err := frontend.ICalendar(cal, events)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(feed)))
	b.ResetTimer()
	for range b.N {
		if _, err := frontend.ICalendar(cal, events); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(feed)), "feed-bytes") // after ResetTimer, which drops metrics
}
