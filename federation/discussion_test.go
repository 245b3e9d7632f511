package federation

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

// member makes an account that joined surrey, and returns a context acting as it.
func member(t *testing.T, env *testEnv, name string) context.Context {
	t.Helper()
	a, err := env.svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{
		Username: name, Email: name + "@example.org", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := convene.WithPrincipal(context.Background(), convene.Principal{Account: a})
	if _, err := env.svc.Join(ctx, "surrey"); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func TestThreadAndReplyRenderAsNotesPeersUnderstand(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	mia, otto := member(t, env, "mia"), member(t, env, "otto")
	thread, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "Meetup?", Body: "Who is *in*?"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := env.svc.Reply(otto, thread.ID, "Me! #walks")
	if err != nil {
		t.Fatal(err)
	}
	activities, _ := env.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 100, time.Minute)
	r := NewRenderer(env.iris, env.store)
	var create, announce map[string]any
	for _, a := range activities {
		body, err := r.Activity(context.Background(), a)
		if err != nil {
			t.Fatalf("render %s: %v", a.Type, err)
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		if a.Type == "Create" && a.Object == reply.IRI {
			create = m
		}
		if a.Type == "Announce" && a.Embed != "" && a.Object == reply.IRI {
			announce = m
		}
	}
	note := create["object"].(map[string]any)
	want := map[string]any{
		"type": "Note", "id": reply.IRI, "attributedTo": "https://convene.test/u/otto", "inReplyTo": thread.IRI,
		"audience": "https://convene.test/c/surrey", "context": thread.IRI + "/context", "replies": reply.IRI + "/replies",
		"content": `<p>Me! <a href="https://convene.test/tags/walks">#walks</a></p>` + "\n",
	}
	for k, v := range want {
		if note[k] != v {
			t.Errorf("note %s = %v, want %v", k, note[k], v)
		}
	}
	if src, _ := note["source"].(map[string]any); src["content"] != "Me! #walks" || src["mediaType"] != "text/markdown" {
		t.Errorf("source = %v", note["source"])
	}
	tags, _ := note["tag"].([]any)
	if len(tags) != 2 || tags[0].(map[string]any)["href"] != "https://convene.test/u/mia" {
		t.Errorf("the reply does not mention the author it answers: %v", note["tag"])
	} else if h := tags[1].(map[string]any); h["type"] != "Hashtag" || h["name"] != "#walks" || h["href"] != "https://convene.test/tags/walks" {
		t.Errorf("hashtag = %v", h)
	}
	if to, _ := note["to"].([]any); len(to) == 0 || to[0] != convene.PublicIRI {
		t.Errorf("to = %v", note["to"])
	}
	if create["actor"] != "https://convene.test/u/otto" {
		t.Errorf("the Create is not by the author: %v", create["actor"])
	}
	inner, _ := announce["object"].(map[string]any)
	if announce["actor"] != "https://convene.test/c/surrey" || inner["type"] != "Create" || inner["id"] != create["id"] {
		t.Errorf("the community does not announce the author's Create (FEP-1b12): %v", announce)
	}
}

func TestRepliesReachOnlyGroupAwareFollowers(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	lemmy, mastodon := newSink(t, 202), newSink(t, 202)
	lemmy.software, mastodon.software = "lemmy", "mastodon"
	followedBy(t, env, lemmy.srv.URL+"/u/lem", lemmy.srv.URL+"/u/lem/inbox", "")
	followedBy(t, env, mastodon.srv.URL+"/users/mas", mastodon.srv.URL+"/users/mas/inbox", "")
	mia := member(t, env, "mia")
	thread, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "T", Body: "B"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.svc.Reply(mia, thread.ID, "a reply"); err != nil {
		t.Fatal(err)
	}
	newDeliverer(t, env, time.Second)
	eventually(t, 5*time.Second, "deliveries", func() bool {
		st, _ := env.store.QueueStats(context.Background())
		return st.OutboxPending == 0 && st.DeliveriesPending == 0
	})
	count := func(bodies []string, needle string) int {
		n := 0
		for _, b := range bodies {
			if strings.Contains(b, needle) {
				n++
			}
		}
		return n
	}
	lem, mas := lemmy.received(), mastodon.received()
	if count(lem, `"content":"\u003cp\u003ea reply`) != 1 {
		t.Errorf("the group-aware follower did not get the reply's Announce: %d deliveries", len(lem))
	}
	if count(mas, "a reply") != 0 {
		t.Errorf("a microblog follower got the reply: %v", mas)
	}
	if len(mas) != 2 {
		t.Errorf("the microblog follower got %d deliveries, want the thread's two Announces", len(mas))
	}
}

func TestCommunityOnlyPostsAreDeliveredToAcceptedFollowersOnly(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	follower, pending := newSink(t, 202), newSink(t, 202)
	follower.software, pending.software = "convene", "convene"
	followedBy(t, env, follower.srv.URL+"/u/in", follower.srv.URL+"/u/in/inbox", "")
	followedBy(t, env, pending.srv.URL+"/u/out", pending.srv.URL+"/u/out/inbox", "")
	f, _ := env.store.FindFollow(context.Background(), pending.srv.URL+"/u/out", env.iris.Group("surrey"))
	if err := env.store.UpdateFollowState(context.Background(), f.ID, convene.FollowPending, f.CreatedAt); err != nil {
		t.Fatal(err)
	}
	mia := member(t, env, "mia")
	if _, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "Inside", Body: "members only",
		Visibility: convene.VisibilityCommunity}); err != nil {
		t.Fatal(err)
	}
	newDeliverer(t, env, time.Second)
	eventually(t, 5*time.Second, "deliveries", func() bool {
		st, _ := env.store.QueueStats(context.Background())
		return st.OutboxPending == 0 && st.DeliveriesPending == 0 && len(follower.received()) > 0
	})
	if got := follower.received(); len(got) != 1 || !strings.Contains(got[0], "members only") || strings.Contains(got[0], convene.PublicIRI) {
		t.Errorf("the accepted follower got %v", got)
	}
	if got := pending.received(); len(got) != 0 {
		t.Errorf("a follower not yet accepted got %d deliveries of a community-only post", len(got))
	}
}

func TestMentionsOfRemotePeopleAreResolvedAndDelivered(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	p := newPeer(t, "mastodon")
	bob := p.addActor("person.json")
	host := strings.TrimPrefix(p.srv.URL, "http://")
	mia := member(t, env, "mia")
	post, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "T",
		Body: "Welcome @bob@" + host + " and @ghost@" + host})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(post.Content, `<a href="`+bob["id"].(string)+`">@bob@`+host+`</a>`) || strings.Contains(post.Content, "ghost</a>") {
		t.Errorf("content = %s", post.Content)
	}
	if post.Mentions != bob["id"] {
		t.Errorf("mentions = %q", post.Mentions)
	}
	activities, _ := env.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 100, time.Minute)
	if len(activities) == 0 || activities[0].Type != "Create" || len(activities[0].Cc) != 1 || activities[0].Cc[0] != bob["id"] {
		t.Errorf("the author's Create does not reach the mentioned person: %+v", activities[0])
	}
}
