package frontend

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the suggestions must load where the server runs, zoneinfo or not
	"unicode/utf8"
)

func TestTimeZoneSuggestionsAreLoadableIANANames(t *testing.T) {
	zones := (*SettingsPage)(nil).TimeZones()
	if len(zones) < 300 || !slices.Contains(zones, "UTC") {
		t.Fatalf("%d zones; want UTC and the zones of zone.tab", len(zones))
	}
	seen := map[string]bool{}
	for _, z := range zones {
		if _, err := time.LoadLocation(z); err != nil || seen[z] {
			t.Errorf("zone %q: %v (repeated: %v)", z, err, seen[z])
		}
		seen[z] = true
	}
	for _, z := range []string{"Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"} {
		if !seen[z] {
			t.Errorf("%s is not suggested", z)
		}
	}
}

func TestExcerptIsPlainTextCutAtAWord(t *testing.T) {
	if got := Excerpt("<p>I have <em>beans</em> &amp; peas.</p>"); got != "I have beans & peas." {
		t.Errorf("short excerpt = %q", got)
	}
	long := "<p>" + strings.Repeat("seedlings ", 40) + "</p>"
	got := Excerpt(long)
	if n := utf8.RuneCountInString(got); n > excerptLength+1 || !strings.HasSuffix(got, "seedlings…") {
		t.Errorf("long excerpt (%d characters) = %q; want at most %d, cut after a word", n, got, excerptLength+1)
	}
}
