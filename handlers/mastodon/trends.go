package mastodon

import (
	"net/http"
	"strconv"

	"github.com/convene-social/convene/service"
)

// TrendTag is a trending hashtag with its use over the last week, today first. Mastodon
// sends the numbers as strings.
type TrendTag struct {
	Name      string       `json:"name"`
	URL       string       `json:"url"`
	History   []TagHistory `json:"history"`
	Following bool         `json:"following"`
}

// TagHistory is a day's use of a hashtag.
type TagHistory struct {
	Day      string `json:"day"` // UNIX seconds of the day's midnight, UTC
	Uses     string `json:"uses"`
	Accounts string `json:"accounts"`
}

// TrendTagOf is a hashtag trend as Mastodon apps read it.
func (c Converter) TrendTagOf(t service.TagTrend) TrendTag {
	out := TrendTag{Name: t.Tag, URL: c.iris.Tag(t.Tag), History: make([]TagHistory, len(t.History))}
	for i, d := range t.History {
		out.History[i] = TagHistory{Day: strconv.FormatInt(d.Day.Unix(), 10), Uses: strconv.Itoa(d.Uses),
			Accounts: strconv.Itoa(d.Accounts)}
	}
	return out
}

// handleTrendingTags serves GET /api/v1/trends/tags: this week's hashtags by how many people
// used them.
func (a *API) handleTrendingTags(w http.ResponseWriter, r *http.Request) {
	limit, offset := limitOffset(r, 10, 20)
	trends, err := a.svc.TrendingTags(r.Context(), limit, offset)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out := make([]TrendTag, len(trends))
	for i, t := range trends {
		out[i] = a.conv.TrendTagOf(t)
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

// handleTrendingStatuses serves GET /api/v1/trends/statuses: this week's most liked and
// boosted public posts.
func (a *API) handleTrendingStatuses(w http.ResponseWriter, r *http.Request) {
	limit, offset := limitOffset(r, 20, 40)
	posts, err := a.svc.TrendingPosts(r.Context(), limit, offset)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out, err := a.renderer(r.Context()).posts(posts)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

// handleTrendingLinks serves GET /api/v1/trends/links: Convene makes no link previews, so
// there are no links to rank, and the explore screens of apps stay quiet rather than fail.
func (a *API) handleTrendingLinks(w http.ResponseWriter, r *http.Request) {
	a.writeJSON(w, r, http.StatusOK, []PreviewCard{})
}
