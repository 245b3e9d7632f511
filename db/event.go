package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/convene-social/convene"
)

const eventColumns = `id, iri, url, COALESCE(community_id, '') AS community_id, community_iri, organizer_iri, account_id,
	title, content, source, starts_at, ends_at, timezone, place_name, place_street, place_postal_code, place_locality,
	place_region, place_country, place_latitude, place_longitude, online_url, capacity, join_mode, external_url, status,
	category, public, listed, attendee_count, sequence, published_at, updated_at, deleted_at`

const eventInsertColumns = `id, iri, url, community_id, community_iri, organizer_iri, account_id,
	title, content, source, starts_at, ends_at, timezone, place_name, place_street, place_postal_code, place_locality,
	place_region, place_country, place_latitude, place_longitude, online_url, capacity, join_mode, external_url, status,
	category, public, listed, attendee_count, sequence, published_at, updated_at, deleted_at`

// CreateEvent implements convene.EventStore. The attendee count and sequence are stored as
// given: a remote event arrives with its server's figures.
func (s *store) CreateEvent(ctx context.Context, e *convene.Event) error {
	var communityID any // NULL for an event no local community owns
	if e.CommunityID != "" {
		communityID = e.CommunityID
	}
	_, err := s.execContext(ctx, `INSERT INTO events (`+eventInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.IRI, e.URL, communityID, e.CommunityIRI, e.OrganizerIRI, e.AccountID,
		e.Title, e.Content, e.Source, e.StartsAt.UTC(), utcOrNil(e.EndsAt), e.Timezone, e.Place.Name, e.Street, e.PostalCode,
		e.Locality, e.Region, e.Country, e.Latitude, e.Longitude, e.OnlineURL, e.Capacity, e.JoinMode, e.ExternalURL,
		e.Status, e.Category, e.Public, e.Listed, e.AttendeeCount, e.Sequence, e.PublishedAt.UTC(), e.UpdatedAt.UTC(), utcOrNil(e.DeletedAt))
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.ECONFLICT, "event %s already exists", e.IRI)
	}
	if err != nil {
		return fmt.Errorf("create event: %w", err)
	}
	return nil
}

// FindEventByID implements convene.EventStore. A deleted event is found, as a tombstone.
func (s *store) FindEventByID(ctx context.Context, id string) (*convene.Event, error) {
	return s.findEvent(ctx, "id = ?", id)
}

// FindEventByIRI implements convene.EventStore. A deleted event is found, as a tombstone.
func (s *store) FindEventByIRI(ctx context.Context, iri string) (*convene.Event, error) {
	return s.findEvent(ctx, "iri = ?", iri)
}

func (s *store) findEvent(ctx context.Context, cond string, arg any) (*convene.Event, error) {
	var e convene.Event
	if err := s.getContext(ctx, &e, `SELECT `+eventColumns+` FROM events WHERE `+cond, arg); err != nil {
		return nil, notFound(err, "event not found")
	}
	return normalizeEvent(&e), nil
}

// FindEvents implements convene.EventStore. With no time bound, events come in the order
// they start.
//
// A community's events are its own and those it shares: two branches, each ordered and
// limited by itself on an index of its own, then merged — an OR, or a union limited only
// outside, would read and sort every event the community ever had.
func (s *store) FindEvents(ctx context.Context, f convene.EventFilter) ([]*convene.Event, error) {
	query, args := eventsQuery(f)
	var list []*convene.Event
	if err := s.selectContext(ctx, &list, query, args...); err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	for _, e := range list {
		normalizeEvent(e)
	}
	return list, nil
}

// eventsQuery builds FindEvents' statement.
//
// An agenda (events ending after a time) first gathers the live events by their end, in a
// materialized CTE, then sorts the few it found: left to itself each database walks the
// by-start index from the oldest event, expecting live events to be spread along it, while
// they all sit at its end behind years of archive. An archive walks that index backwards
// and stops at the limit, per branch.
func eventsQuery(f convene.EventFilter) (string, []any) {
	archive, agenda := !f.EndsBefore.IsZero(), f.EndsBefore.IsZero() && !f.EndsAfter.IsZero()
	order, limit := eventOrder("", archive), ` LIMIT `+strconv.Itoa(eventLimit(f.Limit))
	if f.CommunityIRI == "" {
		w := eventBounds(f, "")
		w.add("listed = ?", true)
		query := `SELECT ` + eventColumns + ` FROM events` + w.String()
		if agenda {
			query = `WITH live AS MATERIALIZED (` + query + `) SELECT * FROM live`
		}
		return query + order + limit, w.args
	}
	own := eventBounds(f, "")
	own.add("community_iri = ?", f.CommunityIRI)
	shared := eventBounds(f, "events.")
	shared.add("shares.community_iri = ? AND shares.state = ? AND events.community_iri <> ?",
		f.CommunityIRI, convene.ShareAccepted, f.CommunityIRI)
	ownQuery := `SELECT * FROM events` + own.String()
	sharedQuery := `SELECT events.* FROM shares JOIN events ON events.iri = shares.object_iri` + shared.String()
	args := append(own.args, shared.args...)
	if agenda {
		return `WITH own AS MATERIALIZED (` + ownQuery + `), shared AS MATERIALIZED (` + sharedQuery + `)
			SELECT ` + eventColumns + ` FROM (SELECT * FROM own UNION ALL SELECT * FROM shared) AS events` + order + limit, args
	}
	return `SELECT ` + eventColumns + ` FROM (
		SELECT * FROM (` + ownQuery + order + limit + `) AS own
		UNION ALL SELECT * FROM (` + sharedQuery + eventOrder("events.", archive) + limit + `) AS shared) AS events` +
		order + limit, args
}

// eventOrder is an agenda's order (by start), or an archive's (latest first).
func eventOrder(table string, archive bool) string {
	if archive {
		return " ORDER BY " + table + "starts_at DESC, " + table + "id DESC"
	}
	return " ORDER BY " + table + "starts_at, " + table + "id"
}

// eventBounds is the part of a FindEvents filter every branch shares, on columns prefixed
// by table. The bounds repeat the events_ends indexes' expression exactly, so they serve them.
func eventBounds(f convene.EventFilter, table string) *where {
	w := &where{}
	w.add(table + "deleted_at IS NULL")
	if f.PublicOnly {
		w.add(table+"public = ?", true)
	}
	end := "COALESCE(" + table + "ends_at, " + table + "starts_at)"
	switch {
	case !f.EndsBefore.IsZero():
		w.add(end+" <= ?", f.EndsBefore.UTC())
	case !f.EndsAfter.IsZero():
		w.add(end+" > ?", f.EndsAfter.UTC())
	}
	return w
}

// eventLimit bounds FindEvents as pageLimit bounds other lists, but lets a calendar feed have
// up to 500 events at once: an iCalendar feed cannot be paged.
func eventLimit(limit int) int {
	switch {
	case limit <= 0:
		return 50
	case limit > 500:
		return 500
	}
	return limit
}

// UpdateEvent implements convene.EventStore. A deleted event stays deleted: updating it is
// ENOTFOUND, as for posts.
func (s *store) UpdateEvent(ctx context.Context, e *convene.Event) error {
	return s.inTx(ctx, func(t *store) error {
		n, err := t.execContext(ctx, `UPDATE events SET url = ?, title = ?, content = ?, source = ?, starts_at = ?, ends_at = ?,
			timezone = ?, place_name = ?, place_street = ?, place_postal_code = ?, place_locality = ?, place_region = ?,
			place_country = ?, place_latitude = ?, place_longitude = ?, online_url = ?, capacity = ?, join_mode = ?,
			external_url = ?, status = ?, category = ?, public = ?, updated_at = ?, sequence = sequence + 1
			WHERE id = ? AND deleted_at IS NULL`,
			e.URL, e.Title, e.Content, e.Source, e.StartsAt.UTC(), utcOrNil(e.EndsAt),
			e.Timezone, e.Place.Name, e.Street, e.PostalCode, e.Locality, e.Region,
			e.Country, e.Latitude, e.Longitude, e.OnlineURL, e.Capacity, e.JoinMode,
			e.ExternalURL, e.Status, e.Category, e.Public, e.UpdatedAt.UTC(), e.ID)
		if err != nil {
			return fmt.Errorf("update event: %w", err)
		}
		if n == 0 {
			return convene.Errorf(convene.ENOTFOUND, "event not found")
		}
		if err := t.getContext(ctx, &e.Sequence, `SELECT sequence FROM events WHERE id = ?`, e.ID); err != nil {
			return fmt.Errorf("update event: %w", err)
		}
		return nil
	})
}

// SetAttendeeCount implements convene.EventStore. It leaves Sequence alone: who comes is not
// a change of the event that calendars need to pick up.
func (s *store) SetAttendeeCount(ctx context.Context, eventID string, n int) error {
	changed, err := s.execContext(ctx, `UPDATE events SET attendee_count = ? WHERE id = ?`, n, eventID)
	if err != nil {
		return fmt.Errorf("set attendee count: %w", err)
	}
	if changed == 0 {
		return convene.Errorf(convene.ENOTFOUND, "event not found")
	}
	return nil
}

// ListEvent implements convene.EventStore.
func (s *store) ListEvent(ctx context.Context, id string) error {
	n, err := s.execContext(ctx, `UPDATE events SET listed = ? WHERE id = ?`, true, id)
	if err != nil {
		return fmt.Errorf("list event: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "event not found")
	}
	return nil
}

// TombstoneEvent implements convene.EventStore. Title, times and place stay, so that
// calendars can still show what was cancelled; deleting twice changes nothing more.
func (s *store) TombstoneEvent(ctx context.Context, id string, at time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		n, err := t.execContext(ctx, `UPDATE events SET content = '', source = '', deleted_at = ?, updated_at = ?,
			sequence = sequence + 1 WHERE id = ? AND deleted_at IS NULL`, at.UTC(), at.UTC(), id)
		if err != nil {
			return fmt.Errorf("delete event: %w", err)
		}
		if n == 0 {
			if _, err := t.FindEventByID(ctx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

const participationColumns = `id, event_id, actor_iri, account_id, activity_iri, state, message, created_at, updated_at`

// CreateParticipation implements convene.EventStore.
func (s *store) CreateParticipation(ctx context.Context, p *convene.Participation) error {
	if p.State != convene.ParticipationPending && p.State != convene.ParticipationRejected {
		return convene.Errorf(convene.EINVALID, "a new RSVP is pending or rejected, not %q", p.State)
	}
	_, err := s.execContext(ctx, `INSERT INTO participations (`+participationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.EventID, p.ActorIRI, p.AccountID, p.ActivityIRI, p.State, p.Message, p.CreatedAt.UTC(), p.UpdatedAt.UTC())
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return convene.Errorf(convene.ECONFLICT, "already answered this event")
	}
	if err != nil {
		return fmt.Errorf("create participation: %w", err)
	}
	return nil
}

// AcceptParticipation implements convene.EventStore.
func (s *store) AcceptParticipation(ctx context.Context, id string, at time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		p, err := t.lockParticipation(ctx, id)
		if err != nil || p.State == convene.ParticipationAccepted {
			return err
		}
		// One conditional statement: PostgreSQL re-checks the condition on the row it waited
		// for, so racing accepts cannot overbook; SQLite has a single writer anyway. A remote
		// event matches without being counted: its server counts, and its count is a copy.
		n, err := t.execContext(ctx, `UPDATE events
			SET attendee_count = CASE WHEN account_id = '' THEN attendee_count ELSE attendee_count + 1 END
			WHERE id = ? AND (account_id = '' OR capacity = 0 OR attendee_count < capacity)`, p.EventID)
		if err != nil {
			return fmt.Errorf("accept participation: %w", err)
		}
		if n == 0 {
			return convene.Errorf(convene.ECONFLICT, "the event is full")
		}
		return t.setParticipationState(ctx, id, convene.ParticipationAccepted, at)
	})
}

// RejectParticipation implements convene.EventStore.
func (s *store) RejectParticipation(ctx context.Context, id string, at time.Time) error {
	return s.inTx(ctx, func(t *store) error {
		p, err := t.lockParticipation(ctx, id)
		if err != nil || p.State == convene.ParticipationRejected {
			return err
		}
		if p.State == convene.ParticipationAccepted {
			if err := t.uncount(ctx, p.EventID); err != nil {
				return err
			}
		}
		return t.setParticipationState(ctx, id, convene.ParticipationRejected, at)
	})
}

// DeleteParticipation implements convene.EventStore.
func (s *store) DeleteParticipation(ctx context.Context, id string) error {
	return s.inTx(ctx, func(t *store) error {
		p, err := t.lockParticipation(ctx, id)
		if err != nil {
			return err
		}
		if p.State == convene.ParticipationAccepted {
			if err := t.uncount(ctx, p.EventID); err != nil {
				return err
			}
		}
		if _, err := t.execContext(ctx, `DELETE FROM participations WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete participation: %w", err)
		}
		return nil
	})
}

// lockParticipation reads an RSVP after taking its row lock (a no-op update), so that what a
// state change decides from cannot change under it: on PostgreSQL a racing accept, reject or
// withdrawal of the same RSVP waits here until this transaction ends, then reads its outcome.
func (s *store) lockParticipation(ctx context.Context, id string) (*convene.Participation, error) {
	n, err := s.execContext(ctx, `UPDATE participations SET state = state WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("lock participation: %w", err)
	}
	if n == 0 {
		return nil, convene.Errorf(convene.ENOTFOUND, "RSVP not found")
	}
	return s.findParticipation(ctx, "id = ?", id)
}

func (s *store) setParticipationState(ctx context.Context, id string, state convene.ParticipationState, at time.Time) error {
	if _, err := s.execContext(ctx, `UPDATE participations SET state = ?, updated_at = ? WHERE id = ?`, state, at.UTC(), id); err != nil {
		return fmt.Errorf("set participation %s: %w", state, err)
	}
	return nil
}

// uncount takes one accepted RSVP off a local event's count. A remote event's count mirrors
// its server's and is left to SetAttendeeCount, as AcceptParticipation left it.
func (s *store) uncount(ctx context.Context, eventID string) error {
	_, err := s.execContext(ctx, `UPDATE events SET attendee_count = attendee_count - 1
		WHERE id = ? AND account_id <> '' AND attendee_count > 0`, eventID)
	if err != nil {
		return fmt.Errorf("uncount participation: %w", err)
	}
	return nil
}

// FindParticipation implements convene.EventStore.
func (s *store) FindParticipation(ctx context.Context, eventID, actorIRI string) (*convene.Participation, error) {
	return s.findParticipation(ctx, "event_id = ? AND actor_iri = ?", eventID, actorIRI)
}

// FindParticipationByActivity implements convene.EventStore.
func (s *store) FindParticipationByActivity(ctx context.Context, activityIRI string) (*convene.Participation, error) {
	if activityIRI == "" { // RSVPs kept without their Join's id must not match
		return nil, convene.Errorf(convene.ENOTFOUND, "RSVP not found")
	}
	return s.findParticipation(ctx, "activity_iri = ?", activityIRI)
}

func (s *store) findParticipation(ctx context.Context, cond string, args ...any) (*convene.Participation, error) {
	var p convene.Participation
	err := s.getContext(ctx, &p, `SELECT `+participationColumns+` FROM participations WHERE `+cond+` ORDER BY id LIMIT 1`, args...)
	if err != nil {
		return nil, notFound(err, "RSVP not found")
	}
	p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	return &p, nil
}

// FindParticipations implements convene.EventStore.
func (s *store) FindParticipations(ctx context.Context, eventID string, state convene.ParticipationState, afterID string, limit int) ([]*convene.Participation, error) {
	w := &where{}
	w.add("event_id = ?", eventID)
	if state != "" {
		w.add("state = ?", state)
	}
	if afterID != "" {
		w.add("id > ?", afterID)
	}
	var list []*convene.Participation
	err := s.selectContext(ctx, &list, `SELECT `+participationColumns+` FROM participations`+w.String()+
		` ORDER BY id LIMIT `+strconv.Itoa(pageLimit(limit)), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find participations: %w", err)
	}
	for _, p := range list {
		p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	}
	return list, nil
}

func normalizeEvent(e *convene.Event) *convene.Event {
	e.StartsAt, e.PublishedAt, e.UpdatedAt = utc(e.StartsAt), utc(e.PublishedAt), utc(e.UpdatedAt)
	e.EndsAt, e.DeletedAt = utcPtr(e.EndsAt), utcPtr(e.DeletedAt)
	return e
}

// utcOrNil is an optional time as a query argument: NULL, or the instant in UTC.
func utcOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
