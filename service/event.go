package service

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// EventInput is what an organiser says about an event. Times are wall-clock times in
// Timezone ("2006-01-02T15:04"), as a person enters them; End may be empty (an open end).
type EventInput struct {
	Community   string // slug of the owning community (CreateEvent only)
	Title       string
	Description string // markdown
	Start       string
	End         string
	Timezone    string // IANA; empty: the organiser's own zone
	Place       convene.Place
	OnlineURL   string
	Capacity    int
	JoinMode    convene.JoinMode // empty: free
	ExternalURL string           // with JoinMode external
	Category    string
	Status      convene.EventStatus // empty: scheduled
	// CrossPost names other communities to share the event with: a local slug, a handle
	// @slug@host or a Group IRI (CreateEvent only; see CrossPostEvent).
	CrossPost []string
}

// Limits on event fields.
const (
	maxEventDescription = 20000
	maxPlaceField       = 200
	maxURL              = 2000
	maxCapacity         = 1_000_000
	wallClockLayout     = "2006-01-02T15:04"
)

// CreateEvent announces an event in a community, if its posting policy lets the principal
// start threads there. The event, the organiser's Create and the community's Announces are
// written in one transaction; cross-posts follow.
func (s *Service) CreateEvent(ctx context.Context, in EventInput) (*convene.Event, error) {
	organiser, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.FindCommunity(ctx, in.Community)
	if err != nil {
		return nil, err
	}
	if err := s.checkMayStartThread(ctx, c, organiser); err != nil {
		return nil, err
	}
	now := s.timestamp()
	id := convene.NewIDAt(now)
	e := &convene.Event{
		ID: id, IRI: s.iris.Event(id), CommunityID: c.ID, CommunityIRI: s.iris.Group(c.Slug),
		OrganizerIRI: s.iris.Person(organiser.Username), AccountID: organiser.ID,
		Public: true, Listed: true, PublishedAt: now, UpdatedAt: now,
	}
	e.URL = e.IRI
	if in.Timezone == "" {
		in.Timezone = organiser.Timezone
	}
	if err := s.applyEventInput(e, in); err != nil {
		return nil, err
	}
	if e.Status == "" {
		e.Status = convene.EventScheduled
	}
	targets, err := s.resolveShareTargets(ctx, c, in.CrossPost)
	if err != nil {
		return nil, err
	}
	defer s.notifyOutbox()
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CreateEvent(ctx, e); err != nil {
			return err
		}
		if _, err := s.shareWith(ctx, tx, e, organiser, targets); err != nil {
			return err
		}
		_, err := s.federateEvent(ctx, tx, c, e, "Create")
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// applyEventInput validates in and writes it into e.
func (s *Service) applyEventInput(e *convene.Event, in EventInput) error {
	var err error
	if e.Title, err = validateText("title", in.Title, convene.MaxTitleLength, true); err != nil {
		return err
	}
	if e.Source, err = validateText("description", in.Description, maxEventDescription, false); err != nil {
		return err
	}
	e.Content = RenderMarkdown(e.Source)
	if e.Timezone, err = normalizeTimezone(in.Timezone); err != nil {
		return err
	}
	loc, _ := convene.LoadZone(e.Timezone)
	start, err := parseWallClock("start", in.Start, loc, true)
	if err != nil {
		return err
	}
	e.StartsAt = start.UTC()
	e.EndsAt = nil
	if end, err := parseWallClock("end", in.End, loc, false); err != nil {
		return err
	} else if !end.IsZero() {
		if !end.After(start) {
			return convene.Errorf(convene.EINVALID, "the end must be after the start")
		}
		utc := end.UTC()
		e.EndsAt = &utc
	}
	if e.Place, err = validatePlace(in.Place); err != nil {
		return err
	}
	if e.OnlineURL, err = validateURL("online link", in.OnlineURL, false); err != nil {
		return err
	}
	if in.Capacity < 0 || in.Capacity > maxCapacity {
		return convene.Errorf(convene.EINVALID, "capacity must be between 0 (unlimited) and %d", maxCapacity)
	}
	e.Capacity = in.Capacity
	if e.JoinMode = in.JoinMode; e.JoinMode == "" {
		e.JoinMode = convene.JoinFree
	}
	if !e.JoinMode.Valid() {
		return convene.Errorf(convene.EINVALID, "join mode %q must be free, restricted, external or none", in.JoinMode)
	}
	e.ExternalURL = ""
	if e.JoinMode == convene.JoinExternal {
		if e.ExternalURL, err = validateURL("sign-up link", in.ExternalURL, true); err != nil {
			return err
		}
	}
	if e.Category = strings.ToUpper(strings.TrimSpace(in.Category)); !convene.ValidEventCategory(e.Category) {
		return convene.Errorf(convene.EINVALID, "category %q is not one of FEP-8a8e's", in.Category)
	}
	if in.Status != "" {
		if !in.Status.Valid() {
			return convene.Errorf(convene.EINVALID, "status %q is not a known event status", in.Status)
		}
		e.Status = in.Status
	}
	return nil
}

// parseWallClock reads a wall-clock time in loc. A time that does not exist there (skipped
// by a DST change) is refused rather than silently moved.
func parseWallClock(field, value string, loc *time.Location, required bool) (time.Time, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		if required {
			return time.Time{}, convene.Errorf(convene.EINVALID, "%s is required", field)
		}
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(wallClockLayout, value, loc)
	if err != nil {
		if t, err = time.ParseInLocation(wallClockLayout+":05", value, loc); err != nil {
			return time.Time{}, convene.Errorf(convene.EINVALID, "%s %q is not a date and time like 2026-02-03T18:30", field, value)
		}
	}
	if t.Format(wallClockLayout) != value[:len(wallClockLayout)] {
		return time.Time{}, convene.Errorf(convene.EINVALID, "%s %s does not exist in %s (the clocks change then)", field, value, loc)
	}
	if !convene.TimeInRange(t) {
		return time.Time{}, convene.Errorf(convene.EINVALID, "%s %q is out of range", field, value)
	}
	return t, nil
}

func validatePlace(p convene.Place) (convene.Place, error) {
	fields := []struct {
		name string
		v    *string
	}{{"place name", &p.Name}, {"street", &p.Street}, {"postal code", &p.PostalCode},
		{"locality", &p.Locality}, {"region", &p.Region}, {"country", &p.Country}}
	for _, f := range fields {
		v, err := validateText(f.name, *f.v, maxPlaceField, false)
		if err != nil {
			return p, err
		}
		*f.v = v
	}
	if (p.Latitude == nil) != (p.Longitude == nil) {
		return p, convene.Errorf(convene.EINVALID, "give both latitude and longitude, or neither")
	}
	if p.Latitude != nil && (*p.Latitude < -90 || *p.Latitude > 90 || *p.Longitude < -180 || *p.Longitude > 180) {
		return p, convene.Errorf(convene.EINVALID, "latitude must be within ±90 and longitude within ±180")
	}
	return p, nil
}

// validateURL accepts an absolute http(s) URL (or a mailto: address, which FEP-8a8e allows
// for sign-up).
func validateURL(field, raw string, required bool) (string, error) {
	raw, err := validateText(field, raw, maxURL, required)
	if err != nil || raw == "" {
		return raw, err
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
	case (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil:
		return u.String(), nil
	case u.Scheme == "mailto" && strings.Contains(u.Opaque, "@"):
		return u.String(), nil
	}
	return "", convene.Errorf(convene.EINVALID, "%s %q must be an http(s) link", field, raw)
}

// EditEvent changes a local event: its organiser or the community's moderators may. Local
// attendees are notified; remote ones hear the Update.
func (s *Service) EditEvent(ctx context.Context, id string, in EventInput) (*convene.Event, error) {
	e, c, err := s.editableEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Timezone == "" {
		in.Timezone = e.Timezone
	}
	if in.Status == "" {
		in.Status = e.Status
	}
	if err := s.applyEventInput(e, in); err != nil {
		return nil, err
	}
	return e, s.updateEvent(ctx, c, e, "event_update")
}

// CancelEvent marks a local event cancelled; it stays listed (calendars show it struck out).
func (s *Service) CancelEvent(ctx context.Context, id string) (*convene.Event, error) {
	e, c, err := s.editableEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Status == convene.EventCancelled {
		return e, nil
	}
	e.Status = convene.EventCancelled
	return e, s.updateEvent(ctx, c, e, "event_cancel")
}

func (s *Service) updateEvent(ctx context.Context, c *convene.Community, e *convene.Event, notification string) error {
	e.UpdatedAt = s.timestamp()
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.UpdateEvent(ctx, e); err != nil {
			return err
		}
		if _, err := s.federateEvent(ctx, tx, c, e, "Update"); err != nil {
			return err
		}
		return s.notifyAttendees(ctx, tx, e, notification)
	})
}

// DeleteEvent removes a local event (a tombstone keeps its id); organiser or moderators.
func (s *Service) DeleteEvent(ctx context.Context, id string) error {
	e, c, err := s.editableEvent(ctx, id)
	if err != nil {
		return err
	}
	now := s.timestamp()
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.TombstoneEvent(ctx, e.ID, now); err != nil {
			return err
		}
		e.DeletedAt = &now
		if err := s.notifyAttendees(ctx, tx, e, "event_cancel"); err != nil {
			return err
		}
		_, err := s.federateEvent(ctx, tx, c, e, "Delete")
		return err
	})
}

// editableEvent loads a live local event the principal may change, with its community.
func (s *Service) editableEvent(ctx context.Context, id string) (*convene.Event, *convene.Community, error) {
	e, err := s.store.FindEventByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if e.DeletedAt != nil || !e.IsLocal() {
		return nil, nil, convene.Errorf(convene.EFORBIDDEN, "only events made here can be changed here")
	}
	c, err := s.store.FindCommunityByID(ctx, e.CommunityID)
	if err != nil {
		return nil, nil, err
	}
	if pr := convene.PrincipalFrom(ctx); pr.Account != nil && pr.Account.ID == e.AccountID {
		return e, c, nil
	}
	if mod, err := s.CanModerate(ctx, c); err != nil || !mod {
		return nil, nil, firstErr(err, convene.Errorf(convene.EFORBIDDEN, "only the organiser or a moderator may change an event"))
	}
	return e, c, nil
}

// notifyAttendees tells local participants (accepted or pending) of a change.
func (s *Service) notifyAttendees(ctx context.Context, tx convene.Store, e *convene.Event, typ string) error {
	return s.eachParticipation(ctx, tx, e.ID, "", func(p *convene.Participation) error {
		if p.AccountID == "" || p.State == convene.ParticipationRejected || p.AccountID == e.AccountID {
			return nil
		}
		return tx.CreateNotification(ctx, &convene.Notification{ID: convene.NewID(), AccountID: p.AccountID,
			Type: typ, Actor: e.OrganizerIRI, EventID: e.ID, CreatedAt: s.timestamp()})
	})
}

// eachParticipation calls fn for every RSVP of an event in a state (all when empty). It reads
// until a page comes back empty, so a store that pages by less than asked loses nothing.
func (s *Service) eachParticipation(ctx context.Context, st convene.Store, eventID string, state convene.ParticipationState, fn func(*convene.Participation) error) error {
	after := ""
	for {
		page, err := st.FindParticipations(ctx, eventID, state, after, 200)
		if err != nil || len(page) == 0 {
			return err
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		after = page[len(page)-1].ID
	}
}

// federateEvent queues what other servers hear of a change to a local event: the organiser's
// activity (to the public, the community, the instance's followers — Mobilizon and Gancio
// instances that follow us — and the communities it is shared with), the community's
// Announces as for threads (FEP-1b12; a new event also as Announce{id}, the boost Mastodon
// shows), and on changes the same activity once more for its remote attendees alone: who
// comes is nobody else's business, so they are not in the public one's cc. It returns the
// organiser's public activity.
func (s *Service) federateEvent(ctx context.Context, tx convene.Store, c *convene.Community, e *convene.Event, typ string) (*convene.Activity, error) {
	now := s.timestamp()
	group := e.CommunityIRI
	cc := []string{s.iris.Followers(s.iris.InstanceActor())}
	shares, err := tx.FindShares(ctx, e.IRI)
	if err != nil {
		return nil, err
	}
	for _, sh := range shares {
		if sh.CommunityID == "" && sh.State == convene.ShareAccepted {
			cc = append(cc, sh.CommunityIRI)
		}
	}
	activity := &convene.Activity{ID: convene.NewIDAt(now), Type: typ, Actor: e.OrganizerIRI, Object: e.IRI,
		To: []string{convene.PublicIRI, group}, Cc: cc, Published: now}
	if err := tx.EnqueueActivity(ctx, activity); err != nil {
		return nil, err
	}
	if typ != "Create" {
		if err := s.tellRemoteAttendees(ctx, tx, e, typ); err != nil {
			return nil, err
		}
	}
	if err := s.announceEvent(ctx, tx, group, e, activity); err != nil {
		return nil, err
	}
	for _, sh := range shares { // local communities it is shared with announce it too
		if sh.CommunityID != "" && sh.State == convene.ShareAccepted {
			if err := s.announceEvent(ctx, tx, sh.CommunityIRI, e, activity); err != nil {
				return nil, err
			}
		}
	}
	return activity, nil
}

// tellRemoteAttendees sends the organiser's Update or Delete of an event to its accepted
// remote attendees only.
func (s *Service) tellRemoteAttendees(ctx context.Context, tx convene.Store, e *convene.Event, typ string) error {
	var to []string
	err := s.eachParticipation(ctx, tx, e.ID, convene.ParticipationAccepted, func(p *convene.Participation) error {
		if p.AccountID == "" {
			to = append(to, p.ActorIRI)
		}
		return nil
	})
	if err != nil || len(to) == 0 {
		return err
	}
	now := s.timestamp()
	return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: typ, Actor: e.OrganizerIRI,
		Object: e.IRI, To: to, Published: now})
}

// announceEvent has a local community announce an event's activity to its followers: whole
// (FEP-1b12) to group-aware servers, and a new event also by id, for everyone.
func (s *Service) announceEvent(ctx context.Context, tx convene.Store, group string, e *convene.Event, activity *convene.Activity) error {
	now := s.timestamp()
	to := []string{convene.PublicIRI, s.iris.Followers(group)}
	wrapped := &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group, Object: e.IRI,
		To: to, GroupAwareOnly: activity.Type != "Create", Published: now}
	if activity.EmbedRaw != "" {
		wrapped.EmbedRaw = activity.EmbedRaw
	} else {
		wrapped.Embed = activity.ID
	}
	if err := tx.EnqueueActivity(ctx, wrapped); err != nil {
		return err
	}
	if activity.Type != "Create" {
		return nil
	}
	return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group,
		Object: e.IRI, To: to, Published: now})
}

// FindEvent returns an event the principal may see (deleted ones too: their pages say so):
// a public event made here or on our agenda, or a cross-post waiting for a moderator, to
// that moderator. Anything else is ENOTFOUND, as if it were not here.
func (s *Service) FindEvent(ctx context.Context, id string) (*convene.Event, error) {
	e, err := s.store.FindEventByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Public && (e.IsLocal() || e.Listed) {
		return e, nil
	}
	if e.Public && convene.PrincipalFrom(ctx).Account != nil {
		if may, err := s.reviewsCrossPost(ctx, e); err != nil || may {
			return e, err
		}
	}
	return nil, convene.Errorf(convene.ENOTFOUND, "event not found")
}

// reviewsCrossPost reports whether the principal moderates a community the event waits in.
func (s *Service) reviewsCrossPost(ctx context.Context, e *convene.Event) (bool, error) {
	shares, err := s.store.FindShares(ctx, e.IRI)
	if err != nil {
		return false, err
	}
	for _, sh := range shares {
		if sh.State != convene.SharePending || sh.CommunityID == "" {
			continue
		}
		c, err := s.store.FindCommunityByID(ctx, sh.CommunityID)
		if err != nil {
			return false, err
		}
		if mod, err := s.CanModerate(ctx, c); err != nil || mod {
			return mod, err
		}
	}
	return false, nil
}

// FindEventByIRI returns a stored event by its IRI.
func (s *Service) FindEventByIRI(ctx context.Context, iri string) (*convene.Event, error) {
	return s.store.FindEventByIRI(ctx, iri)
}

// UpcomingEvents lists the public events a community (here or elsewhere, by IRI) owns or
// shares that have not ended, soonest first; an empty IRI lists the whole instance's.
func (s *Service) UpcomingEvents(ctx context.Context, communityIRI string, limit int) ([]*convene.Event, error) {
	return s.store.FindEvents(ctx, convene.EventFilter{CommunityIRI: communityIRI, EndsAfter: s.now(), PublicOnly: true, Limit: limit})
}

// PastEvents lists the public events of a community (or the instance) that are over, latest first.
func (s *Service) PastEvents(ctx context.Context, communityIRI string, limit int) ([]*convene.Event, error) {
	return s.store.FindEvents(ctx, convene.EventFilter{CommunityIRI: communityIRI, EndsBefore: s.now(), PublicOnly: true, Limit: limit})
}

// CalendarEvents lists what a calendar feed carries: public events that ended in the last
// 90 days or are to come, soonest first.
func (s *Service) CalendarEvents(ctx context.Context, communityIRI string) ([]*convene.Event, error) {
	return s.store.FindEvents(ctx, convene.EventFilter{CommunityIRI: communityIRI,
		EndsAfter: s.now().Add(-90 * 24 * time.Hour), PublicOnly: true, Limit: 500})
}

// EventShares lists where an event is shown besides its own community (accepted shares).
func (s *Service) EventShares(ctx context.Context, e *convene.Event) ([]*convene.Share, error) {
	all, err := s.store.FindShares(ctx, e.IRI)
	if err != nil {
		return nil, err
	}
	var accepted []*convene.Share
	for _, sh := range all {
		if sh.State == convene.ShareAccepted {
			accepted = append(accepted, sh)
		}
	}
	return accepted, nil
}

// eventCommunity returns the local community owning e, or nil for an event elsewhere.
func (s *Service) eventCommunity(ctx context.Context, e *convene.Event) (*convene.Community, error) {
	if e.CommunityID == "" {
		return nil, nil
	}
	c, err := s.store.FindCommunityByID(ctx, e.CommunityID)
	if err != nil {
		return nil, fmt.Errorf("community of event %s: %w", e.ID, err)
	}
	return c, nil
}
