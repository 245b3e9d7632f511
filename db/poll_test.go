package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// pollPost stores a thread of alice's in surrey carrying a poll with three options.
func pollPost(t *testing.T, d *db.DB, multiple bool, expires time.Time) *convene.Post {
	t.Helper()
	alice, c := eventSetup(t, d)
	id := convene.NewID()
	p := &convene.Post{ID: id, IRI: "https://convene.test/p/" + id, CommunityID: c.ID, CommunityIRI: surreyIRI, ThreadID: id,
		AuthorIRI: "https://convene.test/u/alice", AccountID: alice.ID, Title: "Lunch?", Content: "<p>Where?</p>",
		Visibility: convene.VisibilityPublic, PublishedAt: at,
		Poll: &convene.Poll{Local: true, ExpiresAt: &expires, Multiple: multiple,
			Options: []convene.PollOption{{Title: "Pizza"}, {Title: "Soup"}, {Title: "Salad"}}}}
	if err := d.CreatePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func ballot(postID, voter string, positions ...int) convene.Ballot {
	b := convene.Ballot{PostID: postID, Voter: voter}
	for _, pos := range positions {
		b.Votes = append(b.Votes, convene.PollVote{PostID: postID, Voter: voter, Position: pos,
			IRI: fmt.Sprintf("%s#votes/%d", voter, pos), CreatedAt: at})
	}
	return b
}

func TestPollIsStoredWithItsPost(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := pollPost(t, d, true, at.Add(time.Hour))
		got, err := d.FindPoll(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Local || !got.Multiple || got.ExpiresAt == nil || !got.ExpiresAt.Equal(at.Add(time.Hour)) || len(got.Options) != 3 ||
			got.Options[2].Title != "Salad" || got.Options[2].Position != 2 {
			t.Errorf("poll = %+v", got)
		}
		other, err := d.FindPolls(ctx, []string{p.ID, convene.NewID()})
		if err != nil || len(other) != 1 {
			t.Errorf("FindPolls = %v, %v; want only the post with a poll", other, err)
		}
		_, err = d.FindPoll(ctx, convene.NewID())
		wantCode(t, err, convene.ENOTFOUND)
	})
}

func TestConcurrentVotersAreAllCounted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := pollPost(t, d, true, at.Add(time.Hour))
		const voters = 24
		var wg sync.WaitGroup
		errs := make(chan error, voters)
		for i := range voters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- d.CastBallot(ctx, ballot(p.ID, fmt.Sprintf("https://peer.test/u/v%d", i), 0, 1+i%2), at)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := d.FindPoll(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.VotersCount != voters || got.Options[0].VotesCount != voters || got.Options[1].VotesCount != voters/2 ||
			got.Options[2].VotesCount != voters/2 || !got.Dirty {
			t.Errorf("poll after %d concurrent voters = %+v", voters, got)
		}
	})
}

func TestSecondBallotIsRefusedEvenConcurrently(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := pollPost(t, d, false, at.Add(time.Hour))
		const tries = 8
		var wg sync.WaitGroup
		errs := make(chan error, tries)
		for i := range tries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b := ballot(p.ID, "https://peer.test/u/bob", i%3)
				b.Votes[0].IRI = fmt.Sprintf("https://peer.test/votes/%d", i)
				errs <- d.CastBallot(ctx, b, at)
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			if err == nil {
				ok++
			} else {
				wantCode(t, err, convene.EINVALID)
			}
		}
		got, _ := d.FindPoll(ctx, p.ID)
		if ok != 1 || got.VotersCount != 1 || got.VotesCount() != 1 {
			t.Errorf("%d ballots accepted, poll %+v; want exactly one counted", ok, got)
		}
	})
}

func TestRemoteVoterExtendsBallotOncePerOption(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := pollPost(t, d, true, at.Add(time.Hour))
		voter := "https://peer.test/u/carol"
		for _, pos := range []int{0, 2} {
			b := ballot(p.ID, voter, pos)
			b.Extend = true
			if err := d.CastBallot(ctx, b, at); err != nil {
				t.Fatal(err)
			}
		}
		again := ballot(p.ID, voter, 2)
		again.Extend = true
		again.Votes[0].IRI += "-again"
		wantCode(t, d.CastBallot(ctx, again, at), convene.EINVALID)
		got, _ := d.FindPoll(ctx, p.ID)
		if got.VotersCount != 1 || got.Options[0].VotesCount != 1 || got.Options[2].VotesCount != 1 {
			t.Errorf("poll = %+v; want one voter, two votes", got)
		}
		choices, err := d.FindPollChoices(ctx, voter, []string{p.ID})
		if err != nil || fmt.Sprint(choices[p.ID]) != "[0 2]" {
			t.Errorf("choices = %v, %v", choices, err)
		}
		v, err := d.FindPollVoteByIRI(ctx, voter+"#votes/2")
		if err != nil || v.Position != 2 || v.Voter != voter {
			t.Errorf("vote by IRI = %+v, %v", v, err)
		}
	})
}

func TestBallotAfterExpiryOrOnMissingOptionChangesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := pollPost(t, d, false, at.Add(time.Minute))
		wantCode(t, d.CastBallot(ctx, ballot(p.ID, "https://peer.test/u/late", 0), at.Add(time.Minute)), convene.EINVALID)
		wantCode(t, d.CastBallot(ctx, ballot(p.ID, "https://peer.test/u/odd", 7), at), convene.EINVALID)
		got, _ := d.FindPoll(ctx, p.ID)
		if got.VotersCount != 0 || got.VotesCount() != 0 || got.Dirty {
			t.Errorf("poll = %+v; want untouched", got)
		}
	})
}

func TestPollsDueAreClosedOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := pollPost(t, d, false, at.Add(time.Minute))
		if due, err := d.FindPollsDue(ctx, at, 10); err != nil || len(due) != 0 {
			t.Fatalf("due before anything happened = %v, %v", due, err)
		}
		if err := d.CastBallot(ctx, ballot(p.ID, "https://peer.test/u/bob", 1), at); err != nil {
			t.Fatal(err)
		}
		if due, err := d.FindPollsDue(ctx, at, 10); err != nil || len(due) != 1 || !due[0].Dirty {
			t.Fatalf("due after a vote = %v, %v", due, err)
		}
		if err := d.MarkPollSent(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if due, _ := d.FindPollsDue(ctx, at, 10); len(due) != 0 {
			t.Fatalf("due after sending = %v", due)
		}
		if due, _ := d.FindPollsDue(ctx, at.Add(time.Minute), 10); len(due) != 1 {
			t.Fatalf("due once ended = %v", due)
		}
		first, err := d.ClosePoll(ctx, p.ID)
		second, err2 := d.ClosePoll(ctx, p.ID)
		if err != nil || err2 != nil || !first || second {
			t.Errorf("ClosePoll twice = %v, %v (%v, %v); want true then false", first, second, err, err2)
		}
		if due, _ := d.FindPollsDue(ctx, at.Add(time.Hour), 10); len(due) != 0 {
			t.Errorf("due after closing = %v", due)
		}
		voters, err := d.FindPollVoters(ctx, p.ID)
		if err != nil || len(voters) != 1 {
			t.Errorf("voters = %v, %v", voters, err)
		}
	})
}
