package convene

import (
	"context"
	"time"
)

// Poll limits, Mastodon's defaults: what a local poll may be, and what clients are told in
// the instance's configuration.polls.
const (
	PollMinOptions     = 2
	PollMaxOptions     = 4
	PollMaxOptionChars = 50
	PollMinExpiration  = 5 * time.Minute
	PollMaxExpiration  = 30 * 24 * time.Hour
)

// Poll is a question attached to a post (one per post, so its id is the post's). A local
// poll counts the votes cast here and by peers; a remote one shows the tallies its author's
// server last reported, plus votes cast here since.
type Poll struct {
	PostID      string     `db:"post_id"`
	Local       bool       `db:"local"` // the post's author is a local account
	ExpiresAt   *time.Time `db:"expires_at"`
	Multiple    bool       `db:"multiple"`
	HideTotals  bool       `db:"hide_totals"`
	VotersCount int        `db:"voters_count"`
	// Closed is set once the poll ended and that was announced (final Update, notifications);
	// remote polls are closed when their Question says so.
	Closed bool `db:"closed"`
	// Dirty says that tallies changed since peers were last sent them (local polls only).
	Dirty   bool         `db:"dirty"`
	Options []PollOption `db:"-"`
}

// PollOption is one answer of a poll.
type PollOption struct {
	Position   int    `db:"position"` // 0-based, as clients index choices
	Title      string `db:"title"`
	VotesCount int    `db:"votes_count"`
}

// Expired reports whether voting has ended at now.
func (p *Poll) Expired(now time.Time) bool {
	return p.Closed || (p.ExpiresAt != nil && !now.Before(*p.ExpiresAt))
}

// VotesCount is the number of votes over all options.
func (p *Poll) VotesCount() int {
	n := 0
	for _, o := range p.Options {
		n += o.VotesCount
	}
	return n
}

// PollVote is one choice of one voter: a local account's actor IRI or a remote actor's.
type PollVote struct {
	PostID   string `db:"post_id"`
	Voter    string `db:"voter_iri"`
	Position int    `db:"position"`
	// IRI is the vote's Note: ours for a local voter, the peer's for a remote one.
	IRI       string    `db:"iri"`
	CreatedAt time.Time `db:"created_at"`
}

// Ballot is what one voter casts at once.
type Ballot struct {
	PostID string
	Voter  string
	Votes  []PollVote
	// Extend lets a voter who already voted add other choices (a remote voter on a
	// multiple-choice poll: Mastodon sends one Note per choice); otherwise a second ballot
	// is refused.
	Extend bool
}

// PollTallies is what a remote poll's author reports.
type PollTallies struct {
	Counts      []int // by position
	VotersCount int
	Closed      bool
	ExpiresAt   *time.Time
}

// PollStore persists polls and their votes.
type PollStore interface {
	FindPoll(ctx context.Context, postID string) (*Poll, error)
	// FindPolls returns the polls of those posts that have one, by post id, in one query.
	FindPolls(ctx context.Context, postIDs []string) (map[string]*Poll, error)
	// FindPollChoices returns voter's choices in each of the posts' polls, in one query.
	FindPollChoices(ctx context.Context, voter string, postIDs []string) (map[string][]int, error)
	// CastBallot records a ballot and counts it in the tallies, atomically. A voter who voted
	// before (or chose an option twice) gets EINVALID "already voted"; a poll that ended
	// gets EINVALID too. Local polls become Dirty.
	CastBallot(ctx context.Context, b Ballot, now time.Time) error
	// FindPollVoteByIRI finds one vote by its Note's IRI.
	FindPollVoteByIRI(ctx context.Context, iri string) (*PollVote, error)
	// FindPollVoters lists the actors who voted in a poll.
	FindPollVoters(ctx context.Context, postID string) ([]string, error)
	// SetPollTallies overwrites a remote poll's tallies with its author's.
	SetPollTallies(ctx context.Context, postID string, t PollTallies) error
	// FindPollsDue lists local polls that ended but are not closed, or whose tallies changed.
	FindPollsDue(ctx context.Context, now time.Time, limit int) ([]*Poll, error)
	// ClosePoll marks a poll closed and clean; it reports false if it already was closed.
	ClosePoll(ctx context.Context, postID string) (bool, error)
	// MarkPollSent clears a poll's Dirty flag.
	MarkPollSent(ctx context.Context, postID string) error
}
