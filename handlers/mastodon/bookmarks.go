package mastodon

import (
	"net/http"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
	"github.com/gorilla/mux"
)

// handleBookmark saves or forgets a post or event and answers with it as it now stands.
// Saving twice or forgetting what was not saved leaves it as it is, as Mastodon does.
func (a *API) handleBookmark(save bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, id := r.Context(), mux.Vars(r)["id"]
		var err error
		if save {
			err = a.svc.Bookmark(ctx, id)
		} else {
			err = a.svc.Unbookmark(ctx, id)
		}
		if code := convene.ErrorCode(err); err != nil && code != convene.ECONFLICT && !(code == convene.ENOTFOUND && !save) {
			a.Error(w, r, err)
			return
		}
		item, err := a.svc.FindStatus(ctx, id)
		a.writeStatusItem(w, r, item, err)
	}
}

// handleBookmarks lists the saved posts and events, newest bookmark first. Its pages link by
// the bookmarks' own ids, which appear only in the Link header, as Mastodon's do.
func (a *API) handleBookmarks(w http.ResponseWriter, r *http.Request) {
	p, ok := a.pageOf(w, r, 20, 40)
	if !ok {
		return
	}
	marks, err := a.svc.Bookmarks(r.Context(), service.TimelineQuery{MaxID: p.MaxID, SinceID: p.SinceID, MinID: p.MinID, Limit: p.Limit})
	if err != nil {
		a.Error(w, r, err)
		return
	}
	items := make([]service.TimelineItem, len(marks))
	ids := make([]string, len(marks))
	for i, m := range marks {
		items[i], ids[i] = m.TimelineItem, m.BookmarkID
	}
	statuses, err := a.renderer(r.Context()).timeline(items)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writePage(w, r, ids, statuses)
}
