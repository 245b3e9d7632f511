package service

import (
	"context"
	"net/url"
	"strings"

	"github.com/convene-social/convene"
)

// RemoteEvent is an event that arrived from another server, already checked by federation:
// its id is on the sender's host, the sender is its organiser or owning group (or its server
// served it), and its content has passed the sanitizer.
type RemoteEvent struct {
	Event *convene.Event // IRI, fields and Public set; CommunityIRI and OrganizerIRI as the peer says
	// Groups are the local communities it addresses (to, cc, audience): cross-posts to us.
	Groups []string
	// Via is the community (elsewhere) that announced it, if it came by Announce.
	Via string
	// Activity is the Create exactly as its author sent it, for a community to announce
	// unchanged; empty for events fetched from their origin.
	Activity []byte
}

// ReceiveEvent files a remote event we have reason to keep: one cross-posted to a local
// community, or from an actor or community someone here follows (people, communities, the
// instance itself, as a Mobilizon or Gancio instance follow), or announced by a followed
// community. Anything else is ignored (nil, nil). A known event may still be cross-posted to
// another of our communities, but only by the organiser or group it was stored with; it is
// never re-created or widened.
func (s *Service) ReceiveEvent(ctx context.Context, re RemoteEvent) (*convene.Event, error) {
	e, err := s.store.FindEventByIRI(ctx, re.Event.IRI)
	known := err == nil
	switch {
	case known && (e.IsLocal() || e.OrganizerIRI != re.Event.OrganizerIRI || e.CommunityIRI != re.Event.CommunityIRI):
		s.log.InfoContext(ctx, "ignored an event by someone other than its organiser", "event", e.IRI)
		return nil, nil
	case !known && convene.ErrorCode(err) != convene.ENOTFOUND:
		return nil, err
	}
	followed, err := s.followed(ctx, re)
	if err != nil {
		return nil, err
	}
	if !known {
		if deleted, err := s.store.IsDeleted(ctx, re.Event.IRI, re.Event.OrganizerIRI, s.now().Add(-deleteArrivedFirst)); err != nil || deleted {
			return nil, err
		}
		if !followed && len(re.Groups) == 0 {
			return nil, nil
		}
		e = s.remoteEvent(re.Event)
	}
	defer s.notifyOutbox()
	return e, s.store.InTx(ctx, func(tx convene.Store) error {
		if _, err := tx.FindEventByIRI(ctx, e.IRI); convene.ErrorCode(err) == convene.ENOTFOUND {
			e.Listed = followed
			if err := tx.CreateEvent(ctx, e); err != nil {
				return err
			}
		} else if err != nil {
			return err
		} else if followed && !e.Listed {
			if err := s.listEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		for _, group := range re.Groups {
			if err := s.receiveCrossPost(ctx, tx, e, group, re.Activity); err != nil {
				return err
			}
		}
		return s.recordRemoteShare(ctx, tx, e, re.Via)
	})
}

// listEvent puts a stored event on the instance's agenda.
func (s *Service) listEvent(ctx context.Context, tx convene.Store, e *convene.Event) error {
	if e.Listed {
		return nil
	}
	e.Listed = true
	return tx.ListEvent(ctx, e.ID)
}

// recordRemoteShare remembers that a community elsewhere announced an event it does not own
// (a cross-post it accepted, or a convener's re-share), so that community's events on our
// landscape pages include it.
func (s *Service) recordRemoteShare(ctx context.Context, tx convene.Store, e *convene.Event, via string) error {
	if _, _, local := s.iris.LocalActor(via); local || via == "" || via == e.CommunityIRI || !e.Public {
		return nil
	}
	now := s.timestamp()
	err := tx.CreateShare(ctx, &convene.Share{ID: convene.NewIDAt(now), ObjectIRI: e.IRI, ObjectType: "Event",
		CommunityIRI: via, SharedBy: via, State: convene.ShareAccepted, CreatedAt: now, UpdatedAt: now})
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return nil
	}
	return err
}

// followed says whether a remote event belongs on our agenda by itself, before any moderator
// looks at it: a public event announced by a community we follow, or one by an actor or
// community someone here follows, or from a server our instance actor follows (FEP-2677).
func (s *Service) followed(ctx context.Context, re RemoteEvent) (bool, error) {
	if re.Via != "" {
		return re.Event.Public, nil
	}
	for _, actor := range []string{re.Event.OrganizerIRI, re.Event.CommunityIRI} {
		if actor == "" {
			continue
		}
		n, err := s.store.CountFollows(ctx, convene.FollowFilter{Followee: actor, State: convene.FollowAccepted})
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	return re.Event.Public && s.followsInstanceOf(ctx, re.Event.IRI), nil
}

// followsInstanceOf reports whether our instance actor follows the instance actor of iri's
// server (FEP-2677): then that server's public events are welcome.
func (s *Service) followsInstanceOf(ctx context.Context, iri string) bool {
	host := hostOf(iri)
	follows, err := s.store.FindFollows(ctx, convene.FollowFilter{Follower: s.iris.InstanceActor(),
		State: convene.FollowAccepted, Limit: 200})
	if err != nil {
		s.log.WarnContext(ctx, "read the instance's follows", "err", err)
		return false
	}
	for _, f := range follows {
		if hostOf(f.Followee) == host {
			return true
		}
	}
	return false
}

// hostOf is the lowercase host (with port) of an IRI.
func hostOf(iri string) string {
	u, err := url.Parse(iri)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// remoteEvent prepares a parsed remote event for storage.
func (s *Service) remoteEvent(in *convene.Event) *convene.Event {
	e := *in
	now := s.timestamp()
	e.ID, e.CommunityID, e.AccountID = convene.NewIDAt(now), "", ""
	if e.PublishedAt.IsZero() || e.PublishedAt.After(now) {
		e.PublishedAt = now
	}
	e.UpdatedAt = now
	if e.URL == "" {
		e.URL = e.IRI
	}
	if e.Status == "" {
		e.Status = convene.EventScheduled
	}
	if e.JoinMode == "" {
		e.JoinMode = convene.JoinFree
	}
	return &e
}

// receiveCrossPost applies a local community's policy to an event addressed to it: shown and
// announced at once when its organiser may start threads there (an accepted follower under
// the followers policy) or when the community follows the event's own community; otherwise
// it waits for a moderator.
func (s *Service) receiveCrossPost(ctx context.Context, tx convene.Store, e *convene.Event, group string, activity []byte) error {
	kind, slug, ok := s.iris.LocalActor(group)
	if !ok || kind != "group" || group == e.CommunityIRI {
		return nil
	}
	c, err := tx.FindCommunityBySlug(ctx, slug)
	if err != nil {
		return nil // a community that no longer exists
	}
	if _, err := tx.FindShare(ctx, e.IRI, group); err == nil {
		return nil
	} else if convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	trusted, err := s.trustsOrganiser(ctx, tx, c, e)
	if err != nil {
		return err
	}
	now := s.timestamp()
	sh := &convene.Share{ID: convene.NewIDAt(now), ObjectIRI: e.IRI, ObjectType: "Event", CommunityIRI: group,
		CommunityID: c.ID, SharedBy: e.OrganizerIRI, State: convene.SharePending, CreatedAt: now, UpdatedAt: now}
	if trusted && e.Public {
		sh.State = convene.ShareAccepted
	}
	if err := tx.CreateShare(ctx, sh); err != nil || sh.State != convene.ShareAccepted {
		return err
	}
	if err := s.listEvent(ctx, tx, e); err != nil {
		return err
	}
	if len(activity) > 0 {
		return s.announceEvent(ctx, tx, group, e, &convene.Activity{Type: "Create", EmbedRaw: string(activity)})
	}
	return s.announceShared(ctx, tx, group, e.IRI)
}

// trustsOrganiser: may the event's organiser post in c without a moderator looking first?
func (s *Service) trustsOrganiser(ctx context.Context, tx convene.Store, c *convene.Community, e *convene.Event) (bool, error) {
	group := s.iris.Group(c.Slug)
	if e.CommunityIRI != "" {
		if f, err := tx.FindFollow(ctx, group, e.CommunityIRI); err == nil && f.State == convene.FollowAccepted {
			return true, nil
		} else if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
			return false, err
		}
	}
	if c.PostingPolicy != convene.PostingFollowers {
		return false, nil
	}
	f, err := tx.FindFollow(ctx, e.OrganizerIRI, group)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return false, nil
	}
	return err == nil && f.State == convene.FollowAccepted, err
}

// ReceiveEventUpdate applies a change to a remote event by its organiser or owning group
// (by is the verified actor). Identity never changes: not its organiser, group or IRI.
// Local participants hear of a cancellation or a change.
func (s *Service) ReceiveEventUpdate(ctx context.Context, by string, in *convene.Event) error {
	e, err := s.store.FindEventByIRI(ctx, in.IRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if e.IsLocal() || e.DeletedAt != nil || (by != e.OrganizerIRI && by != e.CommunityIRI) {
		s.log.InfoContext(ctx, "ignored Update of an event by someone else", "event", in.IRI, "by", by)
		return nil
	}
	if sameEventDetails(e, in) {
		// A repeat (the organiser's Update, then its community's Announce of it): attendees
		// hear of a change once.
		if in.AttendeeCount != e.AttendeeCount {
			return s.store.SetAttendeeCount(ctx, e.ID, in.AttendeeCount)
		}
		return nil
	}
	notification := "event_update"
	if in.Status == convene.EventCancelled && e.Status != convene.EventCancelled {
		notification = "event_cancel"
	}
	updated := *in
	updated.ID, updated.CommunityID, updated.CommunityIRI, updated.OrganizerIRI = e.ID, "", e.CommunityIRI, e.OrganizerIRI
	updated.AccountID, updated.PublishedAt, updated.UpdatedAt = "", e.PublishedAt, s.timestamp()
	updated.Public = e.Public && in.Public // an edit may narrow who sees it, never widen
	if updated.URL == "" {
		updated.URL = e.URL
	}
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.UpdateEvent(ctx, &updated); err != nil {
			return err
		}
		if err := tx.SetAttendeeCount(ctx, e.ID, in.AttendeeCount); err != nil {
			return err
		}
		return s.notifyAttendees(ctx, tx, &updated, notification)
	})
}

// ReceiveEventDelete removes a remote event deleted by its organiser or owning group. A
// Delete of an event we never saw is remembered, so that its late Create stays out.
func (s *Service) ReceiveEventDelete(ctx context.Context, iri, by string) (bool, error) {
	e, err := s.store.FindEventByIRI(ctx, iri)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if e.IsLocal() || (by != e.OrganizerIRI && by != e.CommunityIRI) {
		return true, nil
	}
	if e.DeletedAt != nil {
		return true, nil
	}
	now := s.timestamp()
	return true, s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.TombstoneEvent(ctx, e.ID, now); err != nil {
			return err
		}
		e.DeletedAt = &now
		return s.notifyAttendees(ctx, tx, e, "event_cancel")
	})
}

// ReceiveJoin answers a remote actor's RSVP to a local event by its join mode: Accept (free,
// while places remain), pending the organiser (restricted), Reject (full, cancelled,
// external sign-up) or Ignore (no sign-ups). A Join from someone who already has an RSVP
// gets the answer it stands at, except that a free event decides afresh for someone it
// turned away when full.
func (s *Service) ReceiveJoin(ctx context.Context, joinIRI, actor, eventIRI, message string) error {
	e, err := s.store.FindEventByIRI(ctx, eventIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !e.IsLocal() || !e.Public {
		return nil
	}
	join := &convene.InnerActivity{IRI: joinIRI, Type: "Join", Actor: actor, Object: e.IRI}
	if old, err := s.store.FindParticipation(ctx, e.ID, actor); err == nil {
		if done, err := s.answerRepeatedJoin(ctx, e, old, join); done || err != nil {
			return err
		}
	} else if convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	message, _ = validateText("message", truncateRunes(message, maxRSVPMessage), maxRSVPMessage, false)
	now := s.timestamp()
	p := &convene.Participation{ID: convene.NewIDAt(now), EventID: e.ID, ActorIRI: actor, ActivityIRI: joinIRI,
		State: convene.ParticipationPending, Message: message, CreatedAt: now, UpdatedAt: now}
	err = s.decideJoin(ctx, e, p, join)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return nil // a Join racing its own repeat
	}
	return err
}

// answerRepeatedJoin answers a new Join from an actor who has an RSVP already (their server
// may have lost our answer, or they try again): accepted or refused, they hear it again;
// pending, nothing yet; the very same Join again, nothing. A free event's refusal (it was
// full) is withdrawn so that the Join is decided afresh: done is false then.
func (s *Service) answerRepeatedJoin(ctx context.Context, e *convene.Event, old *convene.Participation, join *convene.InnerActivity) (done bool, err error) {
	switch {
	case old.ActivityIRI == join.IRI || old.State == convene.ParticipationPending:
		return true, nil
	case old.State == convene.ParticipationRejected && e.JoinMode == convene.JoinFree:
		return false, s.store.DeleteParticipation(ctx, old.ID)
	}
	typ := "Accept"
	if old.State == convene.ParticipationRejected {
		typ = "Reject"
	}
	defer s.notifyOutbox()
	return true, s.store.InTx(ctx, func(tx convene.Store) error { return s.answerJoin(ctx, tx, e, join, typ) })
}

// ReceiveLeave withdraws a remote actor's RSVP.
func (s *Service) ReceiveLeave(ctx context.Context, actor, eventIRI string) error {
	e, err := s.store.FindEventByIRI(ctx, eventIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := s.store.FindParticipation(ctx, e.ID, actor)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.DeleteParticipation(ctx, p.ID)
}

// ReceiveJoinAnswer applies a remote event's server's answer to a local member's Join. by
// must be an actor of the event's server (its organiser, its group, or — as Mobilizon
// sends it — the group moderator who decided); anything else changes nothing. It reports
// whether joinIRI was one of our Joins.
func (s *Service) ReceiveJoinAnswer(ctx context.Context, joinIRI, by string, accepted bool) (bool, error) {
	p, err := s.store.FindParticipationByActivity(ctx, joinIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	e, err := s.store.FindEventByID(ctx, p.EventID)
	if err != nil {
		return true, err
	}
	if e.IsLocal() || p.AccountID == "" || hostOf(by) != hostOf(e.IRI) {
		s.log.InfoContext(ctx, "ignored an answer to a Join by someone else", "join", joinIRI, "by", by)
		return true, nil
	}
	now := s.timestamp()
	if accepted {
		return true, s.store.AcceptParticipation(ctx, p.ID, now) // their server counts places
	}
	return true, s.store.RejectParticipation(ctx, p.ID, now)
}

// sameEventDetails reports whether two versions of an event say the same to people: title,
// description, times, place, sign-up and status.
func sameEventDetails(a, b *convene.Event) bool {
	sameEnd := (a.EndsAt == nil) == (b.EndsAt == nil) && (a.EndsAt == nil || a.EndsAt.Equal(*b.EndsAt))
	samePoint := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	pa, pb := a.Place, b.Place
	return a.Title == b.Title && a.Content == b.Content && a.StartsAt.Equal(b.StartsAt) && sameEnd &&
		a.Timezone == b.Timezone && pa.Name == pb.Name && pa.Street == pb.Street && pa.PostalCode == pb.PostalCode &&
		pa.Locality == pb.Locality && pa.Region == pb.Region && pa.Country == pb.Country &&
		samePoint(pa.Latitude, pb.Latitude) && samePoint(pa.Longitude, pb.Longitude) &&
		a.OnlineURL == b.OnlineURL && a.Capacity == b.Capacity && a.JoinMode == b.JoinMode &&
		a.ExternalURL == b.ExternalURL && a.Status == b.Status && a.Category == b.Category && a.URL == b.URL
}
