package mastodon

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// List is Mastodon's List entity.
type List struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func listOf(l *convene.List) List {
	return List{ID: l.ID, Title: l.Title, RepliesPolicy: l.RepliesPolicy, Exclusive: l.Exclusive}
}

// listRoutes mounts the lists API: an account's lists of people and communities it
// follows, each a timeline.
func (a *API) listRoutes(api *mux.Router) {
	api.HandleFunc("/v1/lists", a.auth("read:lists", a.handleLists)).Methods(http.MethodGet)
	api.HandleFunc("/v1/lists", a.auth("write:lists", a.handleSaveList(false))).Methods(http.MethodPost)
	api.HandleFunc("/v1/lists/{id}", a.auth("read:lists", a.handleList)).Methods(http.MethodGet)
	api.HandleFunc("/v1/lists/{id}", a.auth("write:lists", a.handleSaveList(true))).Methods(http.MethodPut)
	api.HandleFunc("/v1/lists/{id}", a.auth("write:lists", a.handleDeleteList)).Methods(http.MethodDelete)
	api.HandleFunc("/v1/lists/{id}/accounts", a.auth("read:lists", a.handleListAccounts)).Methods(http.MethodGet)
	api.HandleFunc("/v1/lists/{id}/accounts", a.auth("write:lists", a.handleListMembers(true))).Methods(http.MethodPost)
	api.HandleFunc("/v1/lists/{id}/accounts", a.auth("write:lists", a.handleListMembers(false))).Methods(http.MethodDelete)
	api.HandleFunc("/v1/timelines/list/{id}", a.auth("read:lists", a.handleListTimeline)).Methods(http.MethodGet)
}

func (a *API) handleLists(w http.ResponseWriter, r *http.Request) {
	lists, err := a.svc.Lists(r.Context())
	a.writeLists(w, r, lists, err)
}

// handleAccountLists serves GET /api/v1/accounts/:id/lists: which of one's lists hold them.
func (a *API) handleAccountLists(w http.ResponseWriter, r *http.Request) {
	lists, err := a.svc.ListsWith(r.Context(), mux.Vars(r)["id"])
	a.writeLists(w, r, lists, err)
}

func (a *API) writeLists(w http.ResponseWriter, r *http.Request, lists []*convene.List, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out := make([]List, 0, len(lists))
	for _, l := range lists {
		out = append(out, listOf(l))
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

func (a *API) handleList(w http.ResponseWriter, r *http.Request) {
	l, err := a.svc.FindList(r.Context(), mux.Vars(r)["id"])
	a.writeList(w, r, l, err)
}

func (a *API) writeList(w http.ResponseWriter, r *http.Request, l *convene.List, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, listOf(l))
}

// handleSaveList creates a list (POST) or changes one (PUT).
func (a *API) handleSaveList(update bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := params(w, r)
		if err != nil {
			a.Error(w, r, err)
			return
		}
		in := service.ListInput{Title: p.Get("title"), RepliesPolicy: p.Get("replies_policy"), Exclusive: boolParam(p.Get("exclusive"))}
		var l *convene.List
		if update {
			l, err = a.svc.UpdateList(r.Context(), mux.Vars(r)["id"], in)
		} else {
			l, err = a.svc.CreateList(r.Context(), in)
		}
		a.writeList(w, r, l, err)
	}
}

func (a *API) handleDeleteList(w http.ResponseWriter, r *http.Request) {
	if err := a.svc.DeleteList(r.Context(), mux.Vars(r)["id"]); err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, struct{}{})
}

func (a *API) handleListAccounts(w http.ResponseWriter, r *http.Request) {
	members, err := a.svc.ListMembers(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out, err := a.renderer(r.Context()).actors(members)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

// handleListMembers adds (POST) or removes (DELETE) account_ids[] on a list.
func (a *API) handleListMembers(add bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := params(w, r)
		if err != nil {
			a.Error(w, r, err)
			return
		}
		ids := append(p["account_ids[]"], p["account_ids"]...)
		if add {
			err = a.svc.AddToList(r.Context(), mux.Vars(r)["id"], ids)
		} else {
			err = a.svc.RemoveFromList(r.Context(), mux.Vars(r)["id"], ids)
		}
		if err != nil {
			a.Error(w, r, err)
			return
		}
		a.writeJSON(w, r, http.StatusOK, struct{}{})
	}
}

func (a *API) handleListTimeline(w http.ResponseWriter, r *http.Request) {
	if p, ok := a.pageOf(w, r, 20, 40); ok {
		items, err := a.svc.ListTimeline(r.Context(), mux.Vars(r)["id"], timelineQuery(p, r))
		a.writeTimeline(w, r, items, err)
	}
}
