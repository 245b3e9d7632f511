package mastodon

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene/service"
)

// handleAccountStatuses serves a profile's statuses: a person's public posts and the events
// they organise, or a community's public threads and events.
func (a *API) handleAccountStatuses(w http.ResponseWriter, r *http.Request) {
	p, ok := a.pageOf(w, r, 20, 40)
	if !ok {
		return
	}
	actor, err := a.svc.FindActorByID(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		a.Error(w, r, err)
		return
	}
	q := timelineQuery(p, r)
	var items []service.TimelineItem
	// Nothing is pinned in Convene.
	if r.URL.Query().Get("pinned") != "true" {
		items, err = a.svc.ActorTimeline(r.Context(), actor, q)
	}
	a.writeTimeline(w, r, items, err)
}

// handleFollows serves an account's followers or whom it follows, paged by the follows'
// own ids (max_id in the Link header), as Mastodon pages these lists. Actors elsewhere have
// their lists on their own servers: here they are empty.
func (a *API) handleFollows(followers bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		actor, err := a.svc.FindActorByID(ctx, mux.Vars(r)["id"])
		if err != nil {
			a.Error(w, r, err)
			return
		}
		out := []Account{}
		if actor.Remote != nil {
			a.writeJSON(w, r, http.StatusOK, out)
			return
		}
		list := a.svc.Following
		if followers {
			list = a.svc.Followers
		}
		page, err := list(ctx, a.svc.ActorIRI(actor), r.URL.Query().Get("max_id"))
		if err != nil {
			a.Error(w, r, err)
			return
		}
		rd := a.renderer(ctx)
		for _, iri := range page.Actors {
			acc, err := rd.accountOf(iri)
			if err != nil {
				a.Error(w, r, err)
				return
			}
			out = append(out, acc)
		}
		if page.NextID != "" {
			w.Header().Set("Link", "<"+a.listURL(r)+"?max_id="+page.NextID+`>; rel="next"`)
		}
		a.writeJSON(w, r, http.StatusOK, out)
	}
}

// handleFollowRequests lists the follow requests waiting for the signed-in account. People
// here accept follows at once (only communities approve followers, on their settings page),
// so a person's list is empty by design, not for want of data.
func (a *API) handleFollowRequests(w http.ResponseWriter, r *http.Request) {
	a.writeJSON(w, r, http.StatusOK, []Account{})
}

// handleAccountSearch serves GET /api/v1/accounts/search: the accounts search v2 finds.
func (a *API) handleAccountSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	found, err := a.svc.Search(r.Context(), q.Get("q"), q.Get("resolve") == "true")
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out, err := a.renderer(r.Context()).actors(found.Actors)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

// handleSearch serves GET /api/v2/search: accounts by handle (resolve=true looks one up
// elsewhere), statuses by URL, hashtags in use.
func (a *API) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	found, err := a.svc.Search(r.Context(), q.Get("q"), q.Get("resolve") == "true")
	if err != nil {
		a.Error(w, r, err)
		return
	}
	rd := a.renderer(r.Context())
	type results struct {
		Accounts []Account `json:"accounts"`
		Statuses []Status  `json:"statuses"`
		Hashtags []Tag     `json:"hashtags"`
	}
	out := results{Accounts: []Account{}, Statuses: []Status{}, Hashtags: []Tag{}}
	kind := q.Get("type")
	if kind == "" || kind == "accounts" {
		if out.Accounts, err = rd.actors(found.Actors); err != nil {
			a.Error(w, r, err)
			return
		}
	}
	if kind == "" || kind == "statuses" {
		if out.Statuses, err = rd.posts(found.Posts); err != nil {
			a.Error(w, r, err)
			return
		}
	}
	if kind == "" || kind == "hashtags" {
		for _, tag := range found.Hashtags {
			out.Hashtags = append(out.Hashtags, Tag{Name: tag, URL: a.conv.iris.Tag(tag)})
		}
	}
	a.writeJSON(w, r, http.StatusOK, out)
}
