package mastodon

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
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
	if !boolParam(r.URL.Query().Get("pinned")) {
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
		SetNextLinkHeader(w, r, a.listURL(r), page.NextID)
		a.writeJSON(w, r, http.StatusOK, out)
	}
}

// handleFollowRequests lists the follow requests waiting for the signed-in account: people
// here accept follows at once, so these are the requests to join the communities it
// moderates, which a moderator can then decide from their app. Pages link by the requests'
// own ids.
func (a *API) handleFollowRequests(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := a.pageOf(w, r, 40, 80)
	if !ok {
		return
	}
	follows, err := a.svc.FollowRequests(ctx, p.MaxID, p.Limit)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	rd := a.renderer(ctx)
	out := make([]Account, 0, len(follows))
	seen := map[string]bool{} // one who asked to join two communities is listed once
	for _, f := range follows {
		acc, err := rd.accountOf(f.Follower)
		if err != nil {
			a.Error(w, r, err)
			return
		}
		if !seen[acc.ID] {
			seen[acc.ID] = true
			out = append(out, acc)
		}
	}
	// Requests page one way only (the service reads max_id alone): no "prev".
	if len(follows) > 0 {
		SetNextLinkHeader(w, r, a.listURL(r), follows[len(follows)-1].ID)
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

// handleDecideFollowRequest authorizes or rejects what an account asked of the communities
// the signed-in account moderates, and answers with the relationship to it.
func (a *API) handleDecideFollowRequest(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rel, err := a.svc.DecideFollowRequestOf(r.Context(), mux.Vars(r)["id"], approve)
		if err != nil {
			a.Error(w, r, err)
			return
		}
		a.writeJSON(w, r, http.StatusOK, RelationshipOf(rel))
	}
}

// searchQuery reads a search's parameters: q, type, resolve, limit (default 20, at most 40)
// and offset.
func searchQuery(r *http.Request, kind string) service.SearchQuery {
	q := r.URL.Query()
	limit, offset := limitOffset(r, 20, 40)
	return service.SearchQuery{Q: q.Get("q"), Type: kind, Resolve: boolParam(q.Get("resolve")), Limit: limit, Offset: offset}
}

// handleAccountSearch serves GET /api/v1/accounts/search: the accounts search v2 finds.
func (a *API) handleAccountSearch(w http.ResponseWriter, r *http.Request) {
	found, err := a.svc.Search(r.Context(), searchQuery(r, "accounts"))
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeActors(w, r, found.Actors, nil)
}

// handleSearch serves GET /api/v2/search: accounts by handle or name (resolve=true looks a
// handle up elsewhere), statuses by URL or text, hashtags in use.
func (a *API) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	found, err := a.svc.Search(r.Context(), searchQuery(r, q.Get("type")))
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
	out := results{Hashtags: []Tag{}}
	if out.Accounts, err = rd.actors(found.Actors); err != nil {
		a.Error(w, r, err)
		return
	}
	if out.Statuses, err = rd.posts(found.Posts); err != nil {
		a.Error(w, r, err)
		return
	}
	for _, tag := range found.Hashtags {
		out.Hashtags = append(out.Hashtags, Tag{Name: tag, URL: a.conv.iris.Tag(tag)})
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

// handleUpdateCredentials edits the signed-in person's profile from an app's profile editor:
// display_name, note (markdown, as source.note gives it back), discoverable (or indexable,
// which Convene does not tell apart), and avatar and header as files, all or nothing. Apps
// send the whole form, so what Convene has no room for is accepted while it asks for
// nothing (locked and bot false, privacy public) and refused otherwise, rather than
// dropped in silence.
func (a *API) handleUpdateCredentials(w http.ResponseWriter, r *http.Request) {
	me := convene.PrincipalFrom(r.Context()).Account
	cleanup, err := parseUploadForm(w, r, 2*service.ImageSizeLimit+maxParamBody) // an avatar and a header
	defer cleanup()
	if err != nil {
		a.Error(w, r, err)
		return
	}
	p, err := params(w, r)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	upd, err := profileUpdate(p)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	files, err := pictureFiles(r.MultipartForm)
	defer closeAll(files)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	if len(files) > 0 {
		upd.Pictures = map[convene.Picture]io.Reader{}
		for p, f := range files {
			upd.Pictures[p] = f
		}
	}
	updated, err := a.svc.UpdateProfile(r.Context(), me.Username, upd)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeCredentialAccount(w, r, updated)
}

// pictureFiles opens the avatar and header a form carries. Any other file is refused: the
// form has no place for it. The caller closes what is returned, on error too.
func pictureFiles(form *multipart.Form) (map[convene.Picture]multipart.File, error) {
	files := map[convene.Picture]multipart.File{}
	if form == nil {
		return files, nil
	}
	for name, headers := range form.File {
		p := convene.Picture(name)
		if (p != convene.PictureAvatar && p != convene.PictureHeader) || len(headers) != 1 {
			return files, convene.Errorf(convene.EINVALID, "the form may carry one avatar and one header, and no other file")
		}
		f, err := headers[0].Open()
		if err != nil {
			return files, fmt.Errorf("open %s: %w", p, err)
		}
		files[p] = f
	}
	return files, nil
}

func closeAll(files map[convene.Picture]multipart.File) {
	for _, f := range files {
		f.Close()
	}
}

// handleDeletePicture removes the signed-in person's avatar or header (Mastodon 4.2's
// DELETE /api/v1/profile/avatar and /header), answering with their account.
func (a *API) handleDeletePicture(p convene.Picture) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		me := convene.PrincipalFrom(r.Context()).Account
		updated, err := a.svc.SetAccountPicture(r.Context(), me.Username, p, nil)
		if err != nil {
			a.Error(w, r, err)
			return
		}
		a.writeCredentialAccount(w, r, updated)
	}
}

// profileUpdate reads update_credentials' parameters.
func profileUpdate(p url.Values) (service.ProfileUpdate, error) {
	var upd service.ProfileUpdate
	if v, ok := p["display_name"]; ok && len(v) > 0 {
		upd.DisplayName = &v[0]
	}
	if v, ok := p["note"]; ok && len(v) > 0 {
		upd.Bio = &v[0]
	}
	// Convene has one choice for both: someone who says no to either is not found.
	for _, name := range []string{"discoverable", "indexable"} {
		if v, ok := p[name]; ok && len(v) > 0 {
			found := boolParam(v[0]) && (upd.Discoverable == nil || *upd.Discoverable)
			upd.Discoverable = &found
		}
	}
	switch {
	case boolParam(p.Get("locked")):
		return upd, convene.Errorf(convene.EINVALID, "people here accept follows at once; communities decide who may join")
	case boolParam(p.Get("bot")):
		return upd, convene.Errorf(convene.EINVALID, "Convene has no bot accounts")
	case p.Get("source[privacy]") != "" && p.Get("source[privacy]") != "public":
		return upd, convene.Errorf(convene.EINVALID, "posts here are public unless a community makes them members-only")
	case hasProfileFields(p):
		return upd, convene.Errorf(convene.EINVALID, "Convene has no profile fields; put links in your bio")
	}
	return upd, nil
}

// hasProfileFields says whether fields_attributes[N][name] names a field; apps send the
// editor's empty rows too.
func hasProfileFields(p url.Values) bool {
	for k, v := range p {
		if strings.HasPrefix(k, "fields_attributes[") && strings.HasSuffix(k, "[name]") && strings.TrimSpace(strings.Join(v, "")) != "" {
			return true
		}
	}
	return false
}
