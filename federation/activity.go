package federation

import (
	"fmt"
	"net/url"

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
	}
	return nil, fmt.Errorf("activity type %q is not rendered yet", name)
}

// ActivityToAS renders an outbox activity. An Accept, Reject or Undo embeds the activity it
// answers (Mastodon and Lemmy match on the embedded Follow's id).
func ActivityToAS(u IRIs, a *convene.Activity) ([]byte, error) {
	t, err := u.activityToType(a)
	if err != nil {
		return nil, err
	}
	return Serialize(t, nil)
}

func (u IRIs) activityToType(a *convene.Activity) (activityType, error) {
	t, err := newActivityType(a.Type)
	if err != nil {
		return nil, err
	}
	t.SetJSONLDId(idProperty(u.Activity(a.ID)))
	actor := streams.NewActivityStreamsActorProperty()
	actor.AppendIRI(mustParse(a.Actor))
	t.SetActivityStreamsActor(actor)
	object := streams.NewActivityStreamsObjectProperty()
	if a.Inner != nil {
		inner, err := innerToType(a.Inner)
		if err != nil {
			return nil, err
		}
		if err := object.AppendType(inner); err != nil {
			return nil, err
		}
	} else {
		object.AppendIRI(mustParseRemote(a.Object))
	}
	t.SetActivityStreamsObject(object)
	to := streams.NewActivityStreamsToProperty()
	for _, r := range a.To {
		to.AppendIRI(mustParseRemote(r))
	}
	t.SetActivityStreamsTo(to)
	published := streams.NewActivityStreamsPublishedProperty()
	published.Set(a.Published.UTC())
	t.SetActivityStreamsPublished(published)
	return t, nil
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
