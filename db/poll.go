package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/convene-social/convene"
)

const pollColumns = `post_id, local, expires_at, multiple, hide_totals, voters_count, closed, dirty`

// createPoll stores a post's poll and its options, in CreatePost's transaction.
func (s *store) createPoll(ctx context.Context, p *convene.Poll) error {
	if _, err := s.execContext(ctx, `INSERT INTO polls (`+pollColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.PostID, p.Local, p.ExpiresAt, p.Multiple, p.HideTotals, p.VotersCount, p.Closed, p.Dirty); err != nil {
		return fmt.Errorf("create poll: %w", err)
	}
	for i, o := range p.Options {
		if _, err := s.execContext(ctx, `INSERT INTO poll_options (post_id, position, title, votes_count) VALUES (?, ?, ?, ?)`,
			p.PostID, i, o.Title, o.VotesCount); err != nil {
			return fmt.Errorf("create poll option: %w", err)
		}
	}
	return nil
}

// FindPoll implements convene.PollStore.
func (s *store) FindPoll(ctx context.Context, postID string) (*convene.Poll, error) {
	polls, err := s.FindPolls(ctx, []string{postID})
	if err != nil {
		return nil, err
	}
	if p, ok := polls[postID]; ok {
		return p, nil
	}
	return nil, convene.Errorf(convene.ENOTFOUND, "poll not found")
}

// FindPolls implements convene.PollStore: two queries for a whole page of posts.
func (s *store) FindPolls(ctx context.Context, postIDs []string) (map[string]*convene.Poll, error) {
	out := map[string]*convene.Poll{}
	if len(postIDs) == 0 {
		return out, nil
	}
	var polls []*convene.Poll
	in := placeholders(len(postIDs))
	if err := s.selectContext(ctx, &polls, `SELECT `+pollColumns+` FROM polls WHERE post_id IN (`+in+`)`, anys(postIDs)...); err != nil {
		return nil, fmt.Errorf("find polls: %w", err)
	}
	if len(polls) == 0 {
		return out, nil
	}
	for _, p := range polls {
		p.ExpiresAt = utcPtr(p.ExpiresAt)
		out[p.PostID] = p
	}
	var options []struct {
		PostID string `db:"post_id"`
		convene.PollOption
	}
	if err := s.selectContext(ctx, &options, `SELECT post_id, position, title, votes_count FROM poll_options
		WHERE post_id IN (`+in+`) ORDER BY post_id, position`, anys(postIDs)...); err != nil {
		return nil, fmt.Errorf("find poll options: %w", err)
	}
	for _, o := range options {
		if p := out[o.PostID]; p != nil {
			p.Options = append(p.Options, o.PollOption)
		}
	}
	return out, nil
}

// FindPollChoices implements convene.PollStore.
func (s *store) FindPollChoices(ctx context.Context, voter string, postIDs []string) (map[string][]int, error) {
	out := map[string][]int{}
	if len(postIDs) == 0 || voter == "" {
		return out, nil
	}
	var rows []struct {
		PostID   string `db:"post_id"`
		Position int    `db:"position"`
	}
	if err := s.selectContext(ctx, &rows, `SELECT post_id, position FROM poll_votes WHERE voter_iri = ? AND post_id IN (`+
		placeholders(len(postIDs))+`) ORDER BY post_id, position`, append([]any{voter}, anys(postIDs)...)...); err != nil {
		return nil, fmt.Errorf("find poll choices: %w", err)
	}
	for _, r := range rows {
		out[r.PostID] = append(out[r.PostID], r.Position)
	}
	return out, nil
}

// CastBallot implements convene.PollStore. Every count is an increment in SQL, inside one
// transaction, so concurrent voters (on PostgreSQL, in several processes) are all counted;
// poll_voters' key makes a second ballot fail however the requests interleave.
func (s *store) CastBallot(ctx context.Context, b convene.Ballot, now time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		newVoter, err := t.addVoter(ctx, b)
		if err != nil {
			return err
		}
		voters := 0
		if newVoter {
			voters = 1
		}
		// Ending the poll and counting race each other only here: the row lock taken by this
		// UPDATE orders them on PostgreSQL, SQLite has one writer.
		n, err := t.execContext(ctx, `UPDATE polls SET voters_count = voters_count + ?, dirty = local
			WHERE post_id = ? AND NOT closed AND (expires_at IS NULL OR expires_at > ?)`, voters, b.PostID, now)
		if err != nil {
			return fmt.Errorf("count voter: %w", err)
		}
		if n == 0 {
			return convene.Errorf(convene.EINVALID, "the poll has already ended")
		}
		for _, v := range b.Votes {
			if err := t.addVote(ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// addVoter records the voter's ballot and reports whether it is their first.
func (s *store) addVoter(ctx context.Context, b convene.Ballot) (bool, error) {
	query := `INSERT INTO poll_voters (post_id, voter_iri) VALUES (?, ?)`
	if b.Extend {
		query += ` ON CONFLICT DO NOTHING`
	}
	n, err := s.execContext(ctx, query, b.PostID, b.Voter)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return false, convene.Errorf(convene.EINVALID, "you have already voted on this poll")
	}
	if err != nil {
		return false, fmt.Errorf("add voter: %w", err)
	}
	return n == 1, nil
}

func (s *store) addVote(ctx context.Context, v convene.PollVote) error {
	_, err := s.execContext(ctx, `INSERT INTO poll_votes (post_id, voter_iri, position, iri, created_at) VALUES (?, ?, ?, ?, ?)`,
		v.PostID, v.Voter, v.Position, v.IRI, v.CreatedAt)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.EINVALID, "you have already voted on this poll")
	}
	if err != nil {
		return fmt.Errorf("add vote: %w", err)
	}
	n, err := s.execContext(ctx, `UPDATE poll_options SET votes_count = votes_count + 1 WHERE post_id = ? AND position = ?`,
		v.PostID, v.Position)
	if err != nil {
		return fmt.Errorf("count vote: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.EINVALID, "the poll has no option %d", v.Position)
	}
	return nil
}

// FindPollVoteByIRI implements convene.PollStore.
func (s *store) FindPollVoteByIRI(ctx context.Context, iri string) (*convene.PollVote, error) {
	var v convene.PollVote
	if err := s.getContext(ctx, &v, `SELECT post_id, voter_iri, position, iri, created_at FROM poll_votes WHERE iri = ?`, iri); err != nil {
		return nil, notFound(err, "vote not found")
	}
	v.CreatedAt = utc(v.CreatedAt)
	return &v, nil
}

// FindPollVoters implements convene.PollStore.
func (s *store) FindPollVoters(ctx context.Context, postID string) ([]string, error) {
	var voters []string
	if err := s.selectContext(ctx, &voters, `SELECT voter_iri FROM poll_voters WHERE post_id = ? ORDER BY voter_iri`, postID); err != nil {
		return nil, fmt.Errorf("find poll voters: %w", err)
	}
	return voters, nil
}

// SetPollTallies implements convene.PollStore. Options the report does not mention keep
// their counts.
func (s *store) SetPollTallies(ctx context.Context, postID string, t convene.PollTallies) error {
	return s.inTx(ctx, func(tx *store) error {
		n, err := tx.execContext(ctx, `UPDATE polls SET voters_count = ?, closed = ?, expires_at = COALESCE(?, expires_at)
			WHERE post_id = ? AND NOT local`, t.VotersCount, t.Closed, t.ExpiresAt, postID)
		if err != nil {
			return fmt.Errorf("set poll tallies: %w", err)
		}
		if n == 0 {
			return nil // not a remote poll: ours count their own votes
		}
		for i, n := range t.Counts {
			if _, err := tx.execContext(ctx, `UPDATE poll_options SET votes_count = ? WHERE post_id = ? AND position = ?`,
				n, postID, i); err != nil {
				return fmt.Errorf("set poll tally: %w", err)
			}
		}
		return nil
	})
}

// FindPollsDue implements convene.PollStore.
func (s *store) FindPollsDue(ctx context.Context, now time.Time, limit int) ([]*convene.Poll, error) {
	var ids []string
	if err := s.selectContext(ctx, &ids, `SELECT post_id FROM polls WHERE local AND (NOT closed OR dirty)
		AND (dirty OR expires_at <= ?) ORDER BY post_id LIMIT `+strconv.Itoa(pageLimit(limit)), now); err != nil {
		return nil, fmt.Errorf("find polls due: %w", err)
	}
	polls, err := s.FindPolls(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*convene.Poll, 0, len(ids))
	for _, id := range ids {
		if p := polls[id]; p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// ClosePoll implements convene.PollStore.
func (s *store) ClosePoll(ctx context.Context, postID string) (bool, error) {
	n, err := s.execContext(ctx, `UPDATE polls SET closed = ?, dirty = ? WHERE post_id = ? AND NOT closed`, true, false, postID)
	if err != nil {
		return false, fmt.Errorf("close poll: %w", err)
	}
	return n == 1, nil
}

// MarkPollSent implements convene.PollStore.
func (s *store) MarkPollSent(ctx context.Context, postID string) error {
	if _, err := s.execContext(ctx, `UPDATE polls SET dirty = ? WHERE post_id = ?`, false, postID); err != nil {
		return fmt.Errorf("mark poll sent: %w", err)
	}
	return nil
}
