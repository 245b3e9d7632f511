package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

// pollDiscussion is a discussion whose clock the test moves.
type pollDiscussion struct {
	*discussion
	clock *time.Time
}

func newPollDiscussion(t *testing.T, d *db.DB) *pollDiscussion {
	t.Helper()
	clock := now
	x := &pollDiscussion{discussion: newDiscussion(t, d, convene.PostingMembers), clock: &clock}
	x.svc = service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"),
		Now: func() time.Time { return *x.clock }, NewKeyPair: sharedKeys})
	return x
}

func lunchPoll(multiple bool) *service.PollCreate {
	return &service.PollCreate{Options: []string{"Pizza", "Soup", "Salad"}, ExpiresIn: 3600, Multiple: multiple}
}

// pollThread is mia's thread in surrey with a poll, posted as an app posts it.
func (x *pollDiscussion) pollThread(t *testing.T, poll *service.PollCreate) *convene.Post {
	t.Helper()
	p, err := x.svc.PostStatus(as(x.mia), service.StatusCreate{Text: "@surrey Where shall we eat?", Poll: poll})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPollCreationFollowsTheAnnouncedLimits(t *testing.T) {
	x := newPollDiscussion(t, dbtest.OpenSQLite(t))
	bad := map[string]*service.PollCreate{
		"one option":       {Options: []string{"Yes"}, ExpiresIn: 3600},
		"five options":     {Options: []string{"a", "b", "c", "d", "e"}, ExpiresIn: 3600},
		"empty option":     {Options: []string{"a", " "}, ExpiresIn: 3600},
		"long option":      {Options: []string{"a", strings.Repeat("é", 51)}, ExpiresIn: 3600},
		"duplicate":        {Options: []string{"a", "a"}, ExpiresIn: 3600},
		"too short":        {Options: []string{"a", "b"}, ExpiresIn: 299},
		"too long":         {Options: []string{"a", "b"}, ExpiresIn: 30*24*3600 + 1},
		"missing duration": {Options: []string{"a", "b"}},
	}
	for name, poll := range bad {
		_, err := x.svc.PostStatus(as(x.mia), service.StatusCreate{Text: "@surrey " + name, Poll: poll})
		if convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	posts, _ := x.store.FindPosts(context.Background(), convene.PostFilter{Limit: 10})
	if len(posts) != 0 {
		t.Errorf("%d posts made by refused polls", len(posts))
	}
	p := x.pollThread(t, &service.PollCreate{Options: []string{" a ", strings.Repeat("é", 50)}, ExpiresIn: 300, HideTotals: true})
	v, err := x.svc.FindPoll(as(x.otto), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Options[0].Title != "a" || !v.HideTotals || v.ShowTotals() || !v.ExpiresAt.Equal(now.Add(5*time.Minute)) || !v.CanVote {
		t.Errorf("poll = %+v", v)
	}
}

func TestVotingRulesAreMastodons(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newPollDiscussion(t, d)
		single := x.pollThread(t, lunchPoll(false))
		_, err := x.svc.Vote(as(x.mia), single.ID, []int{0})
		wantCode(t, err, convene.EINVALID) // own poll
		for _, choices := range [][]int{{}, {0, 1}, {3}, {-1}} {
			_, err := x.svc.Vote(as(x.otto), single.ID, choices)
			wantCode(t, err, convene.EINVALID)
		}
		v, err := x.svc.Vote(as(x.otto), single.ID, []int{1})
		if err != nil {
			t.Fatal(err)
		}
		if !v.Voted || fmt.Sprint(v.Choices) != "[1]" || v.Options[1].VotesCount != 1 || v.VotersCount != 1 || v.CanVote {
			t.Errorf("after voting: %+v", v)
		}
		_, err = x.svc.Vote(as(x.otto), single.ID, []int{0})
		if convene.ErrorCode(err) != convene.EINVALID || !strings.Contains(convene.ErrorMessage(err), "already voted") {
			t.Errorf("second vote: %v, want invalid: already voted", err)
		}
		_, err = x.svc.Vote(context.Background(), single.ID, []int{0})
		wantCode(t, err, convene.EUNAUTHORIZED)

		multi := x.pollThread(t, lunchPoll(true))
		if v, err := x.svc.Vote(as(x.olga), multi.ID, []int{0, 2}); err != nil || v.VotesCount() != 2 || v.VotersCount != 1 {
			t.Errorf("multiple choice vote = %+v, %v", v, err)
		}
		_, err = x.svc.Vote(as(x.otto), multi.ID, []int{2, 2})
		wantCode(t, err, convene.EINVALID)

		*x.clock = now.Add(time.Hour)
		_, err = x.svc.Vote(as(x.otto), multi.ID, []int{0})
		wantCode(t, err, convene.EINVALID) // ended
	})
}

func TestCommunityOnlyPollIsHiddenFromOutsiders(t *testing.T) {
	x := newPollDiscussion(t, dbtest.OpenSQLite(t))
	p, err := x.svc.PostStatus(as(x.mia), service.StatusCreate{Text: "@surrey members?", Visibility: "private", Poll: lunchPoll(false)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = x.svc.Vote(as(x.otto), p.ID, []int{0})
	wantCode(t, err, convene.ENOTFOUND)
	if _, err := x.svc.Vote(as(x.olga), p.ID, []int{0}); err != nil {
		t.Errorf("moderator voting: %v", err)
	}
}

func TestSweepSendsTalliesAndClosesEndedPollsOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newPollDiscussion(t, d)
		ctx := context.Background()
		p := x.pollThread(t, lunchPoll(false))
		x.outbox(t) // the thread's own Create and Announces
		if _, err := x.svc.Vote(as(x.otto), p.ID, []int{2}); err != nil {
			t.Fatal(err)
		}
		if got := activityTypes(x.outbox(t)); got != "" {
			t.Errorf("a local vote on a local poll queued %q at once; want it batched", got)
		}
		if n, err := x.svc.SweepPolls(ctx); err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v", n, err)
		}
		updates := x.outbox(t)
		if got := activityTypes(updates); !strings.Contains(got, "Update") || updates[0].Object != p.IRI {
			t.Errorf("after the sweep: %q, want the poll's Update", got)
		}
		if n, _ := x.svc.SweepPolls(ctx); n != 0 {
			t.Errorf("second sweep handled %d polls, want none", n)
		}

		*x.clock = now.Add(time.Hour)
		for range 2 {
			if _, err := x.svc.SweepPolls(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := activityTypes(x.outbox(t)); !strings.Contains(got, "Update") {
			t.Errorf("closing sent %q, want the final Update", got)
		}
		v, _ := x.svc.FindPoll(as(x.otto), p.ID)
		if !v.Closed || !v.Expired {
			t.Errorf("poll after its end = %+v", v)
		}
		for _, a := range []*convene.Account{x.mia, x.otto} {
			list, _ := x.svc.Notifications(as(a), "", 20)
			polls := 0
			for _, n := range list {
				if n.Type == "poll" && n.PostID == p.ID {
					polls++
				}
			}
			if polls != 1 {
				t.Errorf("%s has %d poll notifications, want 1", a.Username, polls)
			}
		}
		if list, _ := x.svc.Notifications(as(x.olga), "", 20); len(list) != 0 {
			t.Errorf("olga, who did not vote, got %d notifications", len(list))
		}
	})
}

// remotePoll stores a Mastodon user's public poll in surrey, as federation files it.
func (x *pollDiscussion) remotePoll(t *testing.T, multiple bool) *convene.Post {
	t.Helper()
	ctx := context.Background()
	author := "https://mastodon.test/users/rita"
	if err := x.store.UpsertRemoteActor(ctx, &convene.RemoteActor{ID: convene.NewID(), IRI: author, Type: "Person", Username: "rita",
		Domain: "mastodon.test", Inbox: author + "/inbox", FetchedAt: now, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	c, _ := x.store.FindCommunityBySlug(ctx, "surrey")
	id := convene.NewID()
	ends := now.Add(time.Hour)
	p := &convene.Post{ID: id, IRI: "https://mastodon.test/users/rita/statuses/1", CommunityID: c.ID,
		CommunityIRI: "https://convene.test/c/surrey", ThreadID: id, AuthorIRI: author, Title: "Tea or coffee?",
		Content: "<p>Tea or coffee?</p>", Visibility: convene.VisibilityPublic, PublishedAt: now,
		Poll: &convene.Poll{ExpiresAt: &ends, Multiple: multiple, VotersCount: 5,
			Options: []convene.PollOption{{Title: "Tea", VotesCount: 3}, {Title: "Coffee", VotesCount: 2}}}}
	if err := x.store.CreatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVoteOnRemotePollGoesToItsAuthorOnly(t *testing.T) {
	x := newPollDiscussion(t, dbtest.OpenSQLite(t))
	p := x.remotePoll(t, false)
	v, err := x.svc.Vote(as(x.otto), p.ID, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	if v.Options[1].VotesCount != 3 || v.VotersCount != 6 {
		t.Errorf("remote poll after a local vote = %+v", v)
	}
	out := x.outbox(t)
	if len(out) != 1 || out[0].Type != "Create" || fmt.Sprint(out[0].To) != "["+p.AuthorIRI+"]" || len(out[0].Cc) != 0 ||
		!strings.HasSuffix(out[0].Object, service.VoteFragment) {
		t.Fatalf("outbox = %+v; want one Create of the vote to the poll's author", out)
	}
	vote, err := x.store.FindPollVoteByIRI(context.Background(), out[0].Object)
	if err != nil || vote.Position != 1 || vote.Voter != "https://convene.test/u/otto" {
		t.Errorf("vote = %+v, %v", vote, err)
	}
	if n, _ := x.svc.SweepPolls(context.Background()); n != 0 {
		t.Errorf("the sweep handled %d remote polls; their authors send the tallies", n)
	}
}

func TestRemoteVotesAreCountedOncePerActorAndNeverFiled(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newPollDiscussion(t, d)
		ctx := context.Background()
		p := x.pollThread(t, lunchPoll(false))
		vote := service.RemoteVote{IRI: "https://mastodon.test/users/rita#votes/1", Voter: "https://mastodon.test/users/rita",
			Question: p.IRI, Name: "Soup"}
		for i, name := range []string{"Soup", "Pizza", "Nothing"} {
			vote.IRI, vote.Name = fmt.Sprintf("https://mastodon.test/users/rita#votes/%d", i), name
			if isVote, err := x.svc.ReceivePollVote(ctx, vote); !isVote || err != nil {
				t.Fatalf("vote %q = %v, %v; want taken as a vote", name, isVote, err)
			}
		}
		v, _ := x.svc.FindPoll(as(x.otto), p.ID)
		if v.VotersCount != 1 || v.Options[1].VotesCount != 1 || v.VotesCount() != 1 {
			t.Errorf("poll = %+v; want rita's first vote only", v)
		}
		posts, _ := x.svc.Thread(as(x.otto), p.ID)
		if len(posts) != 1 {
			t.Errorf("thread has %d posts; votes must not be replies", len(posts))
		}
		other := service.RemoteVote{IRI: "https://mastodon.test/n/1", Voter: vote.Voter, Question: "https://elsewhere.test/p/1", Name: "x"}
		if isVote, err := x.svc.ReceivePollVote(ctx, other); isVote || err != nil {
			t.Errorf("a Note answering an unknown post = %v, %v; want no vote", isVote, err)
		}
	})
}

func TestPollUpdateFromItsAuthorRefreshesTalliesWithoutEditing(t *testing.T) {
	x := newPollDiscussion(t, dbtest.OpenSQLite(t))
	ctx := context.Background()
	p := x.remotePoll(t, false)
	update := service.RemotePost{IRI: p.IRI, Author: p.AuthorIRI, Title: p.Title, Content: p.Content, Public: true,
		Poll: &convene.Poll{VotersCount: 9, Closed: true, Options: []convene.PollOption{{VotesCount: 4}, {VotesCount: 5}}}}
	stranger := update
	stranger.Author = "https://mastodon.test/users/mallory"
	stranger.Poll = &convene.Poll{VotersCount: 99, Options: []convene.PollOption{{VotesCount: 99}, {VotesCount: 0}}}
	if err := x.svc.ReceivePostUpdate(ctx, stranger); err != nil {
		t.Fatal(err)
	}
	if v, _ := x.svc.FindPoll(as(x.otto), p.ID); v.VotersCount != 5 {
		t.Errorf("a stranger's Update changed the poll: %+v", v)
	}
	if err := x.svc.ReceivePostUpdate(ctx, update); err != nil {
		t.Fatal(err)
	}
	v, _ := x.svc.FindPoll(as(x.otto), p.ID)
	if v.VotersCount != 9 || v.Options[1].VotesCount != 5 || !v.Closed || !v.Expired {
		t.Errorf("poll after its author's Update = %+v", v)
	}
	if got, _ := x.store.FindPostByID(ctx, p.ID); got.EditedAt != nil {
		t.Error("a tally update marked the post edited")
	}
}

func TestLiveClientsHearOfTalliesWhenTheSweepSendsThem(t *testing.T) {
	x := newPollDiscussion(t, dbtest.OpenSQLite(t))
	sub, err := x.svc.Subscribe(as(x.olga), "olga-token")
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Add(mustStream(t, "public", "")); err != nil {
		t.Fatal(err)
	}
	p := x.pollThread(t, lunchPoll(false))
	recv(t, sub) // the new thread
	if _, err := x.svc.Vote(as(x.otto), p.ID, []int{0}); err != nil {
		t.Fatal(err)
	}
	wantDeliveries(t, "olga after one vote", sub)
	if _, err := x.svc.SweepPolls(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantDeliveries(t, "olga after the sweep", sub, "public  status.update "+p.ID)
	*x.clock = now.Add(time.Hour)
	if _, err := x.svc.SweepPolls(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, sub); got.Event.Kind != convene.StreamStatusUpdate || got.Event.PostID != p.ID {
		t.Errorf("on closing, olga received %+v", got)
	}
}

func TestDeletedPollClosesWithoutNotifyingOrFederating(t *testing.T) {
	x := newPollDiscussion(t, dbtest.OpenSQLite(t))
	p := x.pollThread(t, lunchPoll(false))
	if _, err := x.svc.Vote(as(x.otto), p.ID, []int{0}); err != nil {
		t.Fatal(err)
	}
	if err := x.svc.DeletePost(as(x.mia), p.ID); err != nil {
		t.Fatal(err)
	}
	x.outbox(t)
	*x.clock = now.Add(time.Hour)
	if n, err := x.svc.SweepPolls(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep = %d, %v", n, err)
	}
	if got := activityTypes(x.outbox(t)); got != "" {
		t.Errorf("closing a deleted post's poll sent %q", got)
	}
	if list, _ := x.svc.Notifications(as(x.otto), "", 10); len(list) != 0 {
		t.Errorf("otto was told a deleted post's poll ended: %v", list)
	}
	if n, _ := x.svc.SweepPolls(context.Background()); n != 0 {
		t.Errorf("the deleted post's poll is still due")
	}
}
