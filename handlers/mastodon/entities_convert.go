package mastodon

import (
	"cmp"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// Converter turns domain values into Mastodon entities (STYLE.md: one converter per pair of
// representations). Its methods are pure: everything an entity shows besides the instance's
// URL layout comes in as an argument, so handlers gather it with service calls first.
type Converter struct {
	iris   federation.IRIs
	avatar string // absolute URL of the default avatar
	header string // absolute URL of the default header
}

// Default images: Convene has no uploaded avatars yet, and Tusky and Ice Cubes drop an
// account whose avatar or header is not a URL, so every account shows these (as Mastodon
// serves missing.png).
const (
	defaultAvatar = "avatar.png"
	defaultHeader = "header.png"
)

// NewConverter returns a Converter for the instance at iris, whose default images r serves.
func NewConverter(iris federation.IRIs, r *frontend.Renderer) (Converter, error) {
	c := Converter{iris: iris}
	for name, dst := range map[string]*string{defaultAvatar: &c.avatar, defaultHeader: &c.header} {
		path := r.AssetURL(name)
		if path == "" {
			return Converter{}, fmt.Errorf("mastodon: no static asset %s", name)
		}
		*dst = iris.Base() + path
	}
	return c, nil
}

// baseAccount fills what every account has in common, with empty lists and default images.
func (c Converter) baseAccount(id, username, acct, iri string, created time.Time) Account {
	return Account{
		ID: id, Username: username, Acct: acct, URL: iri, URI: iri, CreatedAt: NewTime(created),
		Avatar: c.avatar, AvatarStatic: c.avatar, Header: c.header, HeaderStatic: c.header,
		Emojis: []Emoji{}, Fields: []Field{},
	}
}

// setPictures shows a local actor's own avatar and header in place of the defaults.
func (c Converter) setPictures(a *Account, ps convene.Pictures) {
	if ps.AvatarKey != "" {
		a.Avatar = c.iris.Media(ps.AvatarKey)
		a.AvatarStatic = a.Avatar
	}
	if ps.HeaderKey != "" {
		a.Header = c.iris.Media(ps.HeaderKey)
		a.HeaderStatic = a.Header
	}
}

func (a *Account) setStats(st service.ActorStats) {
	a.FollowersCount, a.FollowingCount, a.StatusesCount = st.Followers, st.Following, st.Statuses
	a.LastStatusAt = NullDate{Time: st.LastStatusAt, Valid: !st.LastStatusAt.IsZero()}
}

// LocalAccount is a person here; its id is accounts.id.
func (c Converter) LocalAccount(a *convene.Account, st service.ActorStats) Account {
	out := c.baseAccount(a.ID, a.Username, a.Username, c.iris.Person(a.Username), a.CreatedAt)
	out.DisplayName = a.DisplayName
	out.Note = service.RenderMarkdown(a.Bio)
	discoverable := a.Discoverable
	out.Discoverable, out.Indexable = &discoverable, discoverable
	c.setPictures(&out, a.Pictures)
	out.setStats(st)
	return out
}

// CredentialAccount is the signed-in person as verify_credentials shows them, with what they
// typed in source. followRequests counts follows waiting for their approval.
func (c Converter) CredentialAccount(a *convene.Account, st service.ActorStats, followRequests int) CredentialAccount {
	return CredentialAccount{
		Account: c.LocalAccount(a, st),
		Source: Source{
			// Convene posts are public unless made community-only in a community's composer.
			Privacy: "public", Language: "", Note: a.Bio, Fields: []Field{}, FollowRequestsCount: followRequests,
			Discoverable: a.Discoverable, Indexable: a.Discoverable,
		},
	}
}

// CommunityAccount is a community here, as a group account; its id is communities.id. It is
// locked when its owners approve each follow.
func (c Converter) CommunityAccount(com *convene.Community, st service.ActorStats) Account {
	out := c.baseAccount(com.ID, com.Slug, com.Slug, c.iris.Group(com.Slug), com.CreatedAt)
	out.DisplayName = com.Name
	out.Note = service.RenderMarkdown(com.Summary)
	out.Group = true
	out.Locked = com.FollowPolicy == convene.FollowApproval
	discoverable := true
	out.Discoverable, out.Indexable = &discoverable, true
	c.setPictures(&out, com.Pictures)
	out.setStats(st)
	return out
}

// RemoteAccount is an actor elsewhere; its id is remote_actors.id. Its numbers are unknown
// here (we do not fetch its collections), so they are zero; created_at is when we first saw it.
// Its avatar, header and bio are its own as last fetched (federation kept only http(s) URLs
// and sanitized HTML); without a picture it shows the default, as a local account does.
func (c Converter) RemoteAccount(r *convene.RemoteActor) Account {
	out := c.baseAccount(r.ID, r.Username, r.Username+"@"+r.Domain, r.IRI, r.CreatedAt)
	if r.URL != "" {
		out.URL = r.URL
	}
	if r.AvatarURL != "" {
		out.Avatar, out.AvatarStatic = r.AvatarURL, r.AvatarURL
	}
	if r.HeaderURL != "" {
		out.Header, out.HeaderStatic = r.HeaderURL, r.HeaderURL
	}
	out.Note = r.Summary
	out.DisplayName = r.Name
	out.Locked = r.ManuallyApproves
	out.Group = r.Type == "Group"
	out.Bot = r.Type == "Application" || r.Type == "Service"
	return out
}

// ActorAccount is whichever account a (from service.FindActorByID or FindActorByIRI) is.
func (c Converter) ActorAccount(a service.Actor, st service.ActorStats) Account {
	switch {
	case a.Account != nil:
		return c.LocalAccount(a.Account, st)
	case a.Community != nil:
		return c.CommunityAccount(a.Community, st)
	}
	return c.RemoteAccount(a.Remote)
}

// MentionOf is how a status lists a mentioned account.
func MentionOf(a Account) Mention {
	return Mention{ID: a.ID, Username: a.Username, Acct: a.Acct, URL: a.URL}
}

// ViewerState is what the signed-in account did to a status; all false for an anonymous reader.
type ViewerState struct {
	Favourited, Reblogged, Bookmarked, Muted, Pinned bool
}

// StatusRefs is what a status shows besides its post or event.
type StatusRefs struct {
	Account Account // the author (a post) or the community or organiser (an event)
	// InReplyToAccountID is the id of the parent post's author's account, for a reply.
	InReplyToAccountID string
	Mentions           []Mention
	Viewer             ViewerState
}

func (c Converter) baseStatus(id, iri, pageURL string, published time.Time, refs StatusRefs) Status {
	s := Status{
		ID: id, URI: iri, URL: &pageURL, CreatedAt: NewTime(published), Account: refs.Account,
		MediaAttachments: []MediaAttachment{}, Mentions: refs.Mentions, Tags: []Tag{}, Emojis: []Emoji{},
		Favourited: refs.Viewer.Favourited, Reblogged: refs.Viewer.Reblogged, Bookmarked: refs.Viewer.Bookmarked,
		Muted: refs.Viewer.Muted, Pinned: refs.Viewer.Pinned,
	}
	if s.Mentions == nil {
		s.Mentions = []Mention{}
	}
	return s
}

// visibilityOf maps Convene's two visibilities: a community-only post reaches the community's
// followers and moderators, which is what Mastodon calls private (followers-only).
func visibilityOf(v convene.Visibility) string {
	if v == convene.VisibilityCommunity {
		return "private"
	}
	return "public"
}

// PostStatus is a thread or a reply; its id is posts.id. The content is the stored sanitized
// HTML, with a thread's title before it as a bold first paragraph (Mastodon statuses have no
// title). p.Tags must hold the post's hashtags (the store's FindPostTags).
func (c Converter) PostStatus(p *convene.Post, refs StatusRefs) Status {
	s := c.baseStatus(p.ID, p.IRI, p.IRI, p.PublishedAt, refs)
	s.EditedAt = NullTimeOf(p.EditedAt)
	s.Content = postContent(p.Title, p.Content)
	s.Visibility = visibilityOf(p.Visibility)
	for _, tag := range p.Tags {
		s.Tags = append(s.Tags, Tag{Name: tag, URL: c.iris.Tag(tag)})
	}
	s.FavouritesCount, s.RepliesCount = p.LikeCount, p.ReplyCount
	if p.ParentID != "" {
		parent := p.ParentID
		s.InReplyToID = &parent
		if refs.InReplyToAccountID != "" {
			account := refs.InReplyToAccountID
			s.InReplyToAccountID = &account
		}
	}
	return s
}

// postContent is a post's HTML with its title, if any, as a bold first paragraph.
func postContent(title, content string) string {
	if title == "" {
		return content
	}
	return "<p><strong>" + html.EscapeString(title) + "</strong></p>" + content
}

// EventStatus is an event as a status (Mastodon apps know no events; research §1.12); its id
// is events.id. The content gives the title, then date, time, time zone and place in the
// event's own zone (federation.EventSummary, the line Mastodon shows for our events), the
// address, the online link, the description, and the event page's link, which the card
// previews too.
func (c Converter) EventStatus(e *convene.Event, refs StatusRefs) Status {
	page := cmp.Or(e.URL, e.IRI)
	s := c.baseStatus(e.ID, e.IRI, page, e.PublishedAt, refs)
	if e.UpdatedAt.After(e.PublishedAt) {
		s.EditedAt = NullTime{Time: e.UpdatedAt, Valid: true}
	}
	summary := federation.EventSummary(e)
	var b strings.Builder
	b.WriteString("<p><strong>" + html.EscapeString(e.Title) + "</strong></p>")
	b.WriteString("<p>" + html.EscapeString(summary))
	if addr := address(e.Place); addr != "" {
		b.WriteString("<br>" + html.EscapeString(addr))
	}
	if e.OnlineURL != "" {
		b.WriteString("<br>Online: " + link(e.OnlineURL))
	}
	b.WriteString("</p>")
	b.WriteString(e.Content)
	b.WriteString("<p>" + link(page) + "</p>")
	s.Content = b.String()
	s.Visibility = "public"
	if !e.Public {
		s.Visibility = "private"
	}
	provider, providerURL := c.iris.Domain(), c.iris.Base()
	if u, err := url.Parse(page); err == nil && u.Host != "" && !c.iris.IsLocal(page) {
		provider, providerURL = u.Host, u.Scheme+"://"+u.Host
	}
	s.Card = &PreviewCard{
		URL: page, Title: e.Title, Description: summary, Type: "link",
		ProviderName: provider, ProviderURL: providerURL, AuthorName: refs.Account.DisplayName, AuthorURL: refs.Account.URL,
	}
	return s
}

// address is the event's place in one line, when it has more than the name EventSummary shows.
func address(p convene.Place) string {
	var parts []string
	for _, s := range []string{p.Name, p.Street, strings.TrimSpace(p.PostalCode + " " + p.Locality), p.Region, p.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) < 2 {
		return ""
	}
	return strings.Join(parts, ", ")
}

func link(u string) string {
	e := html.EscapeString(u)
	return `<a href="` + e + `" rel="nofollow noopener" target="_blank">` + e + `</a>`
}

// Boost is booster's reblog of original: a status of its own (id from the announcing
// activity) whose reblog is the original, as Mastodon shows a community's Announce.
func Boost(id, iri string, at time.Time, booster Account, original Status) Status {
	s := Status{
		ID: id, URI: iri, CreatedAt: NewTime(at), Account: booster, Visibility: original.Visibility,
		MediaAttachments: []MediaAttachment{}, Mentions: []Mention{}, Tags: []Tag{}, Emojis: []Emoji{},
		Reblog: &original, Reblogged: original.Reblogged, Favourited: original.Favourited,
	}
	return s
}

// notificationTypes maps Convene's notification kinds to Mastodon's. Mastodon has no RSVP;
// clients tolerate unknown types (Tusky shows them generically, Elk and Ice Cubes skip them),
// so an RSVP keeps a namespaced type of its own rather than pretending to be something else.
var notificationTypes = map[string]string{
	"reply":        "mention",
	"mention":      "mention",
	"like":         "favourite",
	"follow":       "follow",
	"event_update": "update",
	"event_cancel": "update",
	"rsvp":         "convene.rsvp",
	"poll":         "poll",
}

// NotificationType is the Mastodon type of a Convene notification kind.
func NotificationType(kind string) string {
	if t, ok := notificationTypes[kind]; ok {
		return t
	}
	return "convene." + kind
}

// NotificationOf is a notification; its id is notifications.id. actor is who caused it;
// status is the post or event it is about (nil for a follow).
func NotificationOf(n *convene.Notification, actor Account, status *Status) Notification {
	return Notification{ID: n.ID, Type: NotificationType(n.Type), CreatedAt: NewTime(n.CreatedAt), Account: actor, Status: status}
}

// RelationshipOf is how the signed-in account stands with another, as the service found it.
func RelationshipOf(rel service.Relationship) Relationship {
	return Relationship{ID: rel.ID, Following: rel.Following, ShowingReblogs: rel.Following, FollowedBy: rel.FollowedBy,
		Requested: rel.Requested, RequestedBy: rel.RequestedBy}
}

// ContextOf is a thread around a status; nil lists become [].
func ContextOf(ancestors, descendants []Status) Context {
	if ancestors == nil {
		ancestors = []Status{}
	}
	if descendants == nil {
		descendants = []Status{}
	}
	return Context{Ancestors: ancestors, Descendants: descendants}
}
