package service

import (
	"context"
	"slices"
	"strings"

	"github.com/convene-social/convene"
)

// shareTarget is a community an organiser cross-posts to: one of ours (c set) or a Group
// elsewhere (iri only).
type shareTarget struct {
	iri string
	c   *convene.Community
}

// maxShareTargets bounds one cross-post.
const maxShareTargets = 20

// resolveShareTargets turns what an organiser typed (a slug, @slug@host or a Group IRI) into
// communities, skipping the event's own. A remote name must resolve to a Group.
func (s *Service) resolveShareTargets(ctx context.Context, own *convene.Community, refs []string) ([]shareTarget, error) {
	if len(refs) > maxShareTargets {
		return nil, convene.Errorf(convene.EINVALID, "an event can be cross-posted to at most %d communities at once", maxShareTargets)
	}
	var targets []shareTarget
	seen := map[string]bool{s.iris.Group(own.Slug): true}
	for _, ref := range refs {
		t, err := s.resolveCommunity(ctx, strings.TrimSpace(ref))
		if err != nil {
			return nil, err
		}
		if !seen[t.iri] {
			seen[t.iri] = true
			targets = append(targets, t)
		}
	}
	return targets, nil
}

func (s *Service) resolveCommunity(ctx context.Context, ref string) (shareTarget, error) {
	iri := ref
	if strings.HasPrefix(ref, "@") && strings.Count(ref, "@") == 2 {
		if s.resolve == nil {
			return shareTarget{}, convene.Errorf(convene.EINVALID, "cannot look up %s here", ref)
		}
		var err error
		if iri, err = s.resolve(ctx, ref); err != nil {
			// A lookup's own error can name addresses inside our network: it goes to the log.
			switch convene.ErrorCode(err) {
			case convene.EINVALID, convene.EFORBIDDEN, convene.ENOTFOUND:
				return shareTarget{}, convene.Errorf(convene.EINVALID, "cannot find the community %s: %s", ref, convene.ErrorMessage(err))
			}
			s.log.InfoContext(ctx, "community lookup failed", "handle", ref, "err", err)
			return shareTarget{}, convene.Errorf(convene.EINVALID, "cannot find the community %s: its server did not answer as expected", ref)
		}
	} else if !strings.Contains(ref, "/") {
		iri = s.iris.Group(convene.NormalizeName(strings.TrimPrefix(ref, "@")))
	}
	if kind, slug, ok := s.iris.LocalActor(iri); ok {
		if kind != "group" {
			return shareTarget{}, convene.Errorf(convene.EINVALID, "%s is not a community", ref)
		}
		c, err := s.FindCommunity(ctx, slug)
		if err != nil {
			return shareTarget{}, err
		}
		return shareTarget{iri: iri, c: c}, nil
	}
	a, err := s.store.FindRemoteActor(ctx, iri)
	if err != nil {
		return shareTarget{}, convene.Errorf(convene.EINVALID, "%s is not a community this server knows (use @name@host)", ref)
	}
	if a.Type != "Group" {
		return shareTarget{}, convene.Errorf(convene.EINVALID, "%s is a %s, not a community", ref, a.Type)
	}
	return shareTarget{iri: iri}, nil
}

// shareWith records an event's cross-posts before it federates (federateEvent addresses and
// announces from these rows). A community elsewhere decides there, by its own policy, so
// ours is done once it is addressed; a local community shows it at once if the organiser
// may post there, after a moderator approves otherwise.
func (s *Service) shareWith(ctx context.Context, tx convene.Store, e *convene.Event, organiser *convene.Account, targets []shareTarget) ([]*convene.Share, error) {
	var shares []*convene.Share
	for _, t := range targets {
		sh := &convene.Share{ID: convene.NewID(), ObjectIRI: e.IRI, ObjectType: "Event", CommunityIRI: t.iri,
			SharedBy: e.OrganizerIRI, State: convene.ShareAccepted, CreatedAt: s.timestamp(), UpdatedAt: s.timestamp()}
		if t.c != nil {
			sh.CommunityID = t.c.ID
			if err := s.checkMayStartThread(ctx, t.c, organiser); err != nil {
				sh.State = convene.SharePending
			}
		}
		if err := tx.CreateShare(ctx, sh); err != nil {
			if convene.ErrorCode(err) == convene.ECONFLICT {
				continue
			}
			return nil, err
		}
		shares = append(shares, sh)
	}
	return shares, nil
}

// CrossPostEvent shares a live event with more communities after it was announced. A
// community elsewhere receives the organiser's Create{Event} addressed to it; a local one
// announces it (or waits for a moderator).
func (s *Service) CrossPostEvent(ctx context.Context, id string, refs []string) ([]*convene.Share, error) {
	e, c, err := s.editableEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	organiser, err := s.store.FindAccountByID(ctx, e.AccountID)
	if err != nil {
		return nil, err
	}
	targets, err := s.resolveShareTargets(ctx, c, refs)
	if err != nil {
		return nil, err
	}
	var shares []*convene.Share
	defer s.notifyOutbox()
	return shares, s.store.InTx(ctx, func(tx convene.Store) error {
		if shares, err = s.shareWith(ctx, tx, e, organiser, targets); err != nil {
			return err
		}
		now := s.timestamp()
		for _, sh := range shares {
			switch {
			case sh.State != convene.ShareAccepted:
			case sh.CommunityID != "":
				if err := s.announceShared(ctx, tx, sh.CommunityIRI, e.IRI); err != nil {
					return err
				}
			default:
				err := tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Create", Actor: e.OrganizerIRI,
					Object: e.IRI, To: []string{convene.PublicIRI, sh.CommunityIRI}, Published: now})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// announceShared has a local community boost an object it shares to its followers.
func (s *Service) announceShared(ctx context.Context, tx convene.Store, group, objectIRI string) error {
	now := s.timestamp()
	return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group,
		Object: objectIRI, To: []string{convene.PublicIRI, s.iris.Followers(group)}, Published: now})
}

// PendingShares lists what waits for a moderator of a community: events cross-posted to it
// by people who may not post there.
func (s *Service) PendingShares(ctx context.Context, slug string) ([]*convene.Share, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.store.FindCommunityShares(ctx, c.ID, convene.SharePending)
}

// DecideShare lets a moderator of the community accept (show and announce) or refuse a
// pending cross-post.
func (s *Service) DecideShare(ctx context.Context, slug, shareID string, accept bool) error {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return err
	}
	sh, err := s.store.FindShareByID(ctx, shareID)
	if err != nil {
		return err
	}
	if sh.CommunityID != c.ID || sh.State != convene.SharePending {
		return convene.Errorf(convene.ENOTFOUND, "no pending cross-post %s in %s", shareID, c.Slug)
	}
	e, err := s.store.FindEventByIRI(ctx, sh.ObjectIRI)
	if err != nil {
		return err
	}
	if accept && (!e.Public || e.DeletedAt != nil) {
		return convene.Errorf(convene.EINVALID, "only public, live events can be shown: refuse this cross-post")
	}
	now := s.timestamp()
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if !accept { // the event stays stored but off the agenda, unless someone here follows it
			return tx.UpdateShareState(ctx, sh.ID, convene.ShareRefused, sh.ActivityIRI, now)
		}
		if err := tx.UpdateShareState(ctx, sh.ID, convene.ShareAccepted, sh.ActivityIRI, now); err != nil {
			return err
		}
		if err := s.listEvent(ctx, tx, e); err != nil {
			return err
		}
		return s.announceShared(ctx, tx, sh.CommunityIRI, sh.ObjectIRI)
	})
}

// Reshare is a convener's bridging act: a moderator of a local community shows a public
// thread or event from elsewhere (typically from a community it follows) to its own
// followers, and the community's page and calendar list it.
func (s *Service) Reshare(ctx context.Context, slug, objectIRI string) (*convene.Share, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	group := s.iris.Group(c.Slug)
	typ, owner, err := s.shareableObject(ctx, objectIRI)
	if err != nil {
		return nil, err
	}
	if owner == group {
		return nil, convene.Errorf(convene.EINVALID, "that is already %s's own", c.Slug)
	}
	now := s.timestamp()
	actor := s.iris.Group(c.Slug)
	if pr := convene.PrincipalFrom(ctx); pr.Account != nil {
		actor = s.iris.Person(pr.Account.Username)
	}
	sh := &convene.Share{ID: convene.NewIDAt(now), ObjectIRI: objectIRI, ObjectType: typ, CommunityIRI: group,
		CommunityID: c.ID, SharedBy: actor, State: convene.ShareAccepted, CreatedAt: now, UpdatedAt: now}
	defer s.notifyOutbox()
	return sh, s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CreateShare(ctx, sh); err != nil {
			return err
		}
		if typ == "Event" {
			e, err := tx.FindEventByIRI(ctx, objectIRI)
			if err != nil {
				return err
			}
			if err := s.listEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return s.announceShared(ctx, tx, group, objectIRI)
	})
}

// shareableObject finds a public, live event or thread by IRI: its type and owning community.
func (s *Service) shareableObject(ctx context.Context, iri string) (typ, owner string, err error) {
	if e, err := s.store.FindEventByIRI(ctx, iri); err == nil {
		if !e.Public || e.DeletedAt != nil {
			return "", "", convene.Errorf(convene.EINVALID, "only public events can be shared")
		}
		return "Event", e.CommunityIRI, nil
	} else if convene.ErrorCode(err) != convene.ENOTFOUND {
		return "", "", err
	}
	p, err := s.store.FindPostByIRI(ctx, iri)
	if err != nil {
		return "", "", err
	}
	if p.Visibility != convene.VisibilityPublic || p.DeletedAt != nil || !p.IsThread() {
		return "", "", convene.Errorf(convene.EINVALID, "only public threads can be shared")
	}
	return "Note", p.CommunityIRI, nil
}

// Landscape is what the communities a community follows are doing: their recent threads and
// their upcoming events — the view a convener shares from.
type Landscape struct {
	Communities []string // IRIs of the followed communities
	Threads     []*convene.Post
	Events      []*convene.Event
}

// maxLandscapeCommunities bounds the followed communities one page reads.
const maxLandscapeCommunities = 50

// CommunityLandscape gathers the public threads and upcoming events of the communities a
// local community follows (accepted follows), newest threads and soonest events first, but
// not the community's own events that they share.
func (s *Service) CommunityLandscape(ctx context.Context, slug string, limit int) (*Landscape, error) {
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	follows, err := s.store.FindFollows(ctx, convene.FollowFilter{Follower: s.iris.Group(c.Slug),
		State: convene.FollowAccepted, Limit: maxLandscapeCommunities})
	if err != nil {
		return nil, err
	}
	l, group := &Landscape{}, s.iris.Group(c.Slug)
	for _, f := range follows {
		if !s.isCommunity(ctx, f.Followee) {
			continue
		}
		l.Communities = append(l.Communities, f.Followee)
		threads, err := s.CommunityThreadsOf(ctx, f.Followee, "", limit)
		if err != nil {
			return nil, err
		}
		l.Threads = append(l.Threads, threads...)
		events, err := s.UpcomingEvents(ctx, f.Followee, limit)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			if e.CommunityIRI != group { // our own, shared back to us, is no news here
				l.Events = append(l.Events, e)
			}
		}
	}
	slices.SortFunc(l.Threads, func(a, b *convene.Post) int { return strings.Compare(b.ID, a.ID) })
	slices.SortFunc(l.Events, func(a, b *convene.Event) int { return a.StartsAt.Compare(b.StartsAt) })
	l.Threads = l.Threads[:min(len(l.Threads), limit)]
	l.Events = dedupEvents(l.Events)
	l.Events = l.Events[:min(len(l.Events), limit)]
	return l, nil
}

// isCommunity reports whether an actor IRI is a Group, here or elsewhere.
func (s *Service) isCommunity(ctx context.Context, iri string) bool {
	if kind, _, ok := s.iris.LocalActor(iri); ok {
		return kind == "group"
	}
	a, err := s.store.FindRemoteActor(ctx, iri)
	return err == nil && a.Type == "Group"
}

// dedupEvents drops repeats (an event two followed communities share) from a sorted list.
func dedupEvents(list []*convene.Event) []*convene.Event {
	seen := map[string]bool{}
	return slices.DeleteFunc(list, func(e *convene.Event) bool {
		dup := seen[e.ID]
		seen[e.ID] = true
		return dup
	})
}
