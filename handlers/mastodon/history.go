package mastodon

import (
	"encoding/json"
	"net/http"

	"github.com/convene-social/convene"
	"github.com/gorilla/mux"
)

// StatusEdit is one version of a status in its edit history.
type StatusEdit struct {
	Content          string            `json:"content"`
	SpoilerText      string            `json:"spoiler_text"`
	Sensitive        bool              `json:"sensitive"`
	CreatedAt        Time              `json:"created_at"`
	Account          Account           `json:"account"`
	Poll             *json.RawMessage  `json:"poll"` // null: versions keep no poll
	MediaAttachments []MediaAttachment `json:"media_attachments"`
	Emojis           []Emoji           `json:"emojis"`
}

// StatusEdits is a post's history as Mastodon serves it: oldest first, the current version last.
func StatusEdits(revs []convene.PostRevision, author Account) []StatusEdit {
	out := make([]StatusEdit, 0, len(revs))
	for _, r := range revs {
		out = append(out, StatusEdit{Content: postContent(r.Title, r.Content), CreatedAt: NewTime(r.CreatedAt), Account: author,
			MediaAttachments: []MediaAttachment{}, Emojis: []Emoji{}})
	}
	return out
}

// handleStatusHistory serves the versions of a post; an event (which keeps no history) is
// served as its one current version.
func (a *API) handleStatusHistory(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), mux.Vars(r)["id"]
	p, revs, err := a.svc.PostHistory(ctx, id)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		a.eventHistory(w, r, id, err)
		return
	}
	if err != nil {
		a.Error(w, r, err)
		return
	}
	author, err := a.renderer(ctx).accountOf(p.AuthorIRI)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, StatusEdits(revs, author))
}

func (a *API) eventHistory(w http.ResponseWriter, r *http.Request, id string, postErr error) {
	e, err := a.svc.FindEvent(r.Context(), id)
	if err != nil {
		a.Error(w, r, postErr)
		return
	}
	st, err := a.renderer(r.Context()).event(e)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	at := st.CreatedAt
	if st.EditedAt.Valid {
		at = NewTime(st.EditedAt.Time)
	}
	a.writeJSON(w, r, http.StatusOK, []StatusEdit{{Content: st.Content, CreatedAt: at, Account: st.Account,
		MediaAttachments: []MediaAttachment{}, Emojis: []Emoji{}}})
}
