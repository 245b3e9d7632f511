package federation

import (
	"net/url"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// actorType is what Person, Group and Application share in go-fed: the setters an actor
// document needs.
type actorType interface {
	vocab.Type
	SetJSONLDId(vocab.JSONLDIdProperty)
	SetActivityStreamsPreferredUsername(vocab.ActivityStreamsPreferredUsernameProperty)
	SetActivityStreamsName(vocab.ActivityStreamsNameProperty)
	SetActivityStreamsSummary(vocab.ActivityStreamsSummaryProperty)
	SetActivityStreamsInbox(vocab.ActivityStreamsInboxProperty)
	SetActivityStreamsOutbox(vocab.ActivityStreamsOutboxProperty)
	SetActivityStreamsFollowers(vocab.ActivityStreamsFollowersProperty)
	SetActivityStreamsFollowing(vocab.ActivityStreamsFollowingProperty)
	SetActivityStreamsUrl(vocab.ActivityStreamsUrlProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
	SetW3IDSecurityV1PublicKey(vocab.W3IDSecurityV1PublicKeyProperty)
	SetTootDiscoverable(vocab.TootDiscoverableProperty)
	SetTootFeatured(vocab.TootFeaturedProperty)
}

// actorFields is what an actor document says, whatever its type.
type actorFields struct {
	id, username, name string
	summary, source    string // HTML and the markdown it came from
	publicKeyPEM       string
	published          time.Time
	manuallyApproves   bool
	// discoverable is Mastodon's discoverable and indexable: the actor may be suggested and
	// its public posts found by search elsewhere.
	discoverable bool
	pictures     convene.Pictures
	extra        map[string]any
}

// PersonToAS renders a local account as its Person actor.
func PersonToAS(u IRIs, a *convene.Account) ([]byte, error) {
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	return u.actorToAS(streams.NewActivityStreamsPerson(), actorFields{
		id: u.Person(a.Username), username: a.Username, name: name,
		summary: service.RenderMarkdown(a.Bio), source: a.Bio,
		publicKeyPEM: a.PublicKeyPEM, published: a.CreatedAt, discoverable: a.Discoverable, pictures: a.Pictures,
	})
}

// GroupToAS renders a community as its Group actor: its moderators collection is its
// attributedTo (Lemmy), and its follow policy decides manuallyApprovesFollowers.
func GroupToAS(u IRIs, c *convene.Community) ([]byte, error) {
	id := u.Group(c.Slug)
	g := streams.NewActivityStreamsGroup()
	attributedTo := streams.NewActivityStreamsAttributedToProperty()
	attributedTo.AppendIRI(mustParse(u.Moderators(id)))
	g.SetActivityStreamsAttributedTo(attributedTo)
	return u.actorToAS(g, actorFields{
		id: id, username: c.Slug, name: c.Name,
		summary: service.RenderMarkdown(c.Summary), source: c.Summary,
		publicKeyPEM: c.PublicKeyPEM, published: c.CreatedAt,
		manuallyApproves: c.FollowPolicy == convene.FollowApproval,
		discoverable:     true, // a community exists to be found
		pictures:         c.Pictures,
		extra: map[string]any{
			"moderators":              u.Moderators(id),
			"postingRestrictedToMods": c.PostingPolicy == convene.PostingModerators,
			"upcomingEvents":          u.UpcomingEvents(id),
		},
	})
}

// InstanceActorToAS renders the instance's Application actor, which signs our fetches and
// which Mobilizon and Gancio instances follow (FEP-2677). Its name is the domain, as
// Mastodon's is, so acct:domain@domain finds it.
func InstanceActorToAS(u IRIs, publicKeyPEM string, published time.Time) ([]byte, error) {
	return u.actorToAS(streams.NewActivityStreamsApplication(), actorFields{
		id: u.InstanceActor(), username: u.Domain(), name: u.Domain(),
		publicKeyPEM: publicKeyPEM, published: published,
	})
}

func (u IRIs) actorToAS(t actorType, f actorFields) ([]byte, error) {
	t.SetJSONLDId(idProperty(f.id))
	username := streams.NewActivityStreamsPreferredUsernameProperty()
	username.SetXMLSchemaString(f.username)
	t.SetActivityStreamsPreferredUsername(username)
	name := streams.NewActivityStreamsNameProperty()
	name.AppendXMLSchemaString(f.name)
	t.SetActivityStreamsName(name)
	if f.summary != "" {
		summary := streams.NewActivityStreamsSummaryProperty()
		summary.AppendXMLSchemaString(f.summary)
		t.SetActivityStreamsSummary(summary)
	}
	u.setCollections(t, f.id)
	pageURL := streams.NewActivityStreamsUrlProperty()
	pageURL.AppendIRI(mustParse(f.id))
	t.SetActivityStreamsUrl(pageURL)
	published := streams.NewActivityStreamsPublishedProperty()
	published.Set(f.published.UTC())
	t.SetActivityStreamsPublished(published)
	t.SetW3IDSecurityV1PublicKey(u.publicKeyProperty(f.id, f.publicKeyPEM))
	discoverable := streams.NewTootDiscoverableProperty()
	discoverable.Set(f.discoverable)
	t.SetTootDiscoverable(discoverable)

	extra := map[string]any{
		"manuallyApprovesFollowers": f.manuallyApproves,
		"indexable":                 f.discoverable,
		"endpoints":                 map[string]any{"sharedInbox": u.SharedInbox()},
	}
	if f.source != "" {
		extra["source"] = map[string]any{"content": f.source, "mediaType": "text/markdown"}
	}
	if key := f.pictures.AvatarKey; key != "" {
		extra["icon"] = u.pictureImage(key)
	}
	if key := f.pictures.HeaderKey; key != "" {
		extra["image"] = u.pictureImage(key)
	}
	for k, v := range f.extra {
		extra[k] = v
	}
	return Serialize(t, extra)
}

func (u IRIs) setCollections(t actorType, id string) {
	inbox := streams.NewActivityStreamsInboxProperty()
	inbox.SetIRI(mustParse(u.Inbox(id)))
	t.SetActivityStreamsInbox(inbox)
	outbox := streams.NewActivityStreamsOutboxProperty()
	outbox.SetIRI(mustParse(u.Outbox(id)))
	t.SetActivityStreamsOutbox(outbox)
	followers := streams.NewActivityStreamsFollowersProperty()
	followers.SetIRI(mustParse(u.Followers(id)))
	t.SetActivityStreamsFollowers(followers)
	following := streams.NewActivityStreamsFollowingProperty()
	following.SetIRI(mustParse(u.Following(id)))
	t.SetActivityStreamsFollowing(following)
	featured := streams.NewTootFeaturedProperty()
	featured.SetIRI(mustParse(u.Featured(id)))
	t.SetTootFeatured(featured)
}

// publicKeyProperty is the actor's key as Mastodon publishes it: {id: actor#main-key, owner, publicKeyPem}.
func (u IRIs) publicKeyProperty(actorID, pem string) vocab.W3IDSecurityV1PublicKeyProperty {
	key := streams.NewW3IDSecurityV1PublicKey()
	key.SetJSONLDId(idProperty(u.KeyID(actorID)))
	owner := streams.NewW3IDSecurityV1OwnerProperty()
	owner.SetIRI(mustParse(actorID))
	key.SetW3IDSecurityV1Owner(owner)
	keyPEM := streams.NewW3IDSecurityV1PublicKeyPemProperty()
	keyPEM.Set(pem)
	key.SetW3IDSecurityV1PublicKeyPem(keyPEM)
	prop := streams.NewW3IDSecurityV1PublicKeyProperty()
	prop.AppendW3IDSecurityV1PublicKey(key)
	return prop
}

func idProperty(iri string) vocab.JSONLDIdProperty {
	id := streams.NewJSONLDIdProperty()
	id.Set(mustParse(iri))
	return id
}

// mustParse parses an IRI this package built itself; a failure is a bug in IRIs.
func mustParse(iri string) *url.URL {
	u, err := url.Parse(iri)
	if err != nil {
		panic("federation: bad local IRI " + iri + ": " + err.Error())
	}
	return u
}

// pictureImage is an actor's icon or image as Mastodon and Lemmy read it.
func (u IRIs) pictureImage(key string) map[string]any {
	return map[string]any{"type": "Image", "mediaType": convene.PictureType(key), "url": u.Media(key)}
}
