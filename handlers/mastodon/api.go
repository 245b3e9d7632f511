package mastodon

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// apiRoutes mounts the client API's endpoints, each with the scope Mastodon asks of it.
func (a *API) apiRoutes(r *mux.Router) {
	api := r.PathPrefix("/api").Subrouter()
	api.Use(a.withRateLimit)
	get, post := http.MethodGet, http.MethodPost
	deps := InstanceDeps{Service: a.svc, Converter: a.conv, Version: a.version, Logger: a.log}
	api.HandleFunc("/v1/instance", InstanceV1Handler(deps)).Methods(get)
	api.HandleFunc("/v2/instance", InstanceV2Handler(deps)).Methods(get)
	api.HandleFunc("/v1/custom_emojis", CustomEmojisHandler).Methods(get)
	// Streams are long-lived: outside the rate limit, which counts requests.
	RegisterStreamRoutes(r, a.streamDeps())

	api.HandleFunc("/v1/accounts/verify_credentials", a.authAccount("read:accounts profile", a.handleVerifyCredentials)).Methods(get)
	api.HandleFunc("/v1/accounts/update_credentials", a.authAccount("write:accounts", a.handleUpdateCredentials)).Methods(http.MethodPatch)
	api.HandleFunc("/v1/profile/avatar", a.authAccount("write:accounts", a.handleDeletePicture(convene.PictureAvatar))).Methods(http.MethodDelete)
	api.HandleFunc("/v1/profile/header", a.authAccount("write:accounts", a.handleDeletePicture(convene.PictureHeader))).Methods(http.MethodDelete)
	api.HandleFunc("/v1/accounts/lookup", a.optionalAuth("read:accounts", a.handleLookup)).Methods(get)
	api.HandleFunc("/v1/accounts/search", a.optionalAuth("read:accounts", a.handleAccountSearch)).Methods(get)
	api.HandleFunc("/v1/accounts/relationships", a.auth("read:follows", a.handleRelationships)).Methods(get)
	api.HandleFunc("/v1/accounts/{id}", a.optionalAuth("read:accounts", a.handleAccount)).Methods(get)
	api.HandleFunc("/v1/accounts/{id}/statuses", a.optionalAuth("read:statuses", a.handleAccountStatuses)).Methods(get)
	api.HandleFunc("/v1/accounts/{id}/followers", a.optionalAuth("read:accounts", a.handleFollows(true))).Methods(get)
	api.HandleFunc("/v1/accounts/{id}/following", a.optionalAuth("read:accounts", a.handleFollows(false))).Methods(get)
	api.HandleFunc("/v1/accounts/{id}/lists", a.auth("read:lists", a.handleAccountLists)).Methods(get)
	api.HandleFunc("/v1/accounts/{id}/follow", a.auth("write:follows", a.handleFollow)).Methods(post)
	api.HandleFunc("/v1/accounts/{id}/unfollow", a.auth("write:follows", a.handleUnfollow)).Methods(post)

	api.HandleFunc("/v1/statuses", a.auth("write:statuses", a.handlePostStatus)).Methods(post)
	api.HandleFunc("/v1/statuses/{id}", a.optionalAuth("read:statuses", a.handleStatus)).Methods(get)
	api.HandleFunc("/v1/statuses/{id}", a.auth("write:statuses", a.handleDeleteStatus)).Methods(http.MethodDelete)
	api.HandleFunc("/v1/statuses/{id}", a.auth("write:statuses", a.handleEditStatus)).Methods(http.MethodPut)
	api.HandleFunc("/v1/statuses/{id}/source", a.auth("read:statuses", a.handleStatusSource)).Methods(get)
	api.HandleFunc("/v1/statuses/{id}/history", a.optionalAuth("read:statuses", a.handleStatusHistory)).Methods(get)
	api.HandleFunc("/v1/statuses/{id}/favourited_by", a.optionalAuth("read:accounts", a.handleFavouritedBy)).Methods(get)
	api.HandleFunc("/v1/statuses/{id}/reblogged_by", a.optionalAuth("read:accounts", a.handleRebloggedBy)).Methods(get)
	api.HandleFunc("/v1/statuses/{id}/context", a.optionalAuth("read:statuses", a.handleContext)).Methods(get)
	api.HandleFunc("/v1/statuses/{id}/favourite", a.auth("write:favourites", a.handleFavourite(true))).Methods(post)
	api.HandleFunc("/v1/statuses/{id}/unfavourite", a.auth("write:favourites", a.handleFavourite(false))).Methods(post)

	api.HandleFunc("/v1/statuses/{id}/bookmark", a.auth("write:bookmarks", a.handleBookmark(true))).Methods(post)
	api.HandleFunc("/v1/statuses/{id}/unbookmark", a.auth("write:bookmarks", a.handleBookmark(false))).Methods(post)
	api.HandleFunc("/v1/bookmarks", a.auth("read:bookmarks", a.handleBookmarks)).Methods(get)
	api.HandleFunc("/v1/statuses/{id}/reblog", a.auth("write:statuses", a.handleReblog)).Methods(post)
	api.HandleFunc("/v1/statuses/{id}/unreblog", a.auth("write:statuses", a.handleUnreblog)).Methods(post)

	api.HandleFunc("/v1/timelines/home", a.auth("read:statuses", a.handleHomeTimeline)).Methods(get)
	api.HandleFunc("/v1/timelines/public", a.optionalAuth("read:statuses", a.handlePublicTimeline)).Methods(get)
	api.HandleFunc("/v1/timelines/tag/{tag}", a.optionalAuth("read:statuses", a.handleTagTimeline)).Methods(get)

	api.HandleFunc("/v1/notifications", a.auth("read:notifications", a.handleNotifications)).Methods(get)
	api.HandleFunc("/v1/notifications/clear", a.auth("write:notifications", a.handleClearNotifications)).Methods(post)
	api.HandleFunc("/v1/notifications/{id}/dismiss", a.auth("write:notifications", a.handleDismissNotification)).Methods(post)
	api.HandleFunc("/v1/markers", a.auth("read:statuses", a.handleMarkers)).Methods(get)
	api.HandleFunc("/v1/markers", a.auth("write:statuses", a.handleSaveMarkers)).Methods(post)
	a.listRoutes(api)
	a.mediaRoutes(api)
	a.pollRoutes(api)
	api.HandleFunc("/v1/follow_requests", a.auth("read:follows follow", a.handleFollowRequests)).Methods(get)
	api.HandleFunc("/v1/follow_requests/{id}/authorize", a.auth("write:follows follow", a.handleDecideFollowRequest(true))).Methods(post)
	api.HandleFunc("/v1/follow_requests/{id}/reject", a.auth("write:follows follow", a.handleDecideFollowRequest(false))).Methods(post)
	api.HandleFunc("/v1/trends", a.optionalAuth("read", a.handleTrendingTags)).Methods(get)
	api.HandleFunc("/v1/trends/tags", a.optionalAuth("read", a.handleTrendingTags)).Methods(get)
	api.HandleFunc("/v1/trends/statuses", a.optionalAuth("read:statuses", a.handleTrendingStatuses)).Methods(get)
	api.HandleFunc("/v1/trends/links", a.optionalAuth("read", a.handleTrendingLinks)).Methods(get)
	api.HandleFunc("/v1/directory", a.optionalAuth("read:accounts", a.handleDirectory)).Methods(get)
	api.HandleFunc("/v1/suggestions", a.auth("read", a.handleSuggestions)).Methods(get)
	api.HandleFunc("/v2/suggestions", a.auth("read", a.handleSuggestionsV2)).Methods(get)
	api.HandleFunc("/v2/search", a.optionalAuth("read:search", a.handleSearch)).Methods(get)
	api.HandleFunc("/v1/preferences", a.auth("read:accounts", a.handlePreferences)).Methods(get)
	api.HandleFunc("/v2/filters", a.auth("read:filters", a.handleEmptyList)).Methods(get)
	api.HandleFunc("/v1/filters", a.auth("read:filters", a.handleEmptyList)).Methods(get)
	api.HandleFunc("/v1/announcements", a.auth("read", a.handleEmptyList)).Methods(get)
	api.HandleFunc("/v1/conversations", a.auth("read:statuses", a.handleEmptyList)).Methods(get)
	api.HandleFunc("/v1/scheduled_statuses", a.auth("read:statuses", a.handleEmptyList)).Methods(get)
	api.HandleFunc("/v1/followed_tags", a.auth("read:follows", a.handleEmptyList)).Methods(get)
}

// withRateLimit applies Mastodon's limits: per token when the request carries one, per
// address otherwise.
func (a *API) withRateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := "ip:" + a.ip(r)
		if h := r.Header.Get("Authorization"); h != "" {
			key = "token:" + h
		} else if t := r.URL.Query().Get("access_token"); t != "" {
			key = "token:" + t
		}
		if a.limit.Allow(w, key) {
			next.ServeHTTP(w, r)
		}
	})
}

// pageOf reads a list request's pagination, answering the error itself.
func (a *API) pageOf(w http.ResponseWriter, r *http.Request, def, most int) (Page, bool) {
	p, err := ParsePage(r.URL.Query(), def, most)
	if err != nil {
		a.Error(w, r, err)
		return Page{}, false
	}
	return p, true
}

// listURL is the absolute URL of the endpoint a list request asked, for its Link header.
func (a *API) listURL(r *http.Request) string { return a.base + r.URL.Path }

// writePage answers a list request with one page, linked to its neighbours by ids (newest
// first: the items' own ids, or those they are paged by).
func (a *API) writePage(w http.ResponseWriter, r *http.Request, ids []string, page any) {
	SetLinkHeader(w, r, a.listURL(r), ids)
	a.writeJSON(w, r, http.StatusOK, page)
}

// --- accounts ---

func (a *API) handleVerifyCredentials(w http.ResponseWriter, r *http.Request) {
	a.writeCredentialAccount(w, r, convene.PrincipalFrom(r.Context()).Account)
}

// writeCredentialAccount answers with the signed-in person as verify_credentials shows them.
func (a *API) writeCredentialAccount(w http.ResponseWriter, r *http.Request, me *convene.Account) {
	ctx := r.Context()
	st, err := a.svc.AccountStats(ctx, me)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	requests, err := a.svc.FollowRequestCount(ctx)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, a.conv.CredentialAccount(me, st, requests))
}

func (a *API) writeActor(w http.ResponseWriter, r *http.Request, actor service.Actor, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	acc, err := a.renderer(r.Context()).account(actor)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, acc)
}

func (a *API) handleAccount(w http.ResponseWriter, r *http.Request) {
	actor, err := a.svc.FindActorByID(r.Context(), mux.Vars(r)["id"])
	a.writeActor(w, r, actor, err)
}

func (a *API) handleLookup(w http.ResponseWriter, r *http.Request) {
	actor, err := a.svc.FindActorByAcct(r.Context(), r.URL.Query().Get("acct"))
	a.writeActor(w, r, actor, err)
}

// idsParam reads Rails-style repeated ids: id[]=1&id[]=2 (or id=1).
func idsParam(q url.Values) []string {
	if ids := q["id[]"]; len(ids) > 0 {
		return ids
	}
	return q["id"]
}

func (a *API) handleRelationships(w http.ResponseWriter, r *http.Request) {
	rels, err := a.svc.Relationships(r.Context(), idsParam(r.URL.Query()))
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out := make([]Relationship, 0, len(rels))
	for _, rel := range rels {
		out = append(out, RelationshipOf(rel))
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

func (a *API) handleFollow(w http.ResponseWriter, r *http.Request) {
	rel, err := a.svc.FollowActor(r.Context(), mux.Vars(r)["id"])
	a.writeRelationship(w, r, rel, err)
}

func (a *API) handleUnfollow(w http.ResponseWriter, r *http.Request) {
	rel, err := a.svc.UnfollowActor(r.Context(), mux.Vars(r)["id"])
	a.writeRelationship(w, r, rel, err)
}

func (a *API) writeRelationship(w http.ResponseWriter, r *http.Request, rel service.Relationship, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, RelationshipOf(rel))
}

// --- statuses ---

func (a *API) handlePostStatus(w http.ResponseWriter, r *http.Request) {
	p, err := params(w, r)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	if p.Get("scheduled_at") != "" {
		a.Error(w, r, convene.Errorf(convene.EINVALID, "Convene does not schedule posts: leave scheduled_at out to post now"))
		return
	}
	poll, err := pollParam(p)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	post, err := a.svc.PostStatus(r.Context(), service.StatusCreate{Text: p.Get("status"), InReplyToID: p.Get("in_reply_to_id"),
		Visibility: p.Get("visibility"), SpoilerText: p.Get("spoiler_text"), IdempotencyKey: r.Header.Get("Idempotency-Key"),
		MediaIDs: listParam(p, "media_ids"), Poll: poll})
	a.writePost(w, r, post, err)
}

func (a *API) writePost(w http.ResponseWriter, r *http.Request, p *convene.Post, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	list, err := a.renderer(r.Context()).posts([]*convene.Post{p})
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, list[0])
}

// handleStatus serves a post, or an event (which apps see as a status) by its id.
func (a *API) handleStatus(w http.ResponseWriter, r *http.Request) {
	item, err := a.svc.FindStatus(r.Context(), mux.Vars(r)["id"])
	a.writeStatusItem(w, r, item, err)
}

// writeStatusItem answers with one post or event as a status.
func (a *API) writeStatusItem(w http.ResponseWriter, r *http.Request, item service.TimelineItem, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	list, err := a.renderer(r.Context()).timeline([]service.TimelineItem{item})
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, list[0])
}

func (a *API) handleDeleteStatus(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), mux.Vars(r)["id"]
	p, err := a.svc.FindPost(ctx, id)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	list, err := a.renderer(ctx).posts([]*convene.Post{p})
	if err != nil {
		a.Error(w, r, err)
		return
	}
	// The author's files wait a day for a redraft, unless the app asks them gone now.
	del := a.svc.DeletePost
	if boolParam(r.URL.Query().Get("delete_media")) {
		del = a.svc.DeletePostAndMedia
	}
	if err := del(ctx, id); err != nil {
		a.Error(w, r, err)
		return
	}
	deleted := list[0]
	deleted.Text = &p.Source // for delete-and-redraft
	a.writeJSON(w, r, http.StatusOK, deleted)
}

// handleEditStatus edits a post's text (and, for a thread, its title from spoiler_text), as
// the author may.
func (a *API) handleEditStatus(w http.ResponseWriter, r *http.Request) {
	p, err := params(w, r)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	edit := service.PostEdit{MediaDescriptions: mediaAttributes(p)}
	if text, ok := p["status"]; ok && len(text) > 0 {
		edit.Body = &text[0]
	}
	if title := p.Get("spoiler_text"); title != "" {
		edit.Title = &title
	}
	if p.Has("media_ids[]") || p.Has("media_ids") {
		ids := listParam(p, "media_ids")
		edit.MediaIDs = &ids
	}
	post, err := a.svc.EditPost(r.Context(), mux.Vars(r)["id"], edit)
	a.writePost(w, r, post, err)
}

// statusSource is what an app puts back in its editor: the markdown as written.
type statusSource struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text"`
}

// handleStatusSource serves the source of a post the principal may edit.
func (a *API) handleStatusSource(w http.ResponseWriter, r *http.Request) {
	p, err := a.svc.PostToEdit(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, statusSource{ID: p.ID, Text: p.Source, SpoilerText: p.Title})
}

func (a *API) handleContext(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := a.svc.PostContext(ctx, mux.Vars(r)["id"])
	if err != nil {
		a.Error(w, r, err)
		return
	}
	rd := a.renderer(ctx)
	ancestors, err := rd.posts(c.Ancestors)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	descendants, err := rd.posts(c.Descendants)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, ContextOf(ancestors, descendants))
}

// handleFavourite likes or unlikes a post and answers with it as it now stands. Liking twice
// or unliking what one does not like leaves it as it is, as Mastodon does.
func (a *API) handleFavourite(like bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, id := r.Context(), mux.Vars(r)["id"]
		var err error
		if like {
			err = a.svc.Like(ctx, id)
		} else {
			err = a.svc.Unlike(ctx, id)
		}
		if code := convene.ErrorCode(err); err != nil && code != convene.ECONFLICT && !(code == convene.ENOTFOUND && !like) {
			a.Error(w, r, err)
			return
		}
		p, err := a.svc.FindPost(ctx, id)
		a.writePost(w, r, p, err)
	}
}

// handleReblog boosts a post and answers with the boost, whose reblog is the post.
func (a *API) handleReblog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, p, err := a.svc.Boost(ctx, mux.Vars(r)["id"])
	if err != nil {
		a.Error(w, r, err)
		return
	}
	me := a.conv.iris.Person(convene.PrincipalFrom(ctx).Account.Username)
	a.writeStatusItem(w, r, service.TimelineItem{Post: p, Boost: b, Booster: me}, nil)
}

// handleUnreblog withdraws a boost and answers with the post as it now stands.
func (a *API) handleUnreblog(w http.ResponseWriter, r *http.Request) {
	p, err := a.svc.Unboost(r.Context(), mux.Vars(r)["id"])
	a.writePost(w, r, p, err)
}

// --- timelines ---

// timelineQuery reads a timeline's filters: local, remote, exclude_replies, only_media.
func timelineQuery(p Page, r *http.Request) service.TimelineQuery {
	q := r.URL.Query()
	flag := func(name string) bool { return boolParam(q.Get(name)) }
	return service.TimelineQuery{MaxID: p.MaxID, SinceID: p.SinceID, MinID: p.MinID, Limit: p.Limit,
		LocalOnly: flag("local"), RemoteOnly: flag("remote"), ThreadsOnly: flag("exclude_replies"), OnlyMedia: flag("only_media")}
}

func (a *API) writeTimeline(w http.ResponseWriter, r *http.Request, items []service.TimelineItem, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	statuses, err := a.renderer(r.Context()).timeline(items)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	ids := make([]string, len(statuses))
	for i, st := range statuses {
		ids[i] = st.ID
	}
	a.writePage(w, r, ids, statuses)
}

func (a *API) handleHomeTimeline(w http.ResponseWriter, r *http.Request) {
	if p, ok := a.pageOf(w, r, 20, 40); ok {
		items, err := a.svc.HomeTimeline(r.Context(), timelineQuery(p, r))
		a.writeTimeline(w, r, items, err)
	}
}

func (a *API) handlePublicTimeline(w http.ResponseWriter, r *http.Request) {
	if p, ok := a.pageOf(w, r, 20, 40); ok {
		items, err := a.svc.PublicTimeline(r.Context(), timelineQuery(p, r))
		a.writeTimeline(w, r, items, err)
	}
}

func (a *API) handleTagTimeline(w http.ResponseWriter, r *http.Request) {
	if p, ok := a.pageOf(w, r, 20, 40); ok {
		items, err := a.svc.TagTimeline(r.Context(), mux.Vars(r)["tag"], timelineQuery(p, r))
		a.writeTimeline(w, r, items, err)
	}
}

// --- notifications, markers, preferences ---

// ourNotificationTypes turns Mastodon types (types[], exclude_types[]) into ours; a type we
// never make matches nothing.
func ourNotificationTypes(mastodonTypes []string) []string {
	var out []string
	for _, mt := range mastodonTypes {
		for ours, theirs := range notificationTypes {
			if theirs == mt {
				out = append(out, ours)
			}
		}
	}
	return out
}

func (a *API) handleNotifications(w http.ResponseWriter, r *http.Request) {
	p, ok := a.pageOf(w, r, 40, 80)
	if !ok {
		return
	}
	q := r.URL.Query()
	query := service.NotificationQuery{MaxID: p.MaxID, SinceID: p.SinceID, MinID: p.MinID, Limit: p.Limit,
		ExcludeTypes: ourNotificationTypes(append(q["exclude_types[]"], q["exclude_types"]...))}
	if types := append(q["types[]"], q["types"]...); len(types) > 0 {
		if query.Types = ourNotificationTypes(types); len(query.Types) == 0 {
			query.Types = []string{"-"} // only types we never make: nothing
		}
	}
	list, err := a.svc.NotificationsPage(r.Context(), query)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out, err := a.renderer(r.Context()).notifications(list)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	ids := make([]string, len(list))
	for i, n := range list {
		ids[i] = n.ID
	}
	a.writePage(w, r, ids, out)
}

func (a *API) handleDismissNotification(w http.ResponseWriter, r *http.Request) {
	if err := a.svc.DismissNotification(r.Context(), mux.Vars(r)["id"]); err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, struct{}{})
}

func (a *API) handleClearNotifications(w http.ResponseWriter, r *http.Request) {
	if err := a.svc.ClearNotifications(r.Context()); err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, struct{}{})
}

func (a *API) writeMarkers(w http.ResponseWriter, r *http.Request, list []*convene.Marker, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	out := map[string]Marker{}
	for _, m := range list {
		out[m.Timeline] = Marker{LastReadID: m.LastReadID, Version: m.Version, UpdatedAt: NewTime(m.UpdatedAt)}
	}
	a.writeJSON(w, r, http.StatusOK, out)
}

func (a *API) handleMarkers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list, err := a.svc.Markers(r.Context(), append(q["timeline[]"], q["timeline"]...))
	a.writeMarkers(w, r, list, err)
}

// handleSaveMarkers takes home[last_read_id]=… (form) or {"home": {"last_read_id": …}} (JSON).
func (a *API) handleSaveMarkers(w http.ResponseWriter, r *http.Request) {
	lastRead := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body map[string]struct {
			LastReadID string `json:"last_read_id"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxParamBody)).Decode(&body); err != nil {
			a.Error(w, r, convene.Errorf(convene.EINVALID, "the request body is not a JSON object of markers"))
			return
		}
		for tl, m := range body {
			lastRead[tl] = m.LastReadID
		}
	} else {
		p, err := params(w, r)
		if err != nil {
			a.Error(w, r, err)
			return
		}
		for _, tl := range []string{"home", "notifications"} {
			if id := p.Get(tl + "[last_read_id]"); id != "" {
				lastRead[tl] = id
			}
		}
	}
	list, err := a.svc.SaveMarkers(r.Context(), lastRead)
	a.writeMarkers(w, r, list, err)
}

func (a *API) handlePreferences(w http.ResponseWriter, r *http.Request) {
	a.writeJSON(w, r, http.StatusOK, Preferences{
		"posting:default:visibility": "public",
		"posting:default:sensitive":  false,
		"posting:default:language":   nil,
		"reading:expand:media":       "default",
		"reading:expand:spoilers":    false,
	})
}

// handleEmptyList answers the lists of things Convene does not have, so that apps' screens
// for them show nothing instead of an error: keyword filters, announcements, direct
// conversations (direct posts are refused), scheduled posts (scheduled_at is refused) and
// followed hashtags.
func (a *API) handleEmptyList(w http.ResponseWriter, r *http.Request) {
	a.writeJSON(w, r, http.StatusOK, []struct{}{})
}
