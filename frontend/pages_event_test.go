package frontend

import (
	"testing"
	"time"

	"github.com/convene-social/convene"
)

func TestEventTimesNameTheEventsZoneAndTheViewersWhenItReadsDifferently(t *testing.T) {
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	london := &convene.Event{StartsAt: *at("2026-02-03T18:30:00Z"), EndsAt: at("2026-02-03T20:00:00Z"), Timezone: "Europe/London"}
	open := &convene.Event{StartsAt: *at("2026-02-03T18:30:00Z"), Timezone: "Europe/London"}
	overnight := &convene.Event{StartsAt: *at("2026-07-03T20:00:00Z"), EndsAt: at("2026-07-04T02:00:00Z"), Timezone: "Europe/London"}
	for _, tc := range []struct {
		name   string
		e      *convene.Event
		viewer string
		want   EventTimes
	}{
		{"visitor", london, "", EventTimes{"Tue 3 Feb 2026, 18:30", "20:00", "Europe/London", ""}},
		{"same zone", london, "Europe/London", EventTimes{"Tue 3 Feb 2026, 18:30", "20:00", "Europe/London", ""}},
		{"same clock", london, "Europe/Dublin", EventTimes{"Tue 3 Feb 2026, 18:30", "20:00", "Europe/London", ""}},
		{"an hour on", london, "Europe/Paris", EventTimes{"Tue 3 Feb 2026, 18:30", "20:00", "Europe/London",
			"19:30–21:00 your time, Europe/Paris"}},
		{"the next day", london, "Asia/Tokyo", EventTimes{"Tue 3 Feb 2026, 18:30", "20:00", "Europe/London",
			"Wed 4 Feb 2026, 03:30–05:00 your time, Asia/Tokyo"}},
		{"open end", open, "America/New_York", EventTimes{"Tue 3 Feb 2026, 18:30", "", "Europe/London",
			"13:30 your time, America/New_York"}},
		{"over midnight", overnight, "America/New_York", EventTimes{"Fri 3 Jul 2026, 21:00", "Sat 4 Jul 2026, 03:00", "Europe/London",
			"16:00–22:00 your time, America/New_York"}},
		{"unknown viewer zone", london, "Mars/Olympus", EventTimes{"Tue 3 Feb 2026, 18:30", "20:00", "Europe/London", ""}},
	} {
		if got := NewEventTimes(tc.e, tc.viewer); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestCategoryLabels(t *testing.T) {
	for code, want := range map[string]string{"FOOD_DRINK": "Food and drink", "BOOK_CLUBS": "Book clubs", "MEETING": "Meeting", "": ""} {
		if got := CategoryLabel(code); got != want {
			t.Errorf("CategoryLabel(%s) = %q, want %q", code, got, want)
		}
	}
}
