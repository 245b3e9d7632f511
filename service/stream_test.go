package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

func mustStream(t *testing.T, name, tag string) service.Stream {
	t.Helper()
	st, err := service.ParseStream(name, tag, "")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func subscribe(t *testing.T, h *service.Hub, account, token string, streams ...service.Stream) *service.Subscription {
	t.Helper()
	sub, err := h.Subscribe(account, token)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range streams {
		if err := sub.Add(st); err != nil {
			t.Fatal(err)
		}
	}
	return sub
}

// drain returns what sub has received so far, as "stream kind post" strings.
func drain(sub *service.Subscription) []string {
	var out []string
	for {
		select {
		case d, ok := <-sub.C():
			if !ok {
				return append(out, "closed")
			}
			out = append(out, d.Stream.Name+" "+d.Stream.Tag+" "+d.Event.Kind+" "+d.Event.PostID+d.Event.NotificationID)
		default:
			return out
		}
	}
}

func wantDeliveries(t *testing.T, who string, sub *service.Subscription, want ...string) {
	t.Helper()
	got := drain(sub)
	if len(got) != len(want) {
		t.Fatalf("%s received %q, want %q", who, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s received %q, want %q", who, got, want)
		}
	}
}

func TestHubFansOutToTheStreamsAnEventBelongsIn(t *testing.T) {
	h := service.NewHub(4, 100, 16)
	alice := subscribe(t, h, "alice", "t1", mustStream(t, "user", ""), mustStream(t, "public", ""))
	bob := subscribe(t, h, "bob", "t2", mustStream(t, "user:notification", ""), mustStream(t, "public:local", ""))
	tagged := subscribe(t, h, "carol", "t3", mustStream(t, "hashtag", "#Gardens"))
	app := subscribe(t, h, "", "t4", mustStream(t, "public", ""))
	remote := subscribe(t, h, "dan", "t5", mustStream(t, "public:remote", ""), mustStream(t, "hashtag:local", "gardens"))

	h.Deliver(convene.StreamEvent{Kind: convene.StreamUpdate, PostID: "p1", Public: true, Tags: []string{"gardens"},
		Accounts: []string{"alice"}})
	h.Deliver(convene.StreamEvent{Kind: convene.StreamUpdate, PostID: "p2", Public: true, Local: true, Accounts: []string{"bob"},
		Tags: []string{"gardening"}})
	h.Deliver(convene.StreamEvent{Kind: convene.StreamUpdate, PostID: "p3", Accounts: []string{"alice", "bob"}}) // community-only
	h.Deliver(convene.StreamEvent{Kind: convene.StreamNotification, NotificationID: "n1", Accounts: []string{"bob"}})
	h.Deliver(convene.StreamEvent{Kind: convene.StreamDelete, PostID: "p1", Public: true, Tags: []string{"gardens"}})

	wantDeliveries(t, "alice", alice, "user  update p1", "public  update p1", "public  update p2", "user  update p3", "public  delete p1")
	wantDeliveries(t, "bob", bob, "public:local  update p2", "user:notification  notification n1")
	wantDeliveries(t, "carol", tagged, "hashtag gardens update p1", "hashtag gardens delete p1")
	wantDeliveries(t, "an app's token", app, "public  update p1", "public  update p2", "public  delete p1")
	wantDeliveries(t, "dan", remote, "public:remote  update p1", "public:remote  delete p1")
	h.Deliver(convene.StreamEvent{Kind: convene.StreamUpdate, PostID: "p5", Public: true, Local: true, Tags: []string{"gardens"}})
	wantDeliveries(t, "dan", remote, "hashtag:local gardens update p5")
	drain(alice)

	alice.Remove(mustStream(t, "public", ""))
	h.Deliver(convene.StreamEvent{Kind: convene.StreamUpdate, PostID: "p4", Public: true})
	wantDeliveries(t, "alice after unsubscribing", alice)
}

func TestHubDropsASlowSubscriberWithoutBlocking(t *testing.T) {
	h := service.NewHub(4, 100, 2)
	slow := subscribe(t, h, "slow", "t1", mustStream(t, "public", ""))
	fast := subscribe(t, h, "fast", "t2", mustStream(t, "public", ""))
	done := make(chan struct{})
	go func() {
		for i := range 5 {
			h.Deliver(convene.StreamEvent{Kind: convene.StreamUpdate, PostID: string(rune('a' + i)), Public: true})
			drain(fast) // the fast one keeps up
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a slow subscriber blocked the publisher")
	}
	wantDeliveries(t, "the slow subscriber", slow, "public  update a", "public  update b", "closed")
	if h.Len() != 1 {
		t.Fatalf("%d subscriptions open, want the fast one only", h.Len())
	}
	slow.Close() // closing a dropped subscription is harmless
}

func TestHubLimitsSubscriptions(t *testing.T) {
	h := service.NewHub(2, 3, 4)
	a1 := subscribe(t, h, "alice", "t1")
	subscribe(t, h, "alice", "t2")
	_, err := h.Subscribe("alice", "t3")
	wantCode(t, err, convene.ETOOMANY)
	subscribe(t, h, "bob", "t4")
	_, err = h.Subscribe("carol", "t5")
	wantCode(t, err, convene.ETOOMANY) // 3 overall
	a1.Close()
	subscribe(t, h, "alice", "t3") // a closed one frees its place
	if _, err := h.Subscribe("", "app"); convene.ErrorCode(err) != convene.ETOOMANY {
		t.Fatalf("past the overall limit: %v", err)
	}
	anon := service.NewHub(1, 10, 4)
	subscribe(t, anon, "", "app1")
	subscribe(t, anon, "", "app2") // tokens without an account are counted per token
	_, err = anon.Subscribe("", "app1")
	wantCode(t, err, convene.ETOOMANY)
	if err := subscribe(t, anon, "x", "t").Add(mustStream(t, "user", "")); err != nil {
		t.Fatal(err)
	}
	sub, _ := service.NewHub(1, 1, 1).Subscribe("", "app")
	wantCode(t, sub.Add(mustStream(t, "user", "")), convene.EFORBIDDEN)
}

func TestParseStream(t *testing.T) {
	for _, tc := range []struct{ name, tag, err string }{
		{"user", "", ""}, {"public:local", "", ""}, {"hashtag", "Foo", ""},
		{"hashtag", "", convene.EINVALID}, {"list", "", convene.EINVALID}, {"direct", "", convene.EINVALID},
	} {
		st, err := service.ParseStream(tc.name, tc.tag, "")
		if convene.ErrorCode(err) != tc.err && !(tc.err == "" && err == nil) {
			t.Errorf("ParseStream(%q, %q) = %v, want %q", tc.name, tc.tag, err, tc.err)
		}
		if tc.name == "hashtag" && err == nil && (st.Tag != "foo" || len(st.Wire()) != 2 || st.Wire()[1] != "foo") {
			t.Errorf("hashtag stream %+v wire %v", st, st.Wire())
		}
	}
}

func TestListStreamsCarryWhatTheListShows(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // mia joined surrey
		surrey, err := x.svc.FindCommunity(as(x.mia), "surrey")
		if err != nil {
			t.Fatal(err)
		}
		threadsOnly, _ := x.svc.CreateList(as(x.mia), service.ListInput{Title: "Surrey threads", RepliesPolicy: "none"})
		everything, _ := x.svc.CreateList(as(x.mia), service.ListInput{Title: "Surrey", RepliesPolicy: "list"})
		for _, l := range []*convene.List{threadsOnly, everything} {
			if err := x.svc.AddToList(as(x.mia), l.ID, []string{surrey.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := service.ParseStream("list", "", "not-an-id"); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("a list stream without an id = %v", err)
		}
		sub, err := x.svc.Subscribe(as(x.mia), "mia-token")
		if err != nil {
			t.Fatal(err)
		}
		threads, err := service.ParseStream("list", "", threadsOnly.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := sub.Add(threads); err != nil {
			t.Fatal(err)
		}
		all, _ := service.ParseStream("list", "", everything.ID)
		if err := sub.Add(all); err != nil {
			t.Fatal(err)
		}

		thread, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Hello", Body: "Hi"})
		if err != nil {
			t.Fatal(err)
		}
		got := []service.Delivery{recv(t, sub), recv(t, sub)}
		if got[0].Event.PostID != thread.ID || got[1].Event.PostID != thread.ID || got[0].Stream == got[1].Stream ||
			len(got[0].Stream.Wire()) != 2 || got[0].Stream.Wire()[0] != "list" {
			t.Fatalf("mia's lists received %+v", got)
		}
		reply, err := x.svc.Reply(as(x.olga), thread.ID, "Hi again")
		if err != nil {
			t.Fatal(err)
		}
		if d := recv(t, sub); d.Event.PostID != reply.ID || d.Stream.List != everything.ID {
			t.Fatalf("the reply reached %+v; want only the list that shows replies", d)
		}
		wantDeliveries(t, "mia's lists", sub)

		// otto lists olga, whom he follows, but he is no member of surrey: her members-only
		// thread there stays out of his list as it stays out of his home.
		if _, err := x.svc.FollowActor(as(x.otto), x.olga.ID); err != nil {
			t.Fatal(err)
		}
		ottoList, _ := x.svc.CreateList(as(x.otto), service.ListInput{Title: "Olga"})
		if err := x.svc.AddToList(as(x.otto), ottoList.ID, []string{x.olga.ID}); err != nil {
			t.Fatal(err)
		}
		ottoSub, _ := x.svc.Subscribe(as(x.otto), "otto-token")
		ol, _ := service.ParseStream("list", "", ottoList.ID)
		if err := ottoSub.Add(ol); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "In", Body: "B",
			Visibility: convene.VisibilityCommunity}); err != nil {
			t.Fatal(err)
		}
		recv(t, sub)
		wantDeliveries(t, "otto's list", ottoSub)
		public, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Out", Body: "B"})
		if err != nil {
			t.Fatal(err)
		}
		if d := recv(t, ottoSub); d.Event.PostID != public.ID {
			t.Errorf("otto's list received %+v, want olga's public thread", d)
		}
	})
}

// recv waits for the next delivery on sub.
func recv(t *testing.T, sub *service.Subscription) service.Delivery {
	t.Helper()
	select {
	case d, ok := <-sub.C():
		if !ok {
			t.Fatal("subscription closed")
		}
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no event arrived")
	}
	panic("unreachable")
}

func TestPostsAndNotificationsReachLiveSubscribers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		ctx := context.Background()
		miaSub, err := x.svc.Subscribe(as(x.mia), "mia-token")
		if err != nil {
			t.Fatal(err)
		}
		ottoSub, _ := x.svc.Subscribe(as(x.otto), "otto-token")
		olgaSub, _ := x.svc.Subscribe(as(x.olga), "olga-token")
		for _, add := range []error{miaSub.Add(mustStream(t, "user", "")), ottoSub.Add(mustStream(t, "public", "")),
			ottoSub.Add(mustStream(t, "user", "")), olgaSub.Add(mustStream(t, "user:notification", ""))} {
			if add != nil {
				t.Fatal(add)
			}
		}

		// Olga's new thread reaches the home timeline of mia (a member) and the public stream.
		thread, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Hello", Body: "Plant #trees"})
		if err != nil {
			t.Fatal(err)
		}
		got := recv(t, miaSub)
		if got.Stream.Name != "user" || got.Event.Kind != convene.StreamUpdate || got.Event.PostID != thread.ID {
			t.Fatalf("mia received %+v", got)
		}
		got = recv(t, ottoSub)
		if got.Stream.Name != "public" || got.Event.PostID != thread.ID || !got.Event.Local || len(got.Event.Tags) != 1 || got.Event.Tags[0] != "trees" {
			t.Fatalf("otto received %+v", got)
		}

		// Mia's reply notifies olga; the community-only thread reaches members only.
		reply, err := x.svc.Reply(as(x.mia), thread.ID, "Yes!")
		if err != nil {
			t.Fatal(err)
		}
		got = recv(t, olgaSub)
		if got.Event.Kind != convene.StreamNotification || got.Event.PostID != reply.ID || got.Event.NotificationID == "" {
			t.Fatalf("olga received %+v", got)
		}
		if got = recv(t, miaSub); got.Event.PostID != reply.ID {
			t.Fatalf("mia received %+v, want her own reply", got)
		}
		recv(t, ottoSub) // the public reply
		secret, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "In", Body: "B",
			Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		if got = recv(t, miaSub); got.Event.PostID != secret.ID || got.Event.Public {
			t.Fatalf("mia received %+v", got)
		}

		// Edits and deletions follow.
		body := "Plant more trees"
		if _, err := x.svc.EditPost(as(x.olga), thread.ID, service.PostEdit{Body: &body}); err != nil {
			t.Fatal(err)
		}
		if got = recv(t, miaSub); got.Event.Kind != convene.StreamStatusUpdate || got.Event.PostID != thread.ID {
			t.Fatalf("mia received %+v", got)
		}
		recv(t, ottoSub)
		if err := x.svc.DeletePost(as(x.olga), thread.ID); err != nil {
			t.Fatal(err)
		}
		if got = recv(t, miaSub); got.Event.Kind != convene.StreamDelete || got.Event.PostID != thread.ID {
			t.Fatalf("mia received %+v", got)
		}
		if got = recv(t, ottoSub); got.Event.Kind != convene.StreamDelete || got.Stream.Name != "public" {
			t.Fatalf("otto received %+v", got)
		}

		// A use-case that fails publishes nothing.
		if _, err := x.svc.CreateThread(as(x.otto), service.ThreadCreate{Community: "surrey", Title: "T", Body: "B"}); err == nil {
			t.Fatal("an outsider started a thread in a members-only community")
		}
		wantDeliveries(t, "otto (public) after a refused post", ottoSub)
		wantDeliveries(t, "mia", miaSub)
		wantDeliveries(t, "olga", olgaSub)

		// Revoking a token ends its streams and no other.
		if err := x.svc.CloseToken(ctx, "mia-token"); err != nil {
			t.Fatal(err)
		}
		wantDeliveries(t, "mia after revocation", miaSub, "closed")
		wantDeliveries(t, "otto", ottoSub)
	})
}

func TestStreamEventsCrossProcesses(t *testing.T) {
	url := dbtest.PostgresURL(t)
	ctx := context.Background()
	newProcess := func() *service.Service {
		d, err := db.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if _, err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		bus, err := db.NewNotifyBus(d, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"),
			Now: time.Now, NewKeyPair: sharedKeys, EventBus: bus})
		lctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- svc.RunStreamListener(lctx) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("listener: %v", err)
			}
		})
		return svc
	}
	one, two := newProcess(), newProcess()
	olga := mustCreate(t, one, "olga", convene.RoleMember)
	if _, err := one.CreateCommunity(as(olga), service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	sub, err := two.Subscribe(as(olga), "tok")
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Add(mustStream(t, "public", "")); err != nil {
		t.Fatal(err)
	}
	// The listener of process two starts asynchronously: post until it hears one.
	heard := func() bool {
		p, err := one.CreateThread(as(olga), service.ThreadCreate{Community: "surrey", Title: "T", Body: "B"})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case d := <-sub.C():
			if d.Event.Kind != convene.StreamUpdate || !d.Event.Public || d.Event.PostID == "" {
				t.Fatalf("process two received %+v after post %s", d, p.ID)
			}
			return true
		case <-time.After(200 * time.Millisecond):
			return false
		}
	}
	for deadline := time.Now().Add(10 * time.Second); !heard(); {
		if time.Now().After(deadline) {
			t.Fatal("process two never heard of a post made in process one")
		}
	}
	if err := one.CloseToken(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case _, ok := <-sub.C():
			if !ok {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("revoking the token in process one left its stream in process two open")
		}
	}
}

func TestStoppingTheListenerEndsEveryStream(t *testing.T) {
	svc := service.New(service.Config{Store: dbtest.OpenSQLite(t), IRIs: federation.NewIRIs("https", "convene.test"),
		NewKeyPair: sharedKeys})
	a := mustCreate(t, svc, "alice", convene.RoleMember)
	sub, err := svc.Subscribe(as(a), "tok")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.RunStreamListener(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, ok := <-sub.C(); ok || sub.Reason() != service.StreamShutdown {
		t.Fatalf("after the listener stopped the subscription is open=%v, reason %q", ok, sub.Reason())
	}
}

func BenchmarkHubDeliver(b *testing.B) {
	h := service.NewHub(10, 100000, 128)
	public, _ := service.ParseStream("public", "", "")
	user, _ := service.ParseStream("user", "", "")
	for i := range 1000 {
		sub, _ := h.Subscribe(string(rune(0x1000+i)), "t")
		sub.Add(user)
		if i%2 == 0 {
			sub.Add(public)
		}
		go func() {
			for range sub.C() {
			}
		}()
	}
	ev := convene.StreamEvent{Kind: convene.StreamUpdate, PostID: "p", Public: true, Accounts: []string{"\u1001", "\u1002"}}
	b.ResetTimer()
	for range b.N {
		h.Deliver(ev)
	}
}
