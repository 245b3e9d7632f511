package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/convene-social/convene"
)

// activityType is what the go-fed activity types share that we set.
type activityType interface {
	vocab.Type
	SetJSONLDId(vocab.JSONLDIdProperty)
	SetActivityStreamsActor(vocab.ActivityStreamsActorProperty)
	SetActivityStreamsObject(vocab.ActivityStreamsObjectProperty)
	SetActivityStreamsTo(vocab.ActivityStreamsToProperty)
	SetActivityStreamsCc(vocab.ActivityStreamsCcProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
}

// newActivityType returns the go-fed type for an activity type name.
func newActivityType(name string) (activityType, error) {
	switch name {
	case "Follow":
		return streams.NewActivityStreamsFollow(), nil
	case "Accept":
		return streams.NewActivityStreamsAccept(), nil
	case "Reject":
		return streams.NewActivityStreamsReject(), nil
	case "Undo":
		return streams.NewActivityStreamsUndo(), nil
	case "Update":
		return streams.NewActivityStreamsUpdate(), nil
	case "Delete":
		return streams.NewActivityStreamsDelete(), nil
	case "Announce":
		return streams.NewActivityStreamsAnnounce(), nil
	case "Create":
		return streams.NewActivityStreamsCreate(), nil
	case "Like":
		return streams.NewActivityStreamsLike(), nil
	case "Join":
		return streams.NewActivityStreamsJoin(), nil
	case "Leave":
		return streams.NewActivityStreamsLeave(), nil
	case "Ignore":
		return streams.NewActivityStreamsIgnore(), nil
	}
	return nil, fmt.Errorf("activity type %q is not rendered yet", name)
}

// Renderer turns outbox activities into ActivityStreams, looking up the posts and
// activities they carry.
type Renderer struct {
	iris  IRIs
	store convene.Store
}

// NewRenderer returns a Renderer reading from store.
func NewRenderer(iris IRIs, store convene.Store) *Renderer {
	return &Renderer{iris: iris, store: store}
}

// Activity renders an outbox activity. An Accept, Reject or Undo embeds the activity it
// answers (Mastodon and Lemmy match on the embedded Follow's id); a Create or Update embeds
// its Note, a Delete a Tombstone, and a community's Announce{activity} the whole activity.
func (r *Renderer) Activity(ctx context.Context, a *convene.Activity) ([]byte, error) {
	t, err := r.activityType(ctx, a, 0)
	if err != nil {
		return nil, err
	}
	var extra map[string]any
	if a.EmbedRaw != "" {
		var raw map[string]any
		if err := json.Unmarshal([]byte(a.EmbedRaw), &raw); err != nil {
			return nil, fmt.Errorf("render %s: embedded activity: %w", a.ID, err)
		}
		extra = map[string]any{"object": raw}
	}
	m, err := serializeMap(t, extra)
	if err != nil {
		return nil, err
	}
	if err := r.embedEvent(ctx, m); err != nil {
		return nil, err
	}
	if inner, ok := m["object"].(map[string]any); ok {
		if err := r.embedEvent(ctx, inner); err != nil {
			return nil, err
		}
	}
	if err := r.completeCarriedNote(ctx, m); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// completeCarriedNote finds the local post's Note an activity carries (its object, or the
// object of the Create or Update a community announces, FEP-1b12) and adds what go-fed
// cannot write: hashtags, attachments and the poll. A remote member's Note, which a
// community passes on as its author wrote it, and a vote are left alone.
func (r *Renderer) completeCarriedNote(ctx context.Context, m map[string]any) error {
	note, _ := m["object"].(map[string]any)
	if inner, ok := note["object"].(map[string]any); ok {
		note = inner
	}
	id, _ := note["id"].(string)
	if note["type"] != "Note" || id == "" || isVote(id) {
		return nil
	}
	p, err := r.store.FindPostByIRI(ctx, id)
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && p.AccountID == "") {
		return nil
	}
	if err != nil {
		return err
	}
	return r.completeNote(ctx, note, p)
}

// completeNote adds a local post's hashtags, attachments and poll to its serialized Note.
func (r *Renderer) completeNote(ctx context.Context, note map[string]any, p *convene.Post) error {
	if err := r.addHashtags(ctx, note, p); err != nil {
		return err
	}
	if err := r.addAttachments(ctx, note, p); err != nil {
		return err
	}
	return r.addPoll(ctx, note, p)
}

// addHashtags adds a post's hashtags to its Note's tags as Mastodon writes them
// ({type: Hashtag, href, name: "#tag"}); go-fed v1.0.0 has no Hashtag type.
func (r *Renderer) addHashtags(ctx context.Context, note map[string]any, p *convene.Post) error {
	tags, err := r.store.FindPostTags(ctx, p.ID)
	if err != nil || len(tags) == 0 {
		return err
	}
	list, _ := note["tag"].([]any)
	for _, tag := range tags {
		list = append(list, map[string]any{"type": "Hashtag", "href": r.iris.Tag(tag), "name": "#" + tag})
	}
	note["tag"] = list
	return nil
}

func (r *Renderer) activityType(ctx context.Context, a *convene.Activity, depth int) (activityType, error) {
	u := r.iris
	t, err := newActivityType(a.Type)
	if err != nil {
		return nil, err
	}
	t.SetJSONLDId(idProperty(u.Activity(a.ID)))
	actor := streams.NewActivityStreamsActorProperty()
	actor.AppendIRI(mustParse(a.Actor))
	t.SetActivityStreamsActor(actor)
	object, err := r.object(ctx, a, depth)
	if err != nil {
		return nil, err
	}
	t.SetActivityStreamsObject(object)
	to := streams.NewActivityStreamsToProperty()
	for _, iri := range a.To {
		to.AppendIRI(mustParseRemote(iri))
	}
	t.SetActivityStreamsTo(to)
	if len(a.Cc) > 0 {
		cc := streams.NewActivityStreamsCcProperty()
		for _, iri := range a.Cc {
			cc.AppendIRI(mustParseRemote(iri))
		}
		t.SetActivityStreamsCc(cc)
	}
	published := streams.NewActivityStreamsPublishedProperty()
	published.Set(a.Published.UTC())
	t.SetActivityStreamsPublished(published)
	return t, nil
}

// object renders what an activity acts on.
func (r *Renderer) object(ctx context.Context, a *convene.Activity, depth int) (vocab.ActivityStreamsObjectProperty, error) {
	object := streams.NewActivityStreamsObjectProperty()
	var embedded vocab.Type
	var err error
	switch {
	case a.Inner != nil:
		embedded, err = innerToType(a.Inner)
	case a.Embed != "" && depth == 0:
		var inner *convene.Activity
		if inner, err = r.store.FindActivity(ctx, a.Embed); err == nil {
			embedded, err = r.activityType(ctx, inner, depth+1)
		}
	case a.Type == "Delete" && a.Object != a.Actor:
		embedded = tombstone(a.Object)
	case a.Type == "Create" && isVote(a.Object):
		embedded, err = r.voteNote(ctx, a.Object)
	case (a.Type == "Create" || a.Type == "Update") && r.isLocalEvent(a.Object):
		// rendered as a map by Activity: go-fed has no properties for the event extensions
	case (a.Type == "Create" || a.Type == "Update") && a.Object != a.Actor:
		// An actor's Update of itself carries only its IRI: peers fetch the actor again.
		embedded, err = r.note(ctx, a.Object)
	}
	if err != nil {
		return nil, err
	}
	if embedded == nil {
		object.AppendIRI(mustParseRemote(a.Object))
		return object, nil
	}
	return object, object.AppendType(embedded)
}

// note renders the local post iri as a Note.
func (r *Renderer) note(ctx context.Context, iri string) (vocab.ActivityStreamsNote, error) {
	p, err := r.store.FindPostByIRI(ctx, iri)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", iri, err)
	}
	refs, err := r.refs(ctx, p)
	if err != nil {
		return nil, err
	}
	return r.iris.PostToNote(p, refs), nil
}

// refs finds a post's thread and parent, and mentions the parent's author.
func (r *Renderer) refs(ctx context.Context, p *convene.Post) (PostRefs, error) {
	refs := PostRefs{ThreadIRI: p.IRI}
	if p.ThreadID != p.ID {
		root, err := r.store.FindPostByID(ctx, p.ThreadID)
		if err != nil {
			return refs, err
		}
		refs.ThreadIRI = root.IRI
	}
	if p.ParentID != "" {
		parent, err := r.store.FindPostByID(ctx, p.ParentID)
		if err != nil {
			return refs, err
		}
		refs.ParentIRI = parent.IRI
		if parent.AuthorIRI != p.AuthorIRI {
			refs.Mentions = append(refs.Mentions, parent.AuthorIRI)
		}
	}
	for _, m := range strings.Fields(p.Mentions) {
		if !slices.Contains(refs.Mentions, m) && m != p.AuthorIRI {
			refs.Mentions = append(refs.Mentions, m)
		}
	}
	return refs, nil
}

// Note renders a stored post (local or remote) for /p/{id}.
func (r *Renderer) Note(ctx context.Context, p *convene.Post) ([]byte, error) {
	if p.DeletedAt != nil {
		return Serialize(tombstone(p.IRI), nil)
	}
	refs, err := r.refs(ctx, p)
	if err != nil {
		return nil, err
	}
	m, err := serializeMap(r.iris.PostToNote(p, refs), nil)
	if err != nil {
		return nil, err
	}
	if err := r.completeNote(ctx, m, p); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// innerToType renders an embedded activity, which keeps the id its author gave it.
func innerToType(in *convene.InnerActivity) (activityType, error) {
	t, err := newActivityType(in.Type)
	if err != nil {
		return nil, err
	}
	id := streams.NewJSONLDIdProperty()
	id.Set(mustParseRemote(in.IRI))
	t.SetJSONLDId(id)
	actor := streams.NewActivityStreamsActorProperty()
	actor.AppendIRI(mustParseRemote(in.Actor))
	t.SetActivityStreamsActor(actor)
	object := streams.NewActivityStreamsObjectProperty()
	object.AppendIRI(mustParseRemote(in.Object))
	t.SetActivityStreamsObject(object)
	return t, nil
}

// mustParseRemote parses an IRI that was validated when it arrived; url.Parse accepts
// anything that once parsed, so a failure here means corrupted storage.
func mustParseRemote(iri string) *url.URL {
	u, err := url.Parse(iri)
	if err != nil {
		return &url.URL{Opaque: iri}
	}
	return u
}
