package main

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// collectionItems fetches the first page of an AS2 collection and returns its items.
func collectionItems(t *testing.T, url string) []string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"?page=true", nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var page struct {
		OrderedItems []string `json:"orderedItems"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &page) != nil {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return page.OrderedItems
}

func listsEventually(t *testing.T, collection, item string) {
	t.Helper()
	eventually(t, 20*time.Second, item+" in "+collection, func() bool {
		return slices.Contains(collectionItems(t, collection), item)
	})
}

func TestTwoInstancesFollowEachOther(t *testing.T) {
	a, b := newInstance(t, nil), newInstance(t, nil)
	a.CLI("correct horse battery\n", "user", "create", "alice", "--email", "alice@example.org", "--admin")
	a.CLI("", "community", "create", "surrey", "--name", "Surrey conveners")
	a.CLI("", "community", "create", "sussex", "--name", "Sussex", "--follow-policy", "approval")
	b.CLI("correct horse battery\n", "user", "create", "bob", "--email", "bob@example.org", "--admin")
	b.CLI("", "community", "create", "kent", "--name", "Kent conveners")
	a.Start()
	b.Start()
	bob, kent := b.URL("/u/bob"), b.URL("/c/kent")

	t.Run("person follows an open community", func(t *testing.T) {
		b.CLI("", "follow", "bob", "@surrey@"+a.Domain)
		listsEventually(t, a.URL("/c/surrey/followers"), bob)
		listsEventually(t, b.URL("/u/bob/following"), a.URL("/c/surrey"))
	})

	t.Run("community follows a community", func(t *testing.T) {
		b.CLI("", "follow", "kent", "@surrey@"+a.Domain)
		listsEventually(t, a.URL("/c/surrey/followers"), kent)
		listsEventually(t, b.URL("/c/kent/following"), a.URL("/c/surrey"))
	})

	t.Run("approval community waits for a moderator", func(t *testing.T) {
		b.CLI("", "follow", "bob", "@sussex@"+a.Domain)
		eventually(t, 20*time.Second, "a pending follow on A", func() bool {
			return strings.Contains(a.CLI("", "follows", "pending", "sussex"), bob)
		})
		if items := collectionItems(t, b.URL("/u/bob/following")); slices.Contains(items, a.URL("/c/sussex")) {
			t.Fatal("the follow counts before a moderator approved it")
		}
		a.CLI("", "follows", "approve", "sussex", bob)
		listsEventually(t, b.URL("/u/bob/following"), a.URL("/c/sussex"))
		listsEventually(t, a.URL("/c/sussex/followers"), bob)
	})
	a.Stop()
	b.Stop()
}

func TestQueuedDeliveriesSurviveKillingTheSender(t *testing.T) {
	a, b := newInstance(t, nil), newInstance(t, nil)
	a.CLI("correct horse battery\n", "user", "create", "alice", "--email", "alice@example.org", "--admin")
	a.CLI("", "community", "create", "surrey", "--name", "Surrey conveners")
	b.CLI("correct horse battery\n", "user", "create", "bob", "--email", "bob@example.org", "--admin")
	a.Start()

	// The Follow is queued while B's server is down, then B is killed with SIGKILL right after
	// it starts, possibly with the delivery claimed but not finished. The queue lives in the
	// database, so the restarted process delivers it (again, if need be: at least once).
	b.CLI("", "follow", "bob", "@surrey@"+a.Domain)
	if out := b.CLI("", "queue"); !strings.Contains(out, "outbox: 1 to fan out") {
		t.Fatalf("queue before start:\n%s", out)
	}
	b.Start()
	b.Kill()
	b.Start()
	listsEventually(t, a.URL("/c/surrey/followers"), b.URL("/u/bob"))
	// If the first B delivered the Follow before it was killed, A's Accept may have found B
	// down; it is then retried after 15 s (Mastodon's first backoff), so this waits longer.
	eventually(t, 60*time.Second, "surrey in bob's following", func() bool {
		return slices.Contains(collectionItems(t, b.URL("/u/bob/following")), a.URL("/c/surrey"))
	})
	b.Stop()
	a.Stop()
}
