package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// listen runs d's bus listener until the test ends and returns what it receives.
func listen(t *testing.T, url string, d *db.DB) <-chan convene.StreamEvent {
	t.Helper()
	bus, err := db.NewNotifyBus(d, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan convene.StreamEvent, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.Listen(ctx, func(ev convene.StreamEvent) { got <- ev }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Listen ended with %v, want context.Canceled", err)
		}
	})
	return got
}

// publishUntilHeard publishes ev from bus until the listener hears it (the listener starts
// asynchronously and LISTEN only hears what is sent after it), and returns the first events.
func publishUntilHeard(t *testing.T, bus *db.NotifyBus, ev convene.StreamEvent, got <-chan convene.StreamEvent) convene.StreamEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if err := bus.Publish(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-got:
			return e
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatal("the other process never heard the event")
		}
	}
}

func TestNotifyBusDeliversAcrossProcesses(t *testing.T) {
	url := dbtest.PostgresURL(t)
	ctx := context.Background()
	open := func() *db.DB {
		d, err := db.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	one, two := open(), open()
	if _, err := one.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got := listen(t, url, two)
	pub, err := db.NewNotifyBus(one, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := convene.StreamEvent{Kind: convene.StreamUpdate, PostID: "01POST", Public: true, Local: true,
		Tags: []string{"gardens"}, Accounts: []string{"01ALICE", "01BOB"}}
	first := publishUntilHeard(t, pub, ev, got)
	if first.Kind != ev.Kind || first.PostID != ev.PostID || !first.Public || !first.Local ||
		!slices.Equal(first.Tags, ev.Tags) || !slices.Equal(first.Accounts, ev.Accounts) {
		t.Fatalf("received %+v, want %+v", first, ev)
	}

	// An audience too long for one NOTIFY arrives in parts that together name everyone,
	// with the public parts of the event once.
	var many []string
	for i := range 1000 {
		many = append(many, fmt.Sprintf("01ACCOUNT%017d", i))
	}
	big := convene.StreamEvent{Kind: convene.StreamDelete, PostID: "01BIG", Public: true, Accounts: many}
	if err := pub.Publish(ctx, big); err != nil {
		t.Fatal(err)
	}
	var heard []string
	publics := 0
	for len(heard) < len(many) {
		select {
		case e := <-got:
			if e.PostID == ev.PostID {
				continue // a late retry of publishUntilHeard
			}
			if e.PostID != "01BIG" || e.Kind != convene.StreamDelete {
				t.Fatalf("unexpected event %+v", e)
			}
			if e.Public {
				publics++
			}
			heard = append(heard, e.Accounts...)
		case <-time.After(10 * time.Second):
			t.Fatalf("heard %d of %d accounts", len(heard), len(many))
		}
	}
	if !slices.Equal(heard, many) || publics != 1 {
		t.Fatalf("heard %d accounts (in order: %v), %d public parts; want all in order, one public part",
			len(heard), slices.Equal(heard, many), publics)
	}
}

func TestNotifyBusNeedsPostgreSQL(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	if _, err := db.NewNotifyBus(d, "sqlite:x", nil); err == nil {
		t.Fatal("a NOTIFY bus on SQLite was accepted")
	}
}
