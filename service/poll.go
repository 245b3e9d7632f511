package service

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// PollCreate is a poll as a Mastodon app or the web form asks for it.
type PollCreate struct {
	Options    []string
	ExpiresIn  int // seconds
	Multiple   bool
	HideTotals bool
}

// PollView is a poll as its viewer sees it.
type PollView struct {
	*convene.Poll
	Expired bool
	// Voted is true once the viewer voted, and always for the poll's author, who may not
	// vote (Mastodon's rule; apps then show results instead of choices).
	Voted   bool
	Choices []int // the viewer's own choices
	// CanVote says the viewer is signed in and may still vote.
	CanVote bool
}

// ShowTotals reports whether the viewer may see the counts: always, unless the author hid
// them until the poll ends.
func (v *PollView) ShowTotals() bool { return !v.HideTotals || v.Expired }

// newPoll checks a requested poll against the limits the instance announces.
func (s *Service) newPoll(in *PollCreate) (*convene.Poll, error) {
	if in == nil {
		return nil, nil
	}
	if len(in.Options) < convene.PollMinOptions || len(in.Options) > convene.PollMaxOptions {
		return nil, convene.Errorf(convene.EINVALID, "a poll needs %d to %d options", convene.PollMinOptions, convene.PollMaxOptions)
	}
	expiresIn := time.Duration(in.ExpiresIn) * time.Second
	if expiresIn < convene.PollMinExpiration || expiresIn > convene.PollMaxExpiration {
		return nil, convene.Errorf(convene.EINVALID, "a poll must run between %d and %d seconds",
			int(convene.PollMinExpiration.Seconds()), int(convene.PollMaxExpiration.Seconds()))
	}
	p := &convene.Poll{Local: true, Multiple: in.Multiple, HideTotals: in.HideTotals}
	for _, title := range in.Options {
		title = strings.TrimSpace(title)
		if n := utf8.RuneCountInString(title); n == 0 || n > convene.PollMaxOptionChars {
			return nil, convene.Errorf(convene.EINVALID, "each poll option needs 1 to %d characters", convene.PollMaxOptionChars)
		}
		if slices.ContainsFunc(p.Options, func(o convene.PollOption) bool { return o.Title == title }) {
			return nil, convene.Errorf(convene.EINVALID, "poll options must differ: %q is there twice", title)
		}
		p.Options = append(p.Options, convene.PollOption{Position: len(p.Options), Title: title})
	}
	expires := s.timestamp().Add(expiresIn)
	p.ExpiresAt = &expires
	return p, nil
}

// FindPoll returns a poll the principal may see, by its post's id: a poll has no id of its
// own, since a post carries at most one (Mastodon's apps treat poll ids as opaque).
func (s *Service) FindPoll(ctx context.Context, id string) (*PollView, error) {
	p, _, err := s.visiblePost(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.pollOf(ctx, p)
}

// pollOf is the poll of a post the principal may see, as they see it.
func (s *Service) pollOf(ctx context.Context, p *convene.Post) (*PollView, error) {
	views, err := s.PollViews(ctx, []*convene.Post{p})
	if err != nil {
		return nil, err
	}
	if v := views[p.ID]; v != nil {
		return v, nil
	}
	return nil, convene.Errorf(convene.ENOTFOUND, "poll not found")
}

// PollViews gathers the polls of a page of posts (those that have one) and the principal's
// votes in them: two queries for the polls and one for the votes, whatever the page's length.
func (s *Service) PollViews(ctx context.Context, posts []*convene.Post) (map[string]*PollView, error) {
	ids := make([]string, 0, len(posts))
	for _, p := range posts {
		if p.DeletedAt == nil {
			ids = append(ids, p.ID)
		}
	}
	polls, err := s.store.FindPolls(ctx, ids)
	if err != nil || len(polls) == 0 {
		return nil, err
	}
	viewer := ""
	if a := convene.PrincipalFrom(ctx).Account; a != nil {
		viewer = s.iris.Person(a.Username)
	}
	choices, err := s.store.FindPollChoices(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	now := s.timestamp()
	out := make(map[string]*PollView, len(polls))
	for _, p := range posts {
		poll := polls[p.ID]
		if poll == nil {
			continue
		}
		v := &PollView{Poll: poll, Expired: poll.Expired(now), Choices: choices[p.ID]}
		v.Voted = len(v.Choices) > 0 || (viewer != "" && viewer == p.AuthorIRI)
		v.CanVote = viewer != "" && !v.Voted && !v.Expired
		out[p.ID] = v
	}
	return out, nil
}

// Vote casts the principal's choices (0-based option positions) in the poll of post id.
// Mastodon's rules: the poll must be open, not the voter's own, one choice unless it is a
// multiple-choice poll, and one ballot per voter. A vote on a local poll is counted here and
// reaches peers with the poll's next Update (SweepPolls); a vote on a remote poll is counted
// here too and sent to the poll's author as a Note per choice, as Mastodon sends them.
func (s *Service) Vote(ctx context.Context, id string, choices []int) (*PollView, error) {
	account, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	p, _, err := s.visiblePost(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := s.pollOf(ctx, p)
	if err != nil {
		return nil, err
	}
	voter := s.iris.Person(account.Username)
	if err := checkBallot(v, p, voter, choices); err != nil {
		return nil, err
	}
	now := s.timestamp()
	ballot := convene.Ballot{PostID: p.ID, Voter: voter}
	var activities []*convene.Activity
	for _, choice := range choices {
		act := &convene.Activity{ID: convene.NewIDAt(now), Type: "Create", Actor: voter, To: []string{p.AuthorIRI}, Published: now}
		act.Object = s.iris.Activity(act.ID) + VoteFragment
		ballot.Votes = append(ballot.Votes, convene.PollVote{PostID: p.ID, Voter: voter, Position: choice, IRI: act.Object, CreatedAt: now})
		activities = append(activities, act)
	}
	defer s.notifyOutbox()
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CastBallot(ctx, ballot, now); err != nil || v.Local {
			return err
		}
		for _, act := range activities {
			if err := tx.EnqueueActivity(ctx, act); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.pollOf(ctx, p)
}

// VoteFragment ends the IRI of a local voter's vote Note: the Create that carries it is
// /a/{id}, the Note /a/{id}#vote (a vote is no post and has no page of its own).
const VoteFragment = "#vote"

// checkBallot applies Mastodon's voting rules to a ballot.
func checkBallot(v *PollView, p *convene.Post, voter string, choices []int) error {
	switch {
	case p.DeletedAt != nil:
		return convene.Errorf(convene.ENOTFOUND, "poll not found")
	case v.Expired:
		return convene.Errorf(convene.EINVALID, "the poll has already ended")
	case p.AuthorIRI == voter:
		return convene.Errorf(convene.EINVALID, "you cannot vote on your own poll")
	case len(v.Choices) > 0:
		return convene.Errorf(convene.EINVALID, "you have already voted on this poll")
	case len(choices) == 0:
		return convene.Errorf(convene.EINVALID, "choose at least one option")
	case !v.Multiple && len(choices) != 1:
		return convene.Errorf(convene.EINVALID, "this poll takes exactly one choice")
	}
	seen := map[int]bool{}
	for _, c := range choices {
		if c < 0 || c >= len(v.Options) || seen[c] {
			return convene.Errorf(convene.EINVALID, "choice %d is not one of the poll's options", c)
		}
		seen[c] = true
	}
	return nil
}
