package mastodon

import (
	"context"
	"net/url"
	"path"
	"strings"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// renderer turns posts, events, actors and notifications into entities for one request's
// viewer, remembering the accounts it has built: a timeline names the same few authors many
// times, and each account costs a lookup and its counts.
type renderer struct {
	a        *API
	ctx      context.Context
	accounts map[string]Account // by actor IRI
}

func (a *API) renderer(ctx context.Context) *renderer {
	return &renderer{a: a, ctx: ctx, accounts: map[string]Account{}}
}

// account is the Account of an actor.
func (rd *renderer) account(actor service.Actor) (Account, error) {
	iri := rd.a.svc.ActorIRI(actor)
	if acc, ok := rd.accounts[iri]; ok {
		return acc, nil
	}
	st, err := rd.a.svc.ActorStats(rd.ctx, actor)
	if err != nil {
		return Account{}, err
	}
	acc := rd.a.conv.ActorAccount(actor, st)
	rd.accounts[iri] = acc
	return acc, nil
}

// accountOf is the Account of the actor at iri. An actor this instance never fetched (a
// post's author whose document failed) still gets an account, named from its IRI, so one
// stranger does not break a timeline.
func (rd *renderer) accountOf(iri string) (Account, error) {
	if acc, ok := rd.accounts[iri]; ok {
		return acc, nil
	}
	actor, err := rd.a.svc.FindActorByIRI(rd.ctx, iri)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		acc := rd.a.conv.RemoteAccount(unknownActor(iri))
		rd.accounts[iri] = acc
		return acc, nil
	}
	if err != nil {
		return Account{}, err
	}
	return rd.account(actor)
}

// unknownActor makes what can be said of an actor from its IRI alone.
func unknownActor(iri string) *convene.RemoteActor {
	u, err := url.Parse(iri)
	if err != nil {
		return &convene.RemoteActor{ID: iri, IRI: iri, Username: iri, URL: iri}
	}
	name := path.Base(strings.TrimSuffix(u.Path, "/"))
	if name == "" || name == "/" || name == "." {
		name = u.Host
	}
	return &convene.RemoteActor{ID: iri, IRI: iri, Username: name, Domain: u.Host, URL: iri}
}

// actors renders actors as accounts, in order.
func (rd *renderer) actors(actors []service.Actor) ([]Account, error) {
	out := make([]Account, 0, len(actors))
	for _, actor := range actors {
		acc, err := rd.account(actor)
		if err != nil {
			return nil, err
		}
		out = append(out, acc)
	}
	return out, nil
}

// mentions are the Mentions of a post's mentioned actors (space-separated IRIs).
func (rd *renderer) mentions(iris string) ([]Mention, error) {
	out := []Mention{}
	for _, iri := range strings.Fields(iris) {
		acc, err := rd.accountOf(iri)
		if err != nil {
			return nil, err
		}
		out = append(out, MentionOf(acc))
	}
	return out, nil
}

// posts renders posts as statuses, in order.
func (rd *renderer) posts(posts []*convene.Post) ([]Status, error) {
	views, err := rd.a.svc.PostViews(rd.ctx, posts)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(posts))
	for _, p := range posts {
		st, err := rd.post(p, views[p.ID])
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	ptrs := make([]*Status, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, rd.markBookmarks(ptrs)
}

// markBookmarks sets bookmarked on the statuses the viewer saved: one query for them all.
func (rd *renderer) markBookmarks(statuses []*Status) error {
	if len(statuses) == 0 {
		return nil
	}
	ids := make([]string, len(statuses))
	for i, st := range statuses {
		ids[i] = st.ID
	}
	saved, err := rd.a.svc.Bookmarked(rd.ctx, ids)
	if err != nil {
		return err
	}
	for _, st := range statuses {
		st.Bookmarked = saved[st.ID]
	}
	return nil
}

func (rd *renderer) post(p *convene.Post, view service.PostView) (Status, error) {
	author, err := rd.accountOf(p.AuthorIRI)
	if err != nil {
		return Status{}, err
	}
	refs := StatusRefs{Account: author, Viewer: ViewerState{Favourited: view.Liked, Reblogged: view.Boosted}}
	if refs.Mentions, err = rd.mentions(p.Mentions); err != nil {
		return Status{}, err
	}
	if view.ParentAuthor != "" {
		acc, err := rd.accountOf(view.ParentAuthor)
		if err != nil {
			return Status{}, err
		}
		refs.InReplyToAccountID = acc.ID
	}
	p.Tags = view.Tags
	st := rd.a.conv.PostStatus(p, refs)
	st.ReblogsCount = view.Boosts
	st.MediaAttachments = rd.a.conv.mediaAttachments(view.Media)
	st.Poll = PollOf(view.Poll)
	return st, nil
}

// event renders an event as a status by its community, or its organiser when it has none.
func (rd *renderer) event(e *convene.Event) (Status, error) {
	by := e.CommunityIRI
	if by == "" {
		by = e.OrganizerIRI
	}
	acc, err := rd.accountOf(by)
	if err != nil {
		return Status{}, err
	}
	return rd.a.conv.EventStatus(e, StatusRefs{Account: acc, Mentions: []Mention{}}), nil
}

// timeline renders a timeline's posts and events, in order.
func (rd *renderer) timeline(items []service.TimelineItem) ([]Status, error) {
	var posts []*convene.Post
	seen := map[string]bool{} // a post and a boost of it render the post once
	for _, it := range items {
		if it.Post != nil && !seen[it.Post.ID] {
			seen[it.Post.ID] = true
			posts = append(posts, it.Post)
		}
	}
	rendered, err := rd.posts(posts)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Status, len(rendered))
	for _, st := range rendered {
		byID[st.ID] = st
	}
	out := make([]Status, 0, len(items))
	for _, it := range items {
		if it.Boost != nil {
			booster, err := rd.accountOf(it.Booster)
			if err != nil {
				return nil, err
			}
			out = append(out, Boost(it.Boost.ID, it.Boost.ActivityIRI, it.Boost.CreatedAt, booster, byID[it.Post.ID]))
			continue
		}
		if it.Post != nil {
			out = append(out, byID[it.Post.ID])
			continue
		}
		st, err := rd.event(it.Event)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	var events []*Status // posts were marked by posts
	for i, it := range items {
		if it.Event != nil {
			events = append(events, &out[i])
		}
	}
	return out, rd.markBookmarks(events)
}

// notifications renders notifications with their actors and their posts or events: the
// posts of the whole page are loaded and rendered together.
func (rd *renderer) notifications(list []*convene.Notification) ([]Notification, error) {
	var ids []string
	for _, n := range list {
		if n.PostID != "" {
			ids = append(ids, n.PostID)
		}
	}
	posts, err := rd.a.svc.VisiblePosts(rd.ctx, ids)
	if err != nil {
		return nil, err
	}
	rendered, err := rd.posts(posts)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Status, len(rendered))
	for i := range rendered {
		byID[rendered[i].ID] = &rendered[i]
	}
	out := make([]Notification, 0, len(list))
	for _, n := range list {
		acc, err := rd.accountOf(n.Actor)
		if err != nil {
			return nil, err
		}
		st := byID[n.PostID]
		if n.PostID == "" && n.EventID != "" {
			if st, err = rd.eventOf(n.EventID, byID); err != nil {
				return nil, err
			}
		}
		out = append(out, NotificationOf(n, acc, st))
	}
	return out, nil
}

// eventOf renders the event with this id once per page (twenty RSVPs to one event load it
// once), keeping it in rendered by id; nil when the viewer may not see it (any more).
func (rd *renderer) eventOf(id string, rendered map[string]*Status) (*Status, error) {
	if st, ok := rendered[id]; ok {
		return st, nil
	}
	e, err := rd.a.svc.FindEvent(rd.ctx, id)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		rendered[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := rd.event(e)
	rendered[id] = &st
	return &st, err
}
