package main

import (
	"context"
	"testing"
	"time"

	"github.com/convene-social/convene/service"
)

// Two Convene instances: alice's poll on A reaches B as a Question, bob's vote on B reaches A
// as a vote (not a reply), and A's next sweep sends the tallies back to B.
func TestAPollOnAIsVotedOnFromB(t *testing.T) {
	a, b := surreyOnAFollowedFromB(t)
	svcA, asAlice := a.actAs(t, "alice")
	thread, err := svcA.CreateThread(asAlice, service.ThreadCreate{Community: "surrey", Title: "Which day?", Body: "For the walk.",
		Poll: &service.PollCreate{Options: []string{"Friday", "Saturday"}, ExpiresIn: 3600}})
	if err != nil {
		t.Fatal(err)
	}
	svcB, asBob := b.actAs(t, "bob")
	onB := threadOnB(t, a, svcB)
	poll, err := svcB.FindPoll(asBob, onB.ID)
	if err != nil || len(poll.Options) != 2 || poll.Options[1].Title != "Saturday" || poll.Local || !poll.CanVote {
		t.Fatalf("poll on B = %+v, %v", poll, err)
	}

	if _, err := svcB.Vote(asBob, onB.ID, []int{1}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "bob's vote counted on A", func() bool {
		v, err := svcA.FindPoll(asAlice, thread.ID)
		return err == nil && v.VotersCount == 1 && v.Options[1].VotesCount == 1
	})
	if posts, _ := svcA.Thread(context.Background(), thread.ID); len(posts) != 1 {
		t.Errorf("the thread on A has %d posts: the vote became a reply", len(posts))
	}

	// carol votes on A; A's sweep sends the tallies, and B takes them from the poll's author.
	_, asCarol := a.actAs(t, "carol")
	if _, err := svcA.Vote(asCarol, thread.ID, []int{0}); err != nil {
		t.Fatal(err)
	}
	if _, err := svcA.SweepPolls(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "A's tallies on B", func() bool {
		v, err := svcB.FindPoll(asBob, onB.ID)
		return err == nil && v.VotersCount == 2 && v.Options[0].VotesCount == 1 && v.Options[1].VotesCount == 1 && v.Voted
	})
}
