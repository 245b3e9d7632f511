package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// addPolls puts each post's poll under it on the thread page: one query for the page's
// polls and one for the viewer's votes.
func (s *Server) addPolls(ctx context.Context, posts []*convene.Post, views []*frontend.ThreadPost, loc *time.Location) error {
	polls, err := s.svc.PollViews(ctx, posts)
	if err != nil {
		return err
	}
	for i, p := range posts {
		if v := polls[p.ID]; v != nil {
			views[i].Poll = pollPanel(v, loc, time.Now())
		}
	}
	return nil
}

// pollPanel is a poll as the thread page shows it. Shares are of the votes in a
// single-choice poll and of the voters in a multiple-choice one, as Mastodon shows them.
func pollPanel(v *service.PollView, loc *time.Location, now time.Time) *frontend.PollPanel {
	panel := &frontend.PollPanel{ID: v.PostID, Multiple: v.Multiple, CanVote: v.CanVote, ShowTotals: v.ShowTotals(),
		Closed: v.Expired, Voters: v.VotersCount}
	if v.ExpiresAt != nil {
		panel.EndsAt = v.ExpiresAt.In(loc)
		panel.Remaining = remaining(v.ExpiresAt.Sub(now))
	}
	total := v.VotesCount()
	if v.Multiple {
		total = v.VotersCount
	}
	chosen := map[int]bool{}
	for _, c := range v.Choices {
		chosen[c] = true
	}
	for _, o := range v.Options {
		opt := frontend.PollPanelOption{Index: o.Position, Title: o.Title, Count: o.VotesCount, Chosen: chosen[o.Position]}
		if total > 0 {
			opt.Percent = min(100, (o.VotesCount*100+total/2)/total)
		}
		panel.Options = append(panel.Options, opt)
	}
	return panel
}

// remaining says how long is left, rounded, in the largest unit that fits.
func remaining(d time.Duration) string {
	plural := func(unit time.Duration, name string) string {
		n := int((d + unit/2) / unit)
		if n == 1 {
			return "1 " + name
		}
		return fmt.Sprintf("%d %ss", n, name)
	}
	switch {
	case d >= 24*time.Hour:
		return plural(24*time.Hour, "day")
	case d >= time.Hour:
		return plural(time.Hour, "hour")
	case d >= time.Minute:
		return plural(time.Minute, "minute")
	}
	return "less than a minute"
}

// handleVote casts the web form's choices (one radio button or several checkboxes) through
// the same use-case as the client API, then shows the post with the results.
func (s *Server) handleVote(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := s.svc.FindPost(ctx, mux.Vars(r)["id"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var choices []int
	for _, c := range r.PostForm["choice"] {
		n, err := strconv.Atoi(c)
		if err != nil {
			s.Error(w, r, convene.Errorf(convene.EINVALID, "choose one of the poll's answers"))
			return
		}
		choices = append(choices, n)
	}
	if _, err := s.svc.Vote(ctx, p.ID, choices); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, postOnThread(p), http.StatusSeeOther)
}

// pollForm reads the new-thread form's optional poll: the answers filled in, how long it
// runs, and its two switches; nil when no answer was filled in.
func pollForm(r *http.Request) *service.PollCreate {
	var options []string
	for _, o := range r.PostForm["poll_option"] {
		if o = strings.TrimSpace(o); o != "" {
			options = append(options, o)
		}
	}
	if len(options) == 0 {
		return nil
	}
	expiresIn, _ := strconv.Atoi(r.PostFormValue("poll_expires_in")) // the service refuses a bad one
	return &service.PollCreate{Options: options, ExpiresIn: expiresIn,
		Multiple: r.PostFormValue("poll_multiple") != "", HideTotals: r.PostFormValue("poll_hide_totals") != ""}
}
