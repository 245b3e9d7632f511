package service

import (
	"context"

	"github.com/convene-social/convene"
)

// receivePollTallies takes the tallies of a remote poll from its author's Update{Question}
// (the caller checked the author). It reports true when that was all the Update changed:
// Mastodon sends one whenever votes arrive, and a new count is no edit of the post.
func (s *Service) receivePollTallies(ctx context.Context, p *convene.Post, rp RemotePost) (bool, error) {
	if rp.Poll == nil {
		return false, nil
	}
	if _, err := s.store.FindPoll(ctx, p.ID); convene.ErrorCode(err) == convene.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	t := convene.PollTallies{VotersCount: rp.Poll.VotersCount, Closed: rp.Poll.Closed, ExpiresAt: rp.Poll.ExpiresAt}
	for _, o := range rp.Poll.Options {
		t.Counts = append(t.Counts, o.VotesCount)
	}
	if err := s.store.SetPollTallies(ctx, p.ID, t); err != nil {
		return false, err
	}
	if unchanged := p.Content == rp.Content && (!p.IsThread() || p.Title == remoteTitle(rp)); !unchanged {
		return false, nil
	}
	// The community passes the author's Update on, so its group-aware followers (other
	// Convene instances, which fetch the Question again) see the new tallies too.
	return true, s.announceChange(ctx, s.store, p, rp.Activity)
}

// RemoteVote is a vote from another server: a Note whose name is the option chosen, in
// reply to the poll's Question, and without content (how Mastodon votes).
type RemoteVote struct {
	IRI      string // the Note's id
	Voter    string // its author, the activity's verified actor
	Question string // the post it answers
	Name     string
}

// ReceivePollVote counts a remote actor's vote in a local poll. It reports whether the Note
// was a vote at all (it answers a local post with a poll): a vote, counted or refused, must
// never be filed as a reply. A vote breaking the rules (poll ended, unknown option, a second
// choice in a single-choice poll, a post the voter may not see) is dropped.
func (s *Service) ReceivePollVote(ctx context.Context, v RemoteVote) (bool, error) {
	p, err := s.store.FindPostByIRI(ctx, v.Question)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	poll, err := s.store.FindPoll(ctx, p.ID)
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && !poll.Local) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if _, err := s.FindPostForActor(ctx, p.ID, v.Voter); err != nil || p.DeletedAt != nil {
		s.log.InfoContext(ctx, "ignored vote on a poll the voter cannot see", "poll", p.IRI, "voter", v.Voter)
		return true, nil
	}
	position := -1
	for _, o := range poll.Options {
		if o.Title == v.Name {
			position = o.Position
		}
	}
	if position < 0 {
		s.log.InfoContext(ctx, "ignored vote for no option of the poll", "poll", p.IRI, "voter", v.Voter, "name", v.Name)
		return true, nil
	}
	now := s.timestamp()
	ballot := convene.Ballot{PostID: p.ID, Voter: v.Voter, Extend: poll.Multiple,
		Votes: []convene.PollVote{{PostID: p.ID, Voter: v.Voter, Position: position, IRI: v.IRI, CreatedAt: now}}}
	err = s.store.CastBallot(ctx, ballot, now)
	if code := convene.ErrorCode(err); code == convene.EINVALID || code == convene.ECONFLICT {
		s.log.InfoContext(ctx, "ignored vote", "poll", p.IRI, "voter", v.Voter, "reason", convene.ErrorMessage(err))
		return true, nil
	}
	return true, err
}
