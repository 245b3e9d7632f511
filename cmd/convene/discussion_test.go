package main

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

// actAs returns the instance's service over its database (the running server shares it) and
// a context acting as the named account, as the web UI or an app would.
func (in *instance) actAs(t *testing.T, username string) (*service.Service, context.Context) {
	t.Helper()
	svc := service.New(service.Config{Store: openTestDB(t, in.Env), IRIs: federation.NewIRIs("http", in.Domain)})
	a, err := svc.FindAccount(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return svc, convene.WithPrincipal(context.Background(), convene.Principal{Account: a})
}

// surreyOnAFollowedFromB starts two instances: on A, alice (an admin and a member of the
// surrey community) and carol; on B, bob, who follows surrey. Both stop with the test.
func surreyOnAFollowedFromB(t *testing.T) (a, b *instance) {
	t.Helper()
	a, b = newInstance(t, nil), newInstance(t, nil)
	a.CLI("correct horse battery\n", "user", "create", "alice", "--email", "alice@example.org", "--admin")
	a.CLI("correct horse battery\n", "user", "create", "carol", "--email", "carol@example.org")
	a.CLI("", "community", "create", "surrey", "--name", "Surrey conveners")
	b.CLI("correct horse battery\n", "user", "create", "bob", "--email", "bob@example.org", "--admin")
	a.Start()
	b.Start()
	t.Cleanup(a.Stop)
	t.Cleanup(b.Stop)
	// bob on B follows surrey on A: B is Convene, a group-aware follower.
	b.CLI("", "follow", "bob", "@surrey@"+a.Domain)
	listsEventually(t, a.URL("/c/surrey/followers"), b.URL("/u/bob"))
	svcA, asAlice := a.actAs(t, "alice")
	if _, err := svcA.Join(asAlice, "surrey"); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// threadOnB waits for surrey's one thread to reach B and returns B's copy of it.
func threadOnB(t *testing.T, a *instance, svcB *service.Service) *convene.Post {
	t.Helper()
	var onB *convene.Post
	eventually(t, 20*time.Second, "the thread on B", func() bool {
		posts, err := svcB.CommunityThreadsOf(context.Background(), a.URL("/c/surrey"), "", 10)
		if err == nil && len(posts) == 1 {
			onB = posts[0]
		}
		return onB != nil
	})
	return onB
}

func TestAMemberOfBRepliesToAThreadOnA(t *testing.T) {
	a, b := surreyOnAFollowedFromB(t)

	// alice starts a thread on A; surrey announces it, and B files it under surrey.
	svcA, asAlice := a.actAs(t, "alice")
	thread, err := svcA.CreateThread(asAlice, service.ThreadCreate{Community: "surrey", Title: "Walk on Saturday?", Body: "Meet at ten."})
	if err != nil {
		t.Fatal(err)
	}
	svcB, asBob := b.actAs(t, "bob")
	onB := threadOnB(t, a, svcB)
	if onB.IRI != thread.IRI || onB.Title != "Walk on Saturday?" {
		t.Fatalf("thread on B = %+v", onB)
	}

	// bob replies on B: the reply reaches A, joins the thread, and alice is notified.
	reply, err := svcB.Reply(asBob, onB.ID, "Count me in!")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the reply on A", func() bool {
		posts, err := svcA.Thread(context.Background(), thread.ID)
		return err == nil && len(posts) == 2 && posts[1].IRI == reply.IRI
	})
	notes, err := svcA.Notifications(asAlice, "", 10)
	if err != nil || len(notes) != 1 || notes[0].Type != "reply" || notes[0].Actor != b.URL("/u/bob") {
		t.Fatalf("alice's notifications = %v, %v", notes, err)
	}
	// A announced the reply to its group-aware followers: B's inbox got it (and, knowing
	// the post, filed nothing twice).
	eventually(t, 20*time.Second, "A's Announce of the reply delivered", func() bool {
		st, err := openTestDB(t, a.Env).QueueStats(context.Background())
		return err == nil && st.DeliveriesPending == 0 && st.DeliveriesDone >= 4 // Accept, 2 thread Announces, reply Announce
	})
	if posts, _ := svcB.Thread(context.Background(), onB.ID); len(posts) != 2 {
		t.Errorf("B holds %d posts of the thread, want 2", len(posts))
	}
}
