package federation

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// objectType peeks at a document's type.
func objectType(body []byte) typeName {
	var head struct {
		Type typeName `json:"type"`
	}
	_ = json.Unmarshal(body, &head)
	return head.Type
}

// remoteEventFrom checks an Event against the actor who vouches for it (who sent it, or
// whose server served it): the event must be on the actor's host, and the actor must be its
// organiser or owning group, so nobody announces events in someone else's name.
func (in *Inbox) remoteEventFrom(ctx context.Context, body []byte, actor string) *service.RemoteEvent {
	e, parsed, err := parseEventObject(body)
	if err != nil {
		in.log.InfoContext(ctx, "ignored an unreadable event", "actor", actor, "err", err)
		return nil
	}
	if hostOf(e.IRI) != hostOf(actor) || (actor != e.OrganizerIRI && actor != e.CommunityIRI) ||
		(e.CommunityIRI != "" && hostOf(e.CommunityIRI) != hostOf(e.IRI)) || hostOf(e.OrganizerIRI) != hostOf(e.IRI) {
		in.log.InfoContext(ctx, "ignored an event not its sender's", "event", e.IRI, "actor", actor)
		return nil
	}
	re := &service.RemoteEvent{Event: e}
	seen := map[string]bool{}
	for _, list := range [][]string{parsed.To, parsed.Cc, parsed.Audience} {
		for _, iri := range list {
			if kind, _, ok := in.iris.LocalActor(iri); ok && kind == "group" && !seen[iri] {
				seen[iri] = true
				re.Groups = append(re.Groups, iri)
			}
		}
	}
	return re
}

// fileEvent files an event that its organiser or group sent us (activity is their Create,
// as signed) or that a community we follow announced (via).
func (in *Inbox) fileEvent(ctx context.Context, body []byte, actor string, activity []byte, via string) error {
	re := in.remoteEventFrom(ctx, body, actor)
	if re == nil {
		return nil
	}
	re.Activity, re.Via = activity, via
	e, err := in.svc.ReceiveEvent(ctx, *re)
	if e != nil && err == nil {
		in.learnOrganisers(ctx, e)
	}
	return err
}

// learnOrganisers fetches a kept event's organiser and group, so RSVPs can be delivered to
// them; an event nobody here wants costs no fetch.
func (in *Inbox) learnOrganisers(ctx context.Context, e *convene.Event) {
	for _, iri := range []string{e.OrganizerIRI, e.CommunityIRI} {
		if iri == "" {
			continue
		}
		if _, err := in.resolver.Actor(ctx, iri); err != nil {
			in.log.InfoContext(ctx, "could not fetch an event's organiser", "actor", iri, "err", err)
		}
	}
}

// applyEventUpdate applies an Update of an event by its organiser or group. Someone else on
// the event's server (a Mobilizon group's moderator edits its events as themselves) only
// makes us re-read the event from its origin: the Update's copy is not trusted.
func (in *Inbox) applyEventUpdate(ctx context.Context, body []byte, actor string) error {
	if e := in.knownEventOfHost(ctx, body, actor); e != nil && actor != e.OrganizerIRI && actor != e.CommunityIRI {
		return in.refreshEvent(ctx, e)
	}
	re := in.remoteEventFrom(ctx, body, actor)
	if re == nil {
		return nil
	}
	return in.svc.ReceiveEventUpdate(ctx, actor, re.Event)
}

// applyEventDelete applies a Delete of a remote event; it reports whether iri was an event
// we know. A Delete by someone else on the event's server (a group moderator) counts once
// the origin confirms it.
func (in *Inbox) applyEventDelete(ctx context.Context, iri, actor string) (bool, error) {
	e, err := in.store.FindEventByIRI(ctx, iri)
	switch {
	case convene.ErrorCode(err) == convene.ENOTFOUND:
		return false, nil
	case err != nil:
		return true, err
	case e.IsLocal() || hostOf(e.IRI) != hostOf(actor):
		return true, nil
	case actor != e.OrganizerIRI && actor != e.CommunityIRI:
		return true, in.refreshEvent(ctx, e)
	}
	_, err = in.svc.ReceiveEventDelete(ctx, iri, actor)
	return true, err
}

// knownEventOfHost returns the stored remote event an Update's body is about, if the actor
// is on that event's server.
func (in *Inbox) knownEventOfHost(ctx context.Context, body []byte, actor string) *convene.Event {
	var head struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &head) != nil || head.ID == "" || hostOf(head.ID) != hostOf(actor) {
		return nil
	}
	e, err := in.store.FindEventByIRI(ctx, head.ID)
	if err != nil || e.IsLocal() {
		return nil
	}
	return e
}

// fileAnnouncedEvent files an event that a followed community announced, as its origin
// serves it: the community's own, or one it re-shares.
func (in *Inbox) fileAnnouncedEvent(ctx context.Context, body []byte, group string) error {
	e, _, err := parseEventObject(body)
	if err != nil {
		return nil
	}
	return in.fileEvent(ctx, body, e.OrganizerIRI, nil, group)
}

// applyAnnouncedEventChange applies an announced Update or Delete of an event of the
// announcing community by re-reading the origin, as for posts.
func (in *Inbox) applyAnnouncedEventChange(ctx context.Context, e *convene.Event, group string) error {
	if e.CommunityIRI != group || e.IsLocal() {
		return nil
	}
	return in.refreshEvent(ctx, e)
}

// refreshEvent re-reads a remote event from its origin and applies what it says, in its
// organiser's name: the new version, or its deletion (404, 410 or a Tombstone).
func (in *Inbox) refreshEvent(ctx context.Context, e *convene.Event) error {
	doc, err := in.resolver.fetcher.FetchAS2(ctx, e.IRI)
	switch {
	case errors.Is(err, ErrGone), errors.Is(err, ErrNotFound):
		_, err := in.svc.ReceiveEventDelete(ctx, e.IRI, e.OrganizerIRI)
		return err
	case err != nil:
		return err
	}
	if objectType(doc.Body) == "Tombstone" {
		_, err := in.svc.ReceiveEventDelete(ctx, e.IRI, e.OrganizerIRI)
		return err
	}
	return in.applyEventUpdate(ctx, doc.Body, e.OrganizerIRI)
}

// applyJoin answers a Join of one of our events (Mobilizon's RSVP).
func (in *Inbox) applyJoin(ctx context.Context, a *incoming, actor string, body []byte) error {
	if !in.iris.IsLocal(a.Object.ID) {
		return nil
	}
	var extra struct {
		Message string `json:"participationMessage"`
	}
	_ = json.Unmarshal(body, &extra)
	return in.svc.ReceiveJoin(ctx, a.ID, actor, a.Object.ID, PlainText(SanitizeHTML(extra.Message)))
}
