package service

import (
	"context"

	"github.com/convene-social/convene"
)

// pollSweepBatch is how many due polls SweepPolls reads at a time.
const pollSweepBatch = 100

// SweepPolls does what local polls need done since the last sweep: a poll that ended is
// closed, its final tallies sent (Update{Question} with closed) and its author and local
// voters notified, once; a poll whose tallies changed is sent again. Votes are batched this
// way, as Mastodon delays its poll updates: with a sweep a minute, peers get at most one
// Update per poll per minute however many people vote. It reports how many polls it handled.
func (s *Service) SweepPolls(ctx context.Context) (int, error) {
	total := 0
	for {
		due, err := s.store.FindPollsDue(ctx, s.timestamp(), pollSweepBatch)
		if err != nil {
			return total, err
		}
		for _, poll := range due {
			if err := s.sweepPoll(ctx, poll); err != nil {
				return total, err
			}
			total++
		}
		if len(due) < pollSweepBatch {
			return total, nil
		}
	}
}

func (s *Service) sweepPoll(ctx context.Context, poll *convene.Poll) error {
	p, err := s.store.FindPostByID(ctx, poll.PostID)
	if err != nil {
		return err
	}
	ending := !poll.Closed && poll.Expired(s.timestamp())
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if ending {
			closed, err := tx.ClosePoll(ctx, p.ID)
			if err != nil || !closed || p.DeletedAt != nil {
				return err // another process closed it, or nobody is left to tell
			}
		} else if err := tx.MarkPollSent(ctx, p.ID); err != nil {
			return err
		}
		if p.DeletedAt != nil {
			return nil
		}
		voters, err := tx.FindPollVoters(ctx, p.ID)
		if err != nil {
			return err
		}
		if ending {
			if err := s.notifyPollEnded(ctx, tx, p, voters); err != nil {
				return err
			}
		}
		return s.federatePollUpdate(ctx, tx, p, voters)
	})
}

// federatePollUpdate sends a local poll's tallies as its post's Update (rendered as a
// Question when delivered, so with the counts of that moment) to the post's audience, and
// to the remote voters, whose servers show the poll too.
func (s *Service) federatePollUpdate(ctx context.Context, tx convene.Store, p *convene.Post, voters []string) error {
	var c *convene.Community
	if p.CommunityID != "" {
		var err error
		if c, err = tx.FindCommunityByID(ctx, p.CommunityID); err != nil {
			return err
		}
	}
	if err := s.federatePost(ctx, tx, c, p, "Update"); err != nil {
		return err
	}
	var remote []string
	for _, v := range voters {
		if !s.isLocalIRI(v) {
			remote = append(remote, v)
		}
	}
	if len(remote) == 0 {
		return nil
	}
	now := s.timestamp()
	return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Update", Actor: p.AuthorIRI,
		Object: p.IRI, To: remote, Published: now})
}

// notifyPollEnded tells the poll's author and its local voters that it ended, as Mastodon does.
func (s *Service) notifyPollEnded(ctx context.Context, tx convene.Store, p *convene.Post, voters []string) error {
	accounts := []string{}
	if p.AccountID != "" {
		accounts = append(accounts, p.AccountID)
	}
	for _, v := range voters {
		id, ok, err := s.localPersonID(ctx, v)
		if err != nil {
			return err
		}
		if ok {
			accounts = append(accounts, id)
		}
	}
	for _, id := range accounts {
		if err := tx.CreateNotification(ctx, &convene.Notification{ID: convene.NewID(), AccountID: id, Type: "poll",
			Actor: p.AuthorIRI, PostID: p.ID, CreatedAt: s.timestamp()}); err != nil {
			return err
		}
	}
	return nil
}

// isLocalIRI reports whether iri names one of this instance's actors.
func (s *Service) isLocalIRI(iri string) bool {
	_, _, ok := s.iris.LocalActor(iri)
	return ok
}
