package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// maxListTitle bounds a list's title.
const maxListTitle = 100

// ListInput is a list as an app creates or changes it.
type ListInput struct {
	Title         string
	RepliesPolicy string // followed (default), list or none
	Exclusive     bool
}

// Lists returns the signed-in account's lists.
func (s *Service) Lists(ctx context.Context) ([]*convene.List, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	return s.store.FindLists(ctx, me.ID)
}

// ListsWith returns the signed-in account's lists that hold the actor with this id.
func (s *Service) ListsWith(ctx context.Context, actorID string) ([]*convene.List, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	actor, err := s.FindActorByID(ctx, actorID)
	if err != nil {
		return nil, err
	}
	return s.store.FindListsWithMembers(ctx, me.ID, []string{s.ActorIRI(actor)})
}

// FindList returns one of the signed-in account's lists; another's is not found.
func (s *Service) FindList(ctx context.Context, id string) (*convene.List, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	l, err := s.store.FindList(ctx, id)
	if err != nil || l.AccountID != me.ID {
		return nil, firstErr(err, convene.Errorf(convene.ENOTFOUND, "list not found"))
	}
	return l, nil
}

func validList(in ListInput) (ListInput, error) {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > maxListTitle {
		return in, convene.Errorf(convene.EINVALID, "a list's title must have 1 to %d characters", maxListTitle)
	}
	switch in.RepliesPolicy {
	case "":
		in.RepliesPolicy = "list"
	case "followed", "list", "none":
	default:
		return in, convene.Errorf(convene.EINVALID, "replies_policy must be followed, list or none")
	}
	return in, nil
}

// CreateList makes a list for the signed-in account.
func (s *Service) CreateList(ctx context.Context, in ListInput) (*convene.List, error) {
	me, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	if in, err = validList(in); err != nil {
		return nil, err
	}
	now := s.timestamp()
	l := &convene.List{ID: convene.NewIDAt(now), AccountID: me.ID, Title: in.Title, RepliesPolicy: in.RepliesPolicy,
		Exclusive: in.Exclusive, CreatedAt: now}
	return l, s.store.CreateList(ctx, l)
}

// UpdateList changes one of the signed-in account's lists.
func (s *Service) UpdateList(ctx context.Context, id string, in ListInput) (*convene.List, error) {
	l, err := s.FindList(ctx, id)
	if err != nil {
		return nil, err
	}
	if in, err = validList(in); err != nil {
		return nil, err
	}
	l.Title, l.RepliesPolicy, l.Exclusive = in.Title, in.RepliesPolicy, in.Exclusive
	return l, s.store.UpdateList(ctx, l)
}

// DeleteList deletes one of the signed-in account's lists.
func (s *Service) DeleteList(ctx context.Context, id string) error {
	if _, err := s.FindList(ctx, id); err != nil {
		return err
	}
	return s.store.DeleteList(ctx, id)
}

// ListMembers returns the actors on one of the signed-in account's lists.
func (s *Service) ListMembers(ctx context.Context, id string) ([]Actor, error) {
	if _, err := s.FindList(ctx, id); err != nil {
		return nil, err
	}
	iris, err := s.store.FindListMembers(ctx, id)
	if err != nil {
		return nil, err
	}
	out := []Actor{}
	for _, iri := range iris {
		if a, err := s.FindActorByIRI(ctx, iri); err == nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// AddToList puts actors (by API id) on a list. As on Mastodon, only actors the account
// follows may be listed: people it follows and communities it belongs to.
func (s *Service) AddToList(ctx context.Context, id string, actorIDs []string) error {
	l, err := s.FindList(ctx, id)
	if err != nil {
		return err
	}
	me := convene.PrincipalFrom(ctx).Account
	iris, err := s.actorIRIs(ctx, actorIDs)
	if err != nil {
		return err
	}
	for _, iri := range iris {
		f, err := s.store.FindFollow(ctx, s.iris.Person(me.Username), iri)
		if err != nil || f.State != convene.FollowAccepted {
			return firstErr(ignoreNotFound(err), convene.Errorf(convene.EINVALID, "you can only list accounts you follow"))
		}
	}
	return s.store.AddListMembers(ctx, l.ID, iris, s.timestamp())
}

// RemoveFromList takes actors (by API id) off a list.
func (s *Service) RemoveFromList(ctx context.Context, id string, actorIDs []string) error {
	l, err := s.FindList(ctx, id)
	if err != nil {
		return err
	}
	iris, err := s.actorIRIs(ctx, actorIDs)
	if err != nil {
		return err
	}
	return s.store.RemoveListMembers(ctx, l.ID, iris)
}

func (s *Service) actorIRIs(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 || len(ids) > 100 {
		return nil, convene.Errorf(convene.EINVALID, "give 1 to 100 account ids")
	}
	var iris []string
	for _, id := range ids {
		a, err := s.FindActorByID(ctx, id)
		if err != nil {
			return nil, err
		}
		iris = append(iris, s.ActorIRI(a))
	}
	return iris, nil
}

// ListTimeline is what the members of one of the signed-in account's lists posted, as its
// home timeline would show it; with replies_policy none, threads only.
func (s *Service) ListTimeline(ctx context.Context, id string, q TimelineQuery) ([]TimelineItem, error) {
	l, err := s.FindList(ctx, id)
	if err != nil {
		return nil, err
	}
	me := convene.PrincipalFrom(ctx).Account
	f := timelineFilter(q, s.iris.Person(me.Username), "")
	f.List = l.ID
	f.ThreadsOnly = f.ThreadsOnly || l.RepliesPolicy == "none"
	return s.timeline(ctx, f)
}
