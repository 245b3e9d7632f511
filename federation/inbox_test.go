package federation

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// recordedFollows are Follow activities as each kind of peer sends them, with the actor
// document that signs them.
var recordedFollows = []struct{ peer, actor string }{
	{"mastodon", "person.json"},
	{"gotosocial", "person.json"}, // keyId ".../main-key", a document of its own
	{"lemmy", "person.json"},
	{"mobilizon", "application.json"}, // an instance actor following ours (FEP-2677)
}

func TestInboxAcceptsRecordedFollowsAndAnswersAccept(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		env := newTestEnv(t, d)
		for _, rec := range recordedFollows {
			t.Run(rec.peer, func(t *testing.T) {
				p := newPeer(t, rec.peer)
				actor := p.addActor(rec.actor)
				follow := p.load("follow.json")
				if err := p.post(env, follow, keyIDOf(actor)); err != nil {
					t.Fatalf("Receive: %v", err)
				}
				env.applyAll()
				f, err := d.FindFollow(context.Background(), actor["id"].(string), follow["object"].(string))
				if err != nil || f.State != convene.FollowAccepted {
					t.Fatalf("follow = %+v, %v; want accepted", f, err)
				}
				accept := lastActivity(t, d, "Accept")
				var doc map[string]any
				body, _ := NewRenderer(env.iris, d).Activity(context.Background(), accept)
				json.Unmarshal(body, &doc)
				inner := doc["object"].(map[string]any)
				if doc["actor"] != follow["object"] || inner["id"] != follow["id"] || inner["type"] != "Follow" ||
					inner["actor"] != actor["id"] {
					t.Errorf("Accept = %s", body)
				}
			})
		}
	})
}

func TestInboxApprovalCommunityKeepsFollowPending(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	env := newTestEnv(t, d)
	ctx := convene.WithOperator(context.Background())
	community, _ := env.svc.FindCommunity(ctx, "surrey")
	community.FollowPolicy = convene.FollowApproval
	if err := d.UpdateCommunity(ctx, community); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t, "mastodon")
	actor := p.addActor("person.json")
	if err := p.post(env, p.load("follow.json"), keyIDOf(actor)); err != nil {
		t.Fatal(err)
	}
	env.applyAll()
	pending, err := env.svc.PendingFollows(ctx, "surrey")
	if err != nil || len(pending) != 1 || pending[0].Follower != actor["id"] {
		t.Fatalf("pending = %v, %v", pending, err)
	}
	if n := countActivities(t, d, "Accept"); n != 0 {
		t.Errorf("%d Accepts sent before a moderator decided", n)
	}
	if err := env.svc.DecideFollow(ctx, "surrey", actor["id"].(string), false); err != nil {
		t.Fatal(err)
	}
	if n := countActivities(t, d, "Reject"); n != 1 {
		t.Errorf("%d Rejects after rejecting", n)
	}
}

func TestInboxUndoFollow(t *testing.T) {
	for _, name := range []string{"mastodon", "gotosocial", "lemmy"} {
		t.Run(name, func(t *testing.T) {
			d := dbtest.OpenSQLite(t)
			env := newTestEnv(t, d)
			p := newPeer(t, name)
			actor := p.addActor("person.json")
			undo := p.load("undo_follow.json")
			// Undo before Follow changes nothing.
			if err := p.post(env, undo, keyIDOf(actor)); err != nil {
				t.Fatal(err)
			}
			env.applyAll()
			if err := p.post(env, p.load("follow.json"), keyIDOf(actor)); err != nil {
				t.Fatal(err)
			}
			env.applyAll()
			if n, _ := d.CountFollows(context.Background(), convene.FollowFilter{}); n != 1 {
				t.Fatalf("follows = %d after Undo-then-Follow, want 1", n)
			}
			undo["id"] = undo["id"].(string) + "-again" // a new activity, not a duplicate
			if err := p.post(env, undo, keyIDOf(actor)); err != nil {
				t.Fatal(err)
			}
			env.applyAll()
			if n, _ := d.CountFollows(context.Background(), convene.FollowFilter{}); n != 0 {
				t.Errorf("follows = %d after Undo, want 0", n)
			}
		})
	}
}

func TestInboxAcceptOfOurFollow(t *testing.T) {
	for _, rec := range []struct{ peer, actor string }{{"mastodon", "person.json"}, {"lemmy", "group.json"}} {
		t.Run(rec.peer, func(t *testing.T) {
			d := dbtest.OpenSQLite(t)
			env := newTestEnv(t, d)
			p := newPeer(t, rec.peer)
			actorDoc := p.addActor(rec.actor)
			accept := p.load("accept.json")
			followIRI := accept["object"].(map[string]any)["id"].(string)
			follower := accept["object"].(map[string]any)["actor"].(string)

			// An Accept for a Follow we never sent changes nothing.
			if err := p.post(env, accept, keyIDOf(actorDoc)); err != nil {
				t.Fatal(err)
			}
			env.applyAll()
			remote, err := env.resolver.Actor(context.Background(), actorDoc["id"].(string))
			if err != nil {
				t.Fatal(err)
			}
			ctx := convene.WithOperator(context.Background())
			_, name, _ := env.iris.LocalActor(follower)
			f, err := env.svc.FollowRemote(ctx, name, remote)
			if err != nil {
				t.Fatal(err)
			}
			// Peers accept the id we sent; the recorded Accept names a fixed one.
			if _, err := d.FindFollowByActivity(ctx, f.ActivityIRI); err != nil {
				t.Fatal(err)
			}
			accept["object"].(map[string]any)["id"] = f.ActivityIRI
			accept["id"] = accept["id"].(string) + "-2"
			if err := p.post(env, accept, keyIDOf(actorDoc)); err != nil {
				t.Fatal(err)
			}
			env.applyAll()
			got, _ := d.FindFollowByActivity(ctx, f.ActivityIRI)
			if got.State != convene.FollowAccepted {
				t.Errorf("follow state = %s after Accept, want accepted (follow IRI was %s)", got.State, followIRI)
			}
		})
	}
}

func TestInboxRefusals(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	env := newTestEnv(t, d)
	p := newPeer(t, "mastodon")
	actor := p.addActor("person.json")
	follow := p.load("follow.json")
	body, _ := json.Marshal(follow)

	t.Run("unsigned", func(t *testing.T) {
		wantRejection(t, env.receive(body, "", nil), http.StatusUnauthorized)
	})
	t.Run("signed with another key", func(t *testing.T) {
		wantRejection(t, env.receive(body, keyIDOf(actor), testKey(t, "key_b.pem")), http.StatusUnauthorized)
	})
	t.Run("not UTF-8", func(t *testing.T) {
		bad := []byte(strings.Replace(string(body), "Follow", "Follow\xff", 1))
		wantRejection(t, env.receive(bad, keyIDOf(actor), p.key), http.StatusBadRequest)
	})
	t.Run("too large", func(t *testing.T) {
		huge := append([]byte(`{"pad":"`), append([]byte(strings.Repeat("x", MaxInboxBody)), []byte(`"}`)...)...)
		wantRejection(t, env.receive(huge, keyIDOf(actor), p.key), http.StatusRequestEntityTooLarge)
	})
	t.Run("signer is not the actor", func(t *testing.T) {
		other := newPeer(t, "lemmy")
		otherActor := other.addActor("person.json")
		other.key = p.key // a valid signature, but by lemmy's picard on mastodon's bob's behalf
		wantRejection(t, other.post(env, follow, keyIDOf(otherActor)), http.StatusForbidden)
	})
	t.Run("activity id on another host than its actor", func(t *testing.T) {
		squat := p.load("undo_follow.json")
		squat["id"] = "https://mastodon.example/users/bob#follows/449/undo" // claims another server's id
		wantRejection(t, p.post(env, squat, keyIDOf(actor)), http.StatusForbidden)
	})
	t.Run("duplicate is accepted once", func(t *testing.T) {
		for range 2 {
			if err := env.receive(body, keyIDOf(actor), p.key); err != nil {
				t.Fatal(err)
			}
		}
		if st, _ := d.QueueStats(context.Background()); st.InboxPending != 1 {
			t.Errorf("queued %d, want 1", st.InboxPending)
		}
	})
	t.Run("blocked domain, before any fetch", func(t *testing.T) {
		blocked := newPeer(t, "gotosocial")
		gts := blocked.addActor("person.json")
		if _, err := env.svc.BlockDomain(convene.WithOperator(context.Background()), "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		before := blocked.hits.Load()
		wantRejection(t, blocked.post(env, blocked.load("follow.json"), keyIDOf(gts)), http.StatusForbidden)
		if blocked.hits.Load() != before {
			t.Error("the blocked domain was contacted")
		}
	})
}

func TestInboxDeleteOfActorRemovesItAndItsFollows(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	env := newTestEnv(t, d)
	p := newPeer(t, "mastodon")
	actor := p.addActor("person.json")
	if err := p.post(env, p.load("follow.json"), keyIDOf(actor)); err != nil {
		t.Fatal(err)
	}
	env.applyAll()
	// The account is gone: its document and key now answer 410, as Mastodon's do.
	p.status.Store(http.StatusGone)
	del := p.load("delete_actor.json")
	if err := p.post(env, del, keyIDOf(actor)); err != nil {
		t.Fatalf("Receive(Delete) = %v", err)
	}
	env.applyAll()
	if _, err := d.FindRemoteActor(context.Background(), actor["id"].(string)); convene.ErrorCode(err) != convene.ENOTFOUND {
		t.Errorf("actor still known: %v", err)
	}
	if n, _ := d.CountFollows(context.Background(), convene.FollowFilter{}); n != 0 {
		t.Errorf("%d follows left", n)
	}
}

func TestInboxUpdateOfAnotherActorIsIgnored(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	env := newTestEnv(t, d)
	p := newPeer(t, "mastodon")
	actor := p.addActor("person.json")
	update := p.load("update_person.json")
	update["object"] = "https://convene.test/u/alice" // someone else's actor
	if err := p.post(env, update, keyIDOf(actor)); err != nil {
		t.Fatal(err)
	}
	hits := p.hits.Load()
	env.applyAll()
	if p.hits.Load() != hits {
		t.Error("an Update of another actor made us fetch")
	}
}

func lastActivity(t *testing.T, d *db.DB, typ string) *convene.Activity {
	t.Helper()
	list, err := d.ClaimFanOut(context.Background(), timeNow(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Type == typ {
			return list[i]
		}
	}
	t.Fatalf("no %s in the outbox", typ)
	return nil
}

func countActivities(t *testing.T, d *db.DB, typ string) int {
	t.Helper()
	list, err := d.ClaimFanOut(context.Background(), timeNow(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range list {
		if a.Type == typ {
			n++
		}
	}
	return n
}

// A Delete signed with some gone key cannot remove another actor: the shortcut for accounts
// that deleted themselves needs the key to be the actor's own and the actor to answer 410.
func TestInboxForgedDeleteOfAnotherActorChangesNothing(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	env := newTestEnv(t, d)
	victim := newPeer(t, "mastodon")
	bob := victim.addActor("person.json")
	if err := victim.post(env, victim.load("follow.json"), keyIDOf(bob)); err != nil {
		t.Fatal(err)
	}
	env.applyAll()

	attacker := newPeer(t, "gotosocial")
	attacker.status.Store(http.StatusGone) // every key of the attacker's server is "gone"
	for _, target := range []string{bob["id"].(string), "https://convene.test/c/surrey"} {
		forged := map[string]any{"id": target + "#delete", "type": "Delete", "actor": target, "object": target}
		err := attacker.post(env, forged, attacker.srv.URL+"/users/x#main-key")
		if err == nil {
			t.Errorf("forged Delete of %s accepted", target)
		}
	}
	env.applyAll()
	if _, err := d.FindRemoteActor(context.Background(), bob["id"].(string)); err != nil {
		t.Errorf("bob was deleted: %v", err)
	}
	if n, _ := d.CountFollows(context.Background(), convene.FollowFilter{}); n != 1 {
		t.Errorf("follows = %d, want bob's follow of surrey kept", n)
	}
}

func TestFetchesNeverReachABlockedDomainThroughARedirect(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	env := newTestEnv(t, d)
	target := newPeer(t, "mastodon")
	target.addActor("person.json")
	// An allowed host redirects to the blocked one; "localhost" and "127.0.0.1" name the same
	// loopback servers, so the block on "localhost" tells them apart.
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(target.srv.URL, "127.0.0.1", "localhost", 1)+"/users/bob", http.StatusFound)
	}))
	defer redirector.Close()
	if _, err := env.svc.BlockDomain(convene.WithOperator(context.Background()), "localhost"); err != nil {
		t.Fatal(err)
	}
	before := target.hits.Load()
	if _, err := env.resolver.Actor(context.Background(), redirector.URL+"/users/bob"); !errors.Is(err, ErrBlockedDomain) {
		t.Errorf("Actor via redirect = %v, want ErrBlockedDomain", err)
	}
	if target.hits.Load() != before {
		t.Error("the blocked host was contacted")
	}
}
