package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func remoteActor(iri, domain string) *convene.RemoteActor {
	return &convene.RemoteActor{ID: convene.NewID(), IRI: iri, Type: "Person", Username: "x", Domain: domain,
		Inbox: iri + "/inbox", KeyID: iri + "#main-key", PublicKeyPEM: "pem", FetchedAt: at, CreatedAt: at}
}

func follow(follower, followee string, state convene.FollowState) *convene.Follow {
	return &convene.Follow{ID: convene.NewID(), ActivityIRI: follower + "/follows/" + convene.NewID(), Follower: follower,
		Followee: followee, State: state, CreatedAt: at, UpdatedAt: at}
}

func TestDomainBlocksCoverSubdomainsAndTakeEffectAtOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if blocked, _ := d.IsDomainBlocked(ctx, "social.example.org"); blocked {
			t.Fatal("blocked before any block")
		}
		// Blocked inside a transaction: visible to readers once it commits, not cached stale.
		err := d.InTx(ctx, func(s convene.Store) error { return s.BlockDomain(ctx, "example.org", at) })
		if err != nil {
			t.Fatal(err)
		}
		for host, want := range map[string]bool{"example.org": true, "social.example.org": true, "badexample.org": false, "org": false} {
			if got, _ := d.IsDomainBlocked(ctx, host); got != want {
				t.Errorf("IsDomainBlocked(%s) = %v, want %v", host, got, want)
			}
		}
		if err := d.UnblockDomain(ctx, "example.org"); err != nil {
			t.Fatal(err)
		}
		if blocked, _ := d.IsDomainBlocked(ctx, "social.example.org"); blocked {
			t.Error("still blocked after unblock")
		}
		wantCode(t, d.UnblockDomain(ctx, "example.org"), convene.ENOTFOUND)
	})
}

func TestFollowsAndRemoteActors(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		group := "https://convene.test/c/surrey"
		a := remoteActor("https://social.example.org:8443/users/ann", "social.example.org:8443")
		b := remoteActor("https://other.example/users/ben", "other.example")
		for _, ra := range []*convene.RemoteActor{a, b} {
			if err := d.UpsertRemoteActor(ctx, ra); err != nil {
				t.Fatal(err)
			}
		}
		a.Name = "Ann"
		if err := d.UpsertRemoteActor(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := d.FindRemoteActorByKeyID(ctx, a.KeyID)
		if err != nil || got.Name != "Ann" || got.ID != a.ID {
			t.Fatalf("after upsert = %+v, %v", got, err)
		}
		fa := follow(a.IRI, group, convene.FollowAccepted)
		for _, f := range []*convene.Follow{fa, follow(b.IRI, group, convene.FollowPending)} {
			if err := d.CreateFollow(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, d.CreateFollow(ctx, follow(a.IRI, group, convene.FollowPending)), convene.ECONFLICT)
		if n, _ := d.CountFollows(ctx, convene.FollowFilter{Followee: group, State: convene.FollowAccepted}); n != 1 {
			t.Errorf("accepted followers = %d, want 1", n)
		}
		if f, err := d.FindFollowByActivity(ctx, fa.ActivityIRI); err != nil || f.ID != fa.ID {
			t.Errorf("FindFollowByActivity = %v, %v", f, err)
		}
		// Blocking example.org removes follows with its subdomains, whatever the port.
		n, err := d.DeleteFollowsWithDomain(ctx, "example.org")
		if err != nil || n != 1 {
			t.Errorf("DeleteFollowsWithDomain = %d, %v; want 1", n, err)
		}
		if err := d.DeleteRemoteActor(ctx, b.IRI); err != nil {
			t.Fatal(err)
		}
		if n, _ := d.CountFollows(ctx, convene.FollowFilter{}); n != 0 {
			t.Errorf("%d follows left after deleting their actors", n)
		}
	})
}

func TestQueuesClaimExclusivelyAndRecover(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		a := &convene.Activity{ID: convene.NewID(), Type: "Follow", Actor: "https://convene.test/u/alice",
			Object: "https://other.example/users/ben", To: []string{"https://other.example/users/ben"}, Published: now}
		if err := d.EnqueueActivity(ctx, a); err != nil {
			t.Fatal(err)
		}
		first, _ := d.ClaimFanOut(ctx, now, 10, time.Minute)
		second, _ := d.ClaimFanOut(ctx, now, 10, time.Minute)
		if len(first) != 1 || len(second) != 0 {
			t.Fatalf("claims = %d then %d, want 1 then 0", len(first), len(second))
		}
		if later, _ := d.ClaimFanOut(ctx, now.Add(2*time.Minute), 10, time.Minute); len(later) != 1 {
			t.Fatal("an expired lease was not claimable again")
		}
		inbox := "https://other.example/inbox"
		if err := d.FanOut(ctx, a.ID, []string{inbox, inbox}, now); err != nil {
			t.Fatal(err)
		}
		dl, _ := d.ClaimDeliveries(ctx, now, 10, time.Minute)
		if len(dl) != 1 || dl[0].Host != "other.example" {
			t.Fatalf("deliveries = %+v", dl)
		}
		// The lease runs out and another worker claims the delivery: the first worker's late
		// outcome must not overwrite the second claim's.
		stolen, _ := d.ClaimDeliveries(ctx, now.Add(2*time.Minute), 10, time.Minute)
		if len(stolen) != 1 {
			t.Fatal("an expired delivery lease was not claimable again")
		}
		if err := d.FinishDelivery(ctx, dl[0], convene.DeliveryDone, 202, "", now, now); err != nil {
			t.Fatal(err)
		}
		if st, _ := d.QueueStats(ctx); st.DeliveriesDone != 0 {
			t.Fatal("a lost lease's outcome was recorded")
		}
		if err := d.FinishDelivery(ctx, stolen[0], convene.DeliveryPending, 503, "busy", now.Add(time.Hour), now); err != nil {
			t.Fatal(err)
		}
		if again, _ := d.ClaimDeliveries(ctx, now.Add(time.Minute), 10, time.Minute); len(again) != 0 {
			t.Error("claimed before its next attempt is due")
		}
		st, _ := d.QueueStats(ctx)
		if st.DeliveriesFailing != 1 || st.OutboxPending != 0 {
			t.Errorf("stats = %+v", st)
		}
		for day := range 7 {
			unavailable, _ := d.RecordHostResult(ctx, "other.example", false, now.AddDate(0, 0, day))
			if unavailable != (day == 6) {
				t.Errorf("after %d failing days unavailable = %v", day+1, unavailable)
			}
		}
		if hosts, _ := d.FindUnavailableHosts(ctx); len(hosts) != 1 || hosts[0] != "other.example" {
			t.Errorf("unavailable hosts = %v", hosts)
		}
		d.RecordHostResult(ctx, "other.example", true, now)
		if hosts, _ := d.FindUnavailableHosts(ctx); len(hosts) != 0 {
			t.Error("one success did not clear the host")
		}
	})
}

func TestInboxDedupUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// Four ids, the last with two bodies (a peer reusing an id for a later activity): five
		// distinct activities, each sent four times.
		errs := make(chan error, 20)
		for i := range 20 {
			id, digest := string(rune('a'+i%4)), "d1"
			if i%5 == 4 {
				id, digest = "d", "d2"
			}
			go func() {
				errs <- d.EnqueueInbox(ctx, &convene.InboxItem{ID: convene.NewID(), ActivityIRI: "https://x.example/a/" + id,
					BodyDigest: digest, Actor: "https://x.example/u/x", Body: []byte("{}"), ReceivedAt: at})
			}()
		}
		accepted := 0
		for range 20 {
			err := <-errs
			switch convene.ErrorCode(err) {
			case "":
				accepted++
			case convene.ECONFLICT:
			default:
				t.Fatal(err)
			}
		}
		if accepted != 5 {
			t.Errorf("accepted %d distinct activities of 5", accepted)
		}
	})
}

// TestRemoteActorKeepsItsProfile: an actor's avatar, header and bio are stored with it,
// replaced by what a refetch says (a removed avatar goes), and read back by every finder,
// the follower list of a community included.
func TestRemoteActorKeepsItsProfile(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := remoteActor("https://mastodon.example/users/rae", "mastodon.example")
		a.AvatarURL = "https://files.mastodon.example/avatars/rae.png"
		a.HeaderURL = "https://files.mastodon.example/headers/rae.jpg"
		a.Summary = `<p>Growing food in <a href="https://surrey.example" rel="nofollow noopener noreferrer" target="_blank">Surrey</a> – zoë</p>`
		if err := d.UpsertRemoteActor(ctx, a); err != nil {
			t.Fatal(err)
		}
		wantProfile := func(what string, got *convene.RemoteActor, err error, avatar, header, summary string) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if got.AvatarURL != avatar || got.HeaderURL != header || got.Summary != summary {
				t.Errorf("%s = avatar %q, header %q, summary %q; want %q, %q, %q", what, got.AvatarURL, got.HeaderURL,
					got.Summary, avatar, header, summary)
			}
		}
		got, err := d.FindRemoteActor(ctx, a.IRI)
		wantProfile("FindRemoteActor", got, err, a.AvatarURL, a.HeaderURL, a.Summary)
		got, err = d.FindRemoteActorByID(ctx, a.ID)
		wantProfile("FindRemoteActorByID", got, err, a.AvatarURL, a.HeaderURL, a.Summary)

		group := "https://convene.test/c/surrey"
		if err := d.CreateFollow(ctx, follow(a.IRI, group, convene.FollowAccepted)); err != nil {
			t.Fatal(err)
		}
		list, err := d.FindFollowerActors(ctx, group)
		if err != nil || len(list) != 1 {
			t.Fatalf("FindFollowerActors = %v, %v", list, err)
		}
		wantProfile("FindFollowerActors", list[0], nil, a.AvatarURL, a.HeaderURL, a.Summary)

		// A refetch where the actor removed its avatar and changed its bio.
		again := remoteActor(a.IRI, a.Domain)
		again.HeaderURL, again.Summary = a.HeaderURL, "<p>Now in Kent</p>"
		if err := d.UpsertRemoteActor(ctx, again); err != nil {
			t.Fatal(err)
		}
		got, err = d.FindRemoteActorByKeyID(ctx, a.KeyID)
		wantProfile("after a refetch", got, err, "", a.HeaderURL, "<p>Now in Kent</p>")
	})
}
