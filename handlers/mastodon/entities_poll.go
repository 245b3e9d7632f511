package mastodon

import (
	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// Poll is a status's poll, as Mastodon's apps read it. Its id is the status's.
type Poll struct {
	ID         string   `json:"id"`
	ExpiresAt  NullTime `json:"expires_at"`
	Expired    bool     `json:"expired"`
	Multiple   bool     `json:"multiple"`
	VotesCount int      `json:"votes_count"`
	// VotersCount is null for single-choice polls, where it equals VotesCount (Mastodon's rule).
	VotersCount *int         `json:"voters_count"`
	Options     []PollOption `json:"options"`
	Emojis      []Emoji      `json:"emojis"`
	Voted       bool         `json:"voted"` // always true for the poll's author
	OwnVotes    []int        `json:"own_votes"`
}

// PollOption is one answer; VotesCount is null while the author hides the totals.
type PollOption struct {
	Title      string `json:"title"`
	VotesCount *int   `json:"votes_count"`
}

// PollOf is the Poll entity of a poll as its viewer sees it; nil for none.
func PollOf(v *service.PollView) *Poll {
	if v == nil {
		return nil
	}
	out := &Poll{ID: v.PostID, ExpiresAt: NullTimeOf(v.ExpiresAt), Expired: v.Expired, Multiple: v.Multiple,
		VotesCount: v.VotesCount(), Options: make([]PollOption, 0, len(v.Options)), Emojis: []Emoji{},
		Voted: v.Voted, OwnVotes: append([]int{}, v.Choices...)}
	if v.Multiple {
		n := v.VotersCount
		out.VotersCount = &n
	}
	for _, o := range v.Options {
		out.Options = append(out.Options, pollOption(o, v.ShowTotals()))
	}
	return out
}

func pollOption(o convene.PollOption, show bool) PollOption {
	if !show {
		return PollOption{Title: o.Title}
	}
	n := o.VotesCount
	return PollOption{Title: o.Title, VotesCount: &n}
}
