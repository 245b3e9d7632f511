package mastodon

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// pollRoutes mounts the poll endpoints. A poll's id is its status's: a post has one poll
// at most, so a second id would only need a second lookup.
func (a *API) pollRoutes(api *mux.Router) {
	// Anyone may read a public poll, as on Mastodon; a token must have read:statuses.
	api.HandleFunc("/v1/polls/{id}", a.optionalAuth("read:statuses", a.handlePoll)).Methods(http.MethodGet)
	api.HandleFunc("/v1/polls/{id}/votes", a.auth("write:statuses", a.handleVote)).Methods(http.MethodPost)
}

func (a *API) handlePoll(w http.ResponseWriter, r *http.Request) {
	v, err := a.svc.FindPoll(r.Context(), mux.Vars(r)["id"])
	a.writePoll(w, r, v, err)
}

// handleVote casts choices[] (0-based option indexes), from a form, the query or JSON.
func (a *API) handleVote(w http.ResponseWriter, r *http.Request) {
	p, err := params(w, r)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	choices, err := intList(listParam(p, "choices"), "choices")
	if err != nil {
		a.Error(w, r, err)
		return
	}
	v, err := a.svc.Vote(r.Context(), mux.Vars(r)["id"], choices)
	a.writePoll(w, r, v, err)
}

func (a *API) writePoll(w http.ResponseWriter, r *http.Request, v *service.PollView, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, PollOf(v))
}

// pollParam reads the poll of a new status (poll[options][], poll[expires_in],
// poll[multiple], poll[hide_totals]); nil when there is none. (The service refuses a status
// with both media and a poll, as Mastodon does.)
func pollParam(p url.Values) (*service.PollCreate, error) {
	options := listParam(p, "poll[options]")
	if len(options) == 0 && p.Get("poll[expires_in]") == "" {
		return nil, nil
	}
	expiresIn, err := strconv.Atoi(strings.TrimSpace(p.Get("poll[expires_in]")))
	if err != nil {
		return nil, convene.Errorf(convene.EINVALID, "poll[expires_in] must be a number of seconds")
	}
	return &service.PollCreate{Options: options, ExpiresIn: expiresIn,
		Multiple: boolParam(p.Get("poll[multiple]")), HideTotals: boolParam(p.Get("poll[hide_totals]"))}, nil
}

func intList(vs []string, name string) ([]int, error) {
	out := make([]int, 0, len(vs))
	for _, s := range vs {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, convene.Errorf(convene.EINVALID, "%s must be option indexes", name)
		}
		out = append(out, n)
	}
	return out, nil
}
