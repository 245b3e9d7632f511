package db

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/convene-social/convene"
)

// TestNotifyPayloadsSplitLargeAudiences checks, without PostgreSQL, how an event too large
// for one NOTIFY is cut: every part fits, the public part comes once, and together the parts
// name every account and list exactly once.
func TestNotifyPayloadsSplitLargeAudiences(t *testing.T) {
	small := convene.StreamEvent{Kind: "update", PostID: convene.NewID(), Public: true, Accounts: []string{convene.NewID()}}
	if parts, err := notifyPayloads(small); err != nil || len(parts) != 1 {
		t.Fatalf("a small event = %d parts, %v; want 1", len(parts), err)
	}

	ev := convene.StreamEvent{Kind: "update", PostID: convene.NewID(), Public: true, Local: true, Tags: []string{"seeds"}}
	for range 1000 {
		ev.Accounts = append(ev.Accounts, convene.NewID())
		ev.Lists = append(ev.Lists, convene.NewID())
	}
	parts, err := notifyPayloads(ev)
	if err != nil || len(parts) < 2 {
		t.Fatalf("1000 accounts = %d parts, %v; want it split", len(parts), err)
	}
	seen, seenLists := map[string]int{}, map[string]int{}
	for i, p := range parts {
		if len(p) > maxNotifyPayload {
			t.Errorf("part %d is %d bytes, over %d", i, len(p), maxNotifyPayload)
		}
		var part convene.StreamEvent
		if err := json.Unmarshal([]byte(p), &part); err != nil {
			t.Fatal(err)
		}
		if part.PostID != ev.PostID || part.Kind != ev.Kind {
			t.Errorf("part %d lost the event: %+v", i, part)
		}
		if (i == 0) != (part.Public && part.Local && len(part.Tags) == 1) {
			t.Errorf("part %d: public %v local %v tags %v; only the first part carries them", i, part.Public, part.Local, part.Tags)
		}
		for _, a := range part.Accounts {
			seen[a]++
		}
		for _, l := range part.Lists {
			seenLists[l]++
		}
	}
	if len(seenLists) != len(ev.Lists) {
		t.Errorf("the parts name %d lists, want %d", len(seenLists), len(ev.Lists))
	}
	for l, n := range seenLists {
		if n != 1 {
			t.Errorf("list %s is in %d parts", l, n)
		}
	}
	if len(seen) != len(ev.Accounts) {
		t.Errorf("the parts name %d accounts, want %d", len(seen), len(ev.Accounts))
	}
	for a, n := range seen {
		if n != 1 {
			t.Errorf("account %s is in %d parts", a, n)
		}
	}

	huge := convene.StreamEvent{Kind: "update", PostID: convene.NewID(), Accounts: []string{strings.Repeat("x", maxNotifyPayload)}}
	if _, err := notifyPayloads(huge); err == nil {
		t.Error("an account id longer than a payload was not refused")
	}
}
