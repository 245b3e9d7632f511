package frontend

import "time"

// PollPanel is a post's poll on its thread page: choices for a viewer who may vote, results
// (when the author does not hide them until the end) for everyone else.
type PollPanel struct {
	ID         string // the post's
	Multiple   bool
	CanVote    bool
	ShowTotals bool
	Closed     bool
	EndsAt     time.Time // in the viewer's zone; zero when the poll never ends
	Remaining  string    // "3 hours", for "Ends in …"
	Voters     int
	Options    []PollPanelOption
}

// PollPanelOption is one answer with its share of the votes.
type PollPanelOption struct {
	Index   int
	Title   string
	Count   int
	Percent int
	Chosen  bool // the viewer chose it
}

// Voted reports whether the viewer chose any option.
func (p *PollPanel) Voted() bool {
	for _, o := range p.Options {
		if o.Chosen {
			return true
		}
	}
	return false
}
