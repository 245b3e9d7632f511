package service

import (
	"context"

	"github.com/convene-social/convene"
)

// maxRSVPMessage bounds Mobilizon's participationMessage.
const maxRSVPMessage = 1000

// JoinEvent is a local member's RSVP. To an event here it is decided at once by the join
// mode (free: accepted while places remain; restricted: pending the organiser); to an event
// elsewhere a Join is sent and the RSVP stays pending until that server answers.
func (s *Service) JoinEvent(ctx context.Context, id, message string) (*convene.Participation, error) {
	a, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.FindEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if message, err = validateText("message", message, maxRSVPMessage, false); err != nil {
		return nil, err
	}
	now := s.timestamp()
	joinID := convene.NewIDAt(now)
	p := &convene.Participation{ID: convene.NewIDAt(now), EventID: e.ID, ActorIRI: s.iris.Person(a.Username),
		AccountID: a.ID, ActivityIRI: s.iris.Activity(joinID), State: convene.ParticipationPending,
		Message: message, CreatedAt: now, UpdatedAt: now}
	if e.CommunityID != "" {
		return p, s.decideJoin(ctx, e, p, nil)
	}
	if err := CheckJoinable(e); err != nil {
		return nil, err
	}
	defer s.notifyOutbox()
	return p, s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CreateParticipation(ctx, p); err != nil {
			return err
		}
		return tx.EnqueueActivity(ctx, &convene.Activity{ID: joinID, Type: "Join", Actor: p.ActorIRI,
			Object: e.IRI, To: eventAuthorities(e), Published: now})
	})
}

// CheckJoinable refuses RSVPs an event does not take, saying why; pages ask it whether to
// offer an RSVP at all.
func CheckJoinable(e *convene.Event) error {
	switch {
	case e.DeletedAt != nil || e.Status == convene.EventCancelled:
		return convene.Errorf(convene.EINVALID, "the event was cancelled")
	case e.JoinMode == convene.JoinExternal:
		return convene.Errorf(convene.EINVALID, "sign up for this event at %s", e.ExternalURL)
	case e.JoinMode == convene.JoinNone:
		return convene.Errorf(convene.EINVALID, "this event takes no sign-ups")
	}
	return nil
}

// eventAuthorities are whom a Join or Leave goes to: the organiser and the owning group.
func eventAuthorities(e *convene.Event) []string {
	to := []string{e.OrganizerIRI}
	if e.CommunityIRI != "" && e.CommunityIRI != e.OrganizerIRI {
		to = append(to, e.CommunityIRI)
	}
	return to
}

// decideJoin stores an RSVP to a local event and answers it by the join mode. answer, when
// set, is the remote Join to answer (Accept, Reject or Ignore, sent by the owning community).
// A full free event refuses the RSVP: for a local member with ECONFLICT, for a remote one
// with a Reject.
func (s *Service) decideJoin(ctx context.Context, e *convene.Event, p *convene.Participation, answer *convene.InnerActivity) error {
	refusal := CheckJoinable(e)
	if refusal != nil && answer == nil {
		return refusal
	}
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if refusal != nil {
			typ := "Reject"
			if e.JoinMode == convene.JoinNone {
				typ = "Ignore" // FEP-8a8e: an event that takes no RSVPs ignores Joins
			}
			return s.answerJoin(ctx, tx, e, answer, typ)
		}
		if err := tx.CreateParticipation(ctx, p); err != nil {
			return err
		}
		if e.JoinMode == convene.JoinRestricted {
			return s.notifyOrganiser(ctx, tx, e, p.ActorIRI)
		}
		if err := tx.AcceptParticipation(ctx, p.ID, s.timestamp()); err != nil {
			if convene.ErrorCode(err) != convene.ECONFLICT || answer == nil {
				return err
			}
			p.State = convene.ParticipationRejected
			if err := tx.RejectParticipation(ctx, p.ID, s.timestamp()); err != nil {
				return err
			}
			return s.answerJoin(ctx, tx, e, answer, "Reject")
		}
		p.State = convene.ParticipationAccepted
		if err := s.notifyOrganiser(ctx, tx, e, p.ActorIRI); err != nil {
			return err
		}
		return s.answerJoin(ctx, tx, e, answer, "Accept")
	})
}

// answerJoin queues the owning community's answer to a remote Join (Mobilizon answers as
// the group), embedding the Join as Mobilizon and FEP-8a8e match on it.
func (s *Service) answerJoin(ctx context.Context, tx convene.Store, e *convene.Event, join *convene.InnerActivity, typ string) error {
	if join == nil {
		return nil
	}
	now := s.timestamp()
	actor := e.CommunityIRI
	if actor == "" {
		actor = e.OrganizerIRI
	}
	return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: typ, Actor: actor,
		Object: join.IRI, Inner: join, To: []string{join.Actor}, Published: now})
}

func (s *Service) notifyOrganiser(ctx context.Context, tx convene.Store, e *convene.Event, actor string) error {
	if e.AccountID == "" || actor == e.OrganizerIRI {
		return nil
	}
	return tx.CreateNotification(ctx, &convene.Notification{ID: convene.NewID(), AccountID: e.AccountID,
		Type: "rsvp", Actor: actor, EventID: e.ID, CreatedAt: s.timestamp()})
}

// LeaveEvent withdraws the principal's RSVP (and tells the event's server, for one elsewhere).
func (s *Service) LeaveEvent(ctx context.Context, id string) error {
	a, err := s.postingAccount(ctx)
	if err != nil {
		return err
	}
	e, err := s.store.FindEventByID(ctx, id)
	if err != nil {
		return err
	}
	actor := s.iris.Person(a.Username)
	p, err := s.store.FindParticipation(ctx, e.ID, actor)
	if err != nil {
		return err
	}
	now := s.timestamp()
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.DeleteParticipation(ctx, p.ID); err != nil || e.CommunityID != "" {
			return err
		}
		return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Leave", Actor: actor,
			Object: e.IRI, To: eventAuthorities(e), Published: now})
	})
}

// MyParticipation returns the principal's RSVP to an event (ENOTFOUND if none).
func (s *Service) MyParticipation(ctx context.Context, eventID string) (*convene.Participation, error) {
	pr := convene.PrincipalFrom(ctx)
	if pr.Account == nil {
		return nil, convene.Errorf(convene.ENOTFOUND, "not signed in")
	}
	return s.store.FindParticipation(ctx, eventID, s.iris.Person(pr.Account.Username))
}

// Participations lists an event's RSVPs in a state for its organiser and the community's
// moderators, oldest first.
func (s *Service) Participations(ctx context.Context, eventID string, state convene.ParticipationState, afterID string, limit int) ([]*convene.Participation, error) {
	e, _, err := s.editableEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	return s.store.FindParticipations(ctx, e.ID, state, afterID, limit)
}

// DecideParticipation lets the organiser or a moderator accept or reject a pending RSVP to a
// restricted event; a remote participant's server hears the answer. Accepting into a full
// event is an ECONFLICT.
func (s *Service) DecideParticipation(ctx context.Context, eventID, actorIRI string, accept bool) error {
	e, _, err := s.editableEvent(ctx, eventID)
	if err != nil {
		return err
	}
	p, err := s.store.FindParticipation(ctx, e.ID, actorIRI)
	if err != nil {
		return err
	}
	if p.State != convene.ParticipationPending {
		return convene.Errorf(convene.EINVALID, "that RSVP was already decided")
	}
	var join *convene.InnerActivity
	if p.AccountID == "" {
		join = &convene.InnerActivity{IRI: p.ActivityIRI, Type: "Join", Actor: p.ActorIRI, Object: e.IRI}
	}
	now := s.timestamp()
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		typ := "Accept"
		if accept {
			err = tx.AcceptParticipation(ctx, p.ID, now)
		} else {
			typ, err = "Reject", tx.RejectParticipation(ctx, p.ID, now)
		}
		if err != nil {
			return err
		}
		return s.answerJoin(ctx, tx, e, join, typ)
	})
}
