package convene_test

import (
	"sort"
	"testing"
	"time"

	"github.com/convene-social/convene"
)

func TestIDsSortByCreation(t *testing.T) {
	ids := make([]string, 10000) // many share a millisecond: order must still hold
	for i := range ids {
		ids[i] = convene.NewID()
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("ids made in sequence do not sort in sequence")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if len(id) != 26 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

func TestIDTimeRoundTrip(t *testing.T) {
	at := time.Date(2026, 2, 3, 18, 30, 0, 123000000, time.UTC)
	id := convene.NewIDAt(at)
	got, ok := convene.IDTime(id)
	if !ok || !got.Equal(at) {
		t.Errorf("IDTime(%s) = %v, %v; want %v", id, got, ok, at)
	}
	if older := convene.NewIDAt(at.Add(-time.Hour)); older >= convene.NewIDAt(at.Add(time.Hour)) {
		t.Error("an earlier time gave a later id")
	}
	for _, bad := range []string{"", "short", "8ZZZZZZZZZZZZZZZZZZZZZZZZZ", "01ARZ3NDEKTSV4RRFFQ69G5FA!"} {
		if _, ok := convene.IDTime(bad); ok {
			t.Errorf("IDTime(%q) accepted", bad)
		}
	}
}

func TestValidateName(t *testing.T) {
	for name, ok := range map[string]bool{
		"alice": true, "a": true, "al_ice": true, "a.b": true, "a-b.c": true, "a..b": true, "a1": true,
		"": false, ".a": false, "a.": false, "-a": false, "a b": false, "Alice": false, "al@ice": false,
		"abcdefghijabcdefghijabcdefghij": true, "abcdefghijabcdefghijabcdefghijk": false,
	} {
		if err := convene.ValidateName("username", name); (err == nil) != ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	err := convene.Errorf(convene.ECONFLICT, "the name %q is already taken", "alice")
	wrapped := fmtWrap(err)
	if convene.ErrorCode(wrapped) != convene.ECONFLICT || convene.ErrorMessage(wrapped) != `the name "alice" is already taken` {
		t.Errorf("wrapped error lost its kind: %v", wrapped)
	}
	plain := errString("disk on fire at /var/lib")
	if convene.ErrorCode(plain) != convene.EINTERNAL || convene.ErrorMessage(plain) != "Internal error." {
		t.Error("an internal error's details would reach the user")
	}
	if convene.ErrorCode(nil) != "" {
		t.Error("nil has a code")
	}
}
