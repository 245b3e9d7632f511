package mastodon

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/convene-social/convene"
)

// Page is what a list request asks for, as Mastodon's pagination defines it
// (docs.joinmastodon.org/api/guidelines/#pagination): items older than MaxID, newer than
// SinceID (the newest such), or just newer than MinID (the oldest such, the page right above
// it); at most Limit, newest first in the answer whichever it is.
type Page struct {
	MaxID   string
	SinceID string
	MinID   string
	Limit   int
}

// ParsePage reads max_id, since_id, min_id and limit from a request's query. Ids are our
// ULIDs; anything else is refused rather than compared as a string against them. limit
// defaults to def and is capped at most, as Mastodon caps it (20 and 40 for timelines).
func ParsePage(q url.Values, def, most int) (Page, error) {
	p := Page{MaxID: q.Get("max_id"), SinceID: q.Get("since_id"), MinID: q.Get("min_id"), Limit: def}
	for name, id := range map[string]string{"max_id": p.MaxID, "since_id": p.SinceID, "min_id": p.MinID} {
		if _, ok := convene.IDTime(id); id != "" && !ok {
			return Page{}, convene.Errorf(convene.EINVALID, "%s is not an id", name)
		}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return Page{}, convene.Errorf(convene.EINVALID, "limit must be a positive number")
		}
		p.Limit = min(n, most)
	}
	return p, nil
}

// SetLinkHeader points a list's answer at its neighbours: rel="next" for older items (max_id
// of the last, the oldest) and rel="prev" for newer ones (min_id of the first). ids are the
// answer's ids newest first; with none there is no header. base is the absolute URL of the
// endpoint; the request's other query parameters (filters such as local or types[]) carry
// over. masto.js splits the header on commas, so the URLs must not contain any: query
// escaping encodes them.
func SetLinkHeader(w http.ResponseWriter, r *http.Request, base string, ids []string) {
	if len(ids) == 0 {
		return
	}
	w.Header().Set("Link", pageLink(r, base, "max_id", ids[len(ids)-1], "next")+", "+pageLink(r, base, "min_id", ids[0], "prev"))
}

// SetNextLinkHeader points a list that pages one way only (older items, by max_id) at its
// next page, which starts after lastID; "" means there is none.
func SetNextLinkHeader(w http.ResponseWriter, r *http.Request, base, lastID string) {
	if lastID != "" {
		w.Header().Set("Link", pageLink(r, base, "max_id", lastID, "next"))
	}
}

// pageLink is one entry of a Link header: the request's own query, its paging parameters
// replaced by param=id.
func pageLink(r *http.Request, base, param, id, rel string) string {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		switch k {
		case "max_id", "since_id", "min_id":
		default:
			q[k] = v
		}
	}
	q.Set(param, id)
	return "<" + base + "?" + q.Encode() + `>; rel="` + rel + `"`
}

// limitOffset reads limit (def when absent or not a positive number, at most most) and
// offset, for the ranked lists that page by offset (search, directory, trends, suggestions).
func limitOffset(r *http.Request, def, most int) (int, int) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = def
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	return min(limit, most), max(offset, 0)
}
