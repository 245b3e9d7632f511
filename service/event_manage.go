package service

import (
	"cmp"
	"context"
	"slices"

	"github.com/convene-social/convene"
)

// CanCreateEvent reports whether the principal may announce events in community c: an
// approved local account the community's posting policy lets start threads (CreateEvent's
// rule). Pages use it to offer the "New event" form only to those it would accept.
func (s *Service) CanCreateEvent(ctx context.Context, c *convene.Community) (bool, error) {
	return allowed(s.CheckMayCreateEvent(ctx, c))
}

// CheckMayCreateEvent is CanCreateEvent with the reason: nil when the principal may
// announce events in c, else why not (EUNAUTHORIZED, EFORBIDDEN) or a failure to decide.
func (s *Service) CheckMayCreateEvent(ctx context.Context, c *convene.Community) error {
	a, err := s.postingAccount(ctx)
	if err != nil {
		return err
	}
	return s.checkMayStartThread(ctx, c, a)
}

// CanManageEvent reports whether the principal may edit, cancel or delete e: its organiser
// or a moderator of its community, for a live event made here (EditEvent's own rule).
func (s *Service) CanManageEvent(ctx context.Context, e *convene.Event) (bool, error) {
	if e.DeletedAt != nil || !e.IsLocal() {
		return false, nil
	}
	_, _, err := s.editableEvent(ctx, e.ID)
	return allowed(err)
}

// allowed turns a permission check's error into a yes or no; only a failure to decide is
// an error.
func allowed(err error) (bool, error) {
	switch convene.ErrorCode(err) {
	case "":
		return true, nil
	case convene.EFORBIDDEN, convene.EUNAUTHORIZED:
		return false, nil
	}
	return false, err
}

// EventInputOf is the input that would make e as it is: its wall-clock times in its own
// zone, as an organiser entered them, so that an edit form starts from what was said.
func EventInputOf(e *convene.Event) EventInput {
	loc := e.Location()
	in := EventInput{Title: e.Title, Description: e.Source, Start: e.StartsAt.In(loc).Format(wallClockLayout),
		Timezone: e.Timezone, Place: e.Place, OnlineURL: e.OnlineURL, Capacity: e.Capacity, JoinMode: e.JoinMode,
		ExternalURL: e.ExternalURL, Category: e.Category, Status: e.Status}
	if e.EndsAt != nil {
		in.End = e.EndsAt.In(loc).Format(wallClockLayout)
	}
	return in
}

// CrossPostChoice is a community an organiser may cross-post an event to from a
// community's form.
type CrossPostChoice struct {
	IRI    string // what EventInput.CrossPost and CrossPostEvent accept
	Name   string
	Handle string // @slug@domain
	Local  bool
	// NeedsApproval: a community here where the principal may not post, so a moderator
	// there decides before it shows.
	NeedsApproval bool
}

// maxCrossPostChoices bounds the local communities a form offers.
const maxCrossPostChoices = 200

// CrossPostChoices lists where an event of community slug can be cross-posted with a tick:
// the other communities here, then the communities elsewhere that slug follows.
func (s *Service) CrossPostChoices(ctx context.Context, slug string) ([]CrossPostChoice, error) {
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	locals, err := s.localCrossPostChoices(ctx, c)
	if err != nil {
		return nil, err
	}
	remotes, err := s.followedCommunitiesElsewhere(ctx, c)
	if err != nil {
		return nil, err
	}
	return append(locals, remotes...), nil
}

func (s *Service) localCrossPostChoices(ctx context.Context, own *convene.Community) ([]CrossPostChoice, error) {
	all, err := s.store.FindCommunities(ctx, convene.CommunityFilter{Limit: maxCrossPostChoices})
	if err != nil {
		return nil, err
	}
	rights, err := s.threadRightsOfPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	var out []CrossPostChoice
	for _, c := range all {
		if c.ID == own.ID {
			continue
		}
		ch := CrossPostChoice{IRI: s.iris.Group(c.Slug), Name: c.Name, Handle: "@" + c.Slug + "@" + s.iris.Domain(), Local: true}
		if rights != nil {
			ch.NeedsApproval = !rights.mayStartThread(c, ch.IRI)
		}
		out = append(out, ch)
	}
	slices.SortFunc(out, func(a, b CrossPostChoice) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// followedCommunitiesElsewhere lists the Groups on other servers that c follows (accepted).
func (s *Service) followedCommunitiesElsewhere(ctx context.Context, c *convene.Community) ([]CrossPostChoice, error) {
	groups, err := s.followedRemoteGroups(ctx, []string{s.iris.Group(c.Slug)})
	if err != nil {
		return nil, err
	}
	var out []CrossPostChoice
	for _, a := range groups {
		out = append(out, CrossPostChoice{IRI: a.IRI, Name: cmp.Or(a.Name, a.Username), Handle: a.Handle()})
	}
	slices.SortFunc(out, func(a, b CrossPostChoice) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}
