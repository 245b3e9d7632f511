package mastodon

import (
	"net/http"

	"github.com/convene-social/convene/service"
	"github.com/gorilla/mux"
)

// Suggestion is an account suggested to follow (Mastodon's v2 suggestions).
type Suggestion struct {
	Source  string   `json:"source"`  // before Mastodon 4.3
	Sources []string `json:"sources"` // since 4.3
	Account Account  `json:"account"`
}

// handleDirectory serves GET /api/v1/directory: this instance's people and communities,
// order=active (by latest post, the default) or new; limit (40, at most 80) and offset.
func (a *API) handleDirectory(w http.ResponseWriter, r *http.Request) {
	limit, offset := limitOffset(r, 40, 80)
	actors, err := a.svc.Directory(r.Context(), service.DirectoryQuery{Active: r.URL.Query().Get("order") != "new",
		Limit: limit, Offset: offset})
	a.writeActors(w, r, actors, err)
}

// handleSuggestions serves GET /api/v1/suggestions: communities here to join.
func (a *API) handleSuggestions(w http.ResponseWriter, r *http.Request) {
	limit, _ := limitOffset(r, 40, 40)
	actors, err := a.svc.Suggestions(r.Context(), limit)
	a.writeActors(w, r, actors, err)
}

// handleSuggestionsV2 serves GET /api/v2/suggestions: the same, each with why it is there
// (the communities where most happens).
func (a *API) handleSuggestionsV2(w http.ResponseWriter, r *http.Request) {
	limit, _ := limitOffset(r, 40, 40)
	actors, err := a.svc.Suggestions(r.Context(), limit)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	accounts, err := a.renderer(r.Context()).actors(actors)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out := make([]Suggestion, len(accounts))
	for i, acc := range accounts {
		out[i] = Suggestion{Source: "global", Sources: []string{"most_interactions"}, Account: acc}
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

func (a *API) writeActors(w http.ResponseWriter, r *http.Request, actors []service.Actor, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out, err := a.renderer(r.Context()).actors(actors)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

// handleFavouritedBy serves GET /api/v1/statuses/:id/favourited_by (limit 40, at most 80).
func (a *API) handleFavouritedBy(w http.ResponseWriter, r *http.Request) {
	limit, _ := limitOffset(r, 40, 80)
	actors, err := a.svc.Likers(r.Context(), mux.Vars(r)["id"], limit)
	a.writeActors(w, r, actors, err)
}

// handleRebloggedBy serves GET /api/v1/statuses/:id/reblogged_by (limit 40, at most 80).
func (a *API) handleRebloggedBy(w http.ResponseWriter, r *http.Request) {
	limit, _ := limitOffset(r, 40, 80)
	actors, err := a.svc.Boosters(r.Context(), mux.Vars(r)["id"], limit)
	a.writeActors(w, r, actors, err)
}
