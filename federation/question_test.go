package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

// renderAll renders every queued activity, by activity id.
func renderAll(t *testing.T, env *testEnv) map[*convene.Activity]map[string]any {
	t.Helper()
	activities, err := env.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	out := map[*convene.Activity]map[string]any{}
	r := NewRenderer(env.iris, env.store)
	for _, a := range activities {
		body, err := r.Activity(context.Background(), a)
		if err != nil {
			t.Fatalf("render %s: %v", a.Type, err)
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		out[a] = m
	}
	return out
}

// optionSummary lists a Question's options as "name:count".
func optionSummary(q map[string]any, key string) string {
	var parts []string
	for _, o := range q[key].([]any) {
		opt := o.(map[string]any)
		replies := opt["replies"].(map[string]any)
		parts = append(parts, fmt.Sprintf("%v:%v:%v:%v", opt["type"], opt["name"], replies["type"], replies["totalItems"]))
	}
	return strings.Join(parts, " ")
}

func TestPostWithPollRendersAsQuestionKeepingTheNote(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	mia, otto := member(t, env, "mia"), member(t, env, "otto")
	thread, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "Lunch?", Body: "Where?",
		Poll: &service.PollCreate{Options: []string{"Pizza", "Soup"}, ExpiresIn: 3600}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.svc.Vote(otto, thread.ID, []int{1}); err != nil {
		t.Fatal(err)
	}
	var q, create map[string]any
	announced := 0
	for a, m := range renderAll(t, env) {
		if a.Type == "Create" && a.Object == thread.IRI {
			create, q = m, m["object"].(map[string]any)
		}
		if inner, _ := m["object"].(map[string]any); a.Type == "Announce" && a.Embed != "" {
			announced++
			if obj, _ := inner["object"].(map[string]any); obj["type"] != "Question" {
				t.Errorf("the community announces a %v, want the Question", obj["type"])
			}
		}
	}
	if announced == 0 {
		t.Error("the community announced nothing")
	}
	want := map[string]any{"type": "Question", "id": thread.IRI, "name": "Lunch?", "audience": "https://convene.test/c/surrey",
		"context": thread.IRI + "/context", "attributedTo": "https://convene.test/u/mia", "votersCount": 1.0,
		"endTime": thread.PublishedAt.Add(time.Hour).UTC().Format(time.RFC3339)}
	for k, v := range want {
		if q[k] != v {
			t.Errorf("question %s = %v, want %v", k, q[k], v)
		}
	}
	if got := optionSummary(q, "oneOf"); got != "Note:Pizza:Collection:0 Note:Soup:Collection:1" {
		t.Errorf("oneOf = %s", got)
	}
	if _, ok := q["closed"]; ok || !strings.Contains(q["content"].(string), "Where?") || q["to"] == nil || q["cc"] == nil {
		t.Errorf("question = %v", q)
	}
	if ctx, _ := json.Marshal(create["@context"]); !strings.Contains(string(ctx), `"votersCount":"toot:votersCount"`) {
		t.Errorf("context lacks votersCount: %s", ctx)
	}

	// Our own inbound path reads the shape back (another Convene instance receiving it).
	body, _ := json.Marshal(q)
	rp, err := env.inbox.remotePostFrom(body, "https://convene.test/u/mia")
	if err != nil || rp == nil || rp.Poll == nil || rp.Poll.Multiple || len(rp.Poll.Options) != 2 ||
		rp.Poll.Options[1].VotesCount != 1 || rp.Poll.VotersCount != 1 || rp.Title != "Lunch?" || rp.Poll.ExpiresAt == nil {
		t.Fatalf("our Question read back = %+v, %v", rp, err)
	}
}

func TestMultipleChoicePollIsAnyOfAndClosesWithATime(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	mia := member(t, env, "mia")
	thread, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "Snacks", Body: "Which?",
		Poll: &service.PollCreate{Options: []string{"Nuts", "Fruit"}, ExpiresIn: 300, Multiple: true}})
	if err != nil {
		t.Fatal(err)
	}
	env.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 100, time.Minute)
	if _, err := env.store.ClosePoll(context.Background(), thread.ID); err != nil {
		t.Fatal(err)
	}
	body, err := NewRenderer(env.iris, env.store).Note(context.Background(), thread)
	if err != nil {
		t.Fatal(err)
	}
	var q map[string]any
	json.Unmarshal(body, &q)
	if q["type"] != "Question" || q["oneOf"] != nil || optionSummary(q, "anyOf") != "Note:Nuts:Collection:0 Note:Fruit:Collection:0" ||
		q["closed"] != q["endTime"] || q["closed"] == nil {
		t.Errorf("closed multiple-choice question = %v", q)
	}
	rp, _ := env.inbox.remotePostFrom(body, "https://convene.test/u/mia")
	if rp == nil || rp.Poll == nil || !rp.Poll.Multiple || !rp.Poll.Closed {
		t.Errorf("read back = %+v", rp)
	}
}

// mastodonQuestionThread files create_question.json: bob's poll mentioning surrey.
func mastodonQuestionThread(t *testing.T, env *testEnv, p *peer, bob map[string]any) *convene.Post {
	t.Helper()
	ctx := convene.WithOperator(context.Background())
	surrey, _ := env.svc.FindCommunity(ctx, "surrey")
	surrey.PostingPolicy = convene.PostingFollowers
	if err := env.store.UpdateCommunity(ctx, surrey); err != nil {
		t.Fatal(err)
	}
	followSurrey(t, env, p, bob)
	if err := p.post(env, p.load("create_question.json"), keyIDOf(bob)); err != nil {
		t.Fatal(err)
	}
	env.applyAll()
	threads := threadsOf(t, env)
	if len(threads) != 1 {
		t.Fatalf("%d threads from a Mastodon poll, want 1", len(threads))
	}
	return threads[0]
}

func TestMastodonQuestionBecomesAThreadWithItsPoll(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	p := newPeer(t, "mastodon")
	bob := p.addActor("person.json")
	th := mastodonQuestionThread(t, env, p, bob)
	if !strings.Contains(th.Title, "Which evening suits the next gathering?") {
		t.Errorf("title = %q", th.Title)
	}
	poll, err := env.store.FindPoll(context.Background(), th.ID)
	if err != nil {
		t.Fatal(err)
	}
	if poll.Local || poll.Multiple || len(poll.Options) != 3 || poll.Options[1].Title != "Wednesday" || poll.ExpiresAt == nil ||
		!poll.ExpiresAt.Equal(time.Date(2026, 12, 5, 9, 12, 44, 0, time.UTC)) || poll.Closed {
		t.Errorf("poll = %+v", poll)
	}

	// Another actor of the same server cannot change the tallies; the author can.
	update := p.load("update_question.json")
	body, _ := json.Marshal(update)
	mallory := strings.Replace(bob["id"].(string), "/bob", "/mallory", 1)
	if err := env.inbox.Apply(context.Background(), &convene.InboxItem{Actor: mallory, Body: body}); err != nil {
		t.Fatal(err)
	}
	if poll, _ := env.store.FindPoll(context.Background(), th.ID); poll.VotersCount != 0 || poll.Closed {
		t.Fatalf("a non-author's Update{Question} changed the poll: %+v", poll)
	}
	env.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 100, time.Minute)
	if err := env.inbox.Apply(context.Background(), &convene.InboxItem{Actor: bob["id"].(string), Body: body}); err != nil {
		t.Fatal(err)
	}
	relayed := false
	for a := range renderAll(t, env) {
		relayed = relayed || (a.Type == "Announce" && a.GroupAwareOnly && strings.Contains(a.EmbedRaw, `"Update"`))
	}
	if !relayed {
		t.Error("the community did not pass bob's Update{Question} on to its group-aware followers")
	}
	poll, _ = env.store.FindPoll(context.Background(), th.ID)
	if poll.VotersCount != 3 || !poll.Closed || fmt.Sprint(poll.Options[0].VotesCount, poll.Options[1].VotesCount) != "1 2" {
		t.Errorf("poll after bob's Update = %+v", poll)
	}
	if got, _ := env.store.FindPostByID(context.Background(), th.ID); got.EditedAt != nil {
		t.Error("a tally update counted as an edit")
	}
}

func TestLocalVoteOnMastodonPollIsANoteToItsAuthor(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	p := newPeer(t, "mastodon")
	bob := p.addActor("person.json")
	th := mastodonQuestionThread(t, env, p, bob)
	otto := member(t, env, "otto")
	env.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 100, time.Minute)
	if _, err := env.svc.Vote(otto, th.ID, []int{1}); err != nil {
		t.Fatal(err)
	}
	rendered := renderAll(t, env)
	if len(rendered) != 1 {
		t.Fatalf("%d activities for one vote, want 1", len(rendered))
	}
	for a, m := range rendered {
		note, _ := m["object"].(map[string]any)
		if m["type"] != "Create" || note["type"] != "Note" || note["name"] != "Wednesday" || note["inReplyTo"] != th.IRI ||
			note["attributedTo"] != "https://convene.test/u/otto" || note["content"] != nil || fmt.Sprint(note["to"]) != fmt.Sprint([]any{bob["id"]}) ||
			fmt.Sprint(m["to"]) != fmt.Sprint([]any{bob["id"]}) || m["cc"] != nil || note["id"] != a.Object {
			t.Errorf("vote = %v", m)
		}
	}
}

func TestMastodonVoteIsCountedAndNeverAReply(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	mia := member(t, env, "mia")
	thread, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "Lunch?", Body: "Where?",
		Poll: &service.PollCreate{Options: []string{"Pizza", "Soup"}, ExpiresIn: 3600}})
	if err != nil {
		t.Fatal(err)
	}
	p := newPeer(t, "mastodon")
	bob := p.addActor("person.json")
	vote := p.load("create_vote.json")
	vote["object"].(map[string]any)["inReplyTo"] = thread.IRI
	for range 2 { // a repeat (a retry, or a second vote) counts once
		if err := p.post(env, vote, keyIDOf(bob)); err != nil && !strings.Contains(err.Error(), "already") {
			t.Fatal(err)
		}
		env.applyAll()
		vote["id"] = vote["id"].(string) + "-again"
	}
	poll, _ := env.store.FindPoll(context.Background(), thread.ID)
	if poll.VotersCount != 1 || poll.Options[1].VotesCount != 1 || poll.Options[0].VotesCount != 0 {
		t.Errorf("poll after bob's vote = %+v", poll)
	}
	posts, _ := env.svc.Thread(mia, thread.ID)
	if len(posts) != 1 {
		t.Errorf("thread has %d posts: the vote became a reply", len(posts))
	}
}
