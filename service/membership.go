package service

import (
	"context"
	"net/url"
	"strings"

	"github.com/convene-social/convene"
)

// Leave ends the signed-in account's membership of a community (or withdraws its request to
// join): the reverse of Join. Like Join it is a local follow, so nothing is sent elsewhere.
func (s *Service) Leave(ctx context.Context, slug string) error {
	a := convene.PrincipalFrom(ctx).Account
	if a == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "sign in to leave a community")
	}
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return err
	}
	err = s.unfollow(ctx, s.iris.Person(a.Username), s.iris.Group(c.Slug))
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return convene.Errorf(convene.ENOTFOUND, "you are not a member of %s", c.Name)
	}
	return err
}

// Membership is what a community page says about who follows the community.
type Membership struct {
	// Followers counts accepted follows: members here and followers on other servers.
	Followers int
	// Viewer is the signed-in account's own follow: "" (none, or a visitor), pending or accepted.
	Viewer convene.FollowState
}

// CommunityMembership counts a community's followers and says whether the principal's
// account is a member, so a page offers Join or Leave.
func (s *Service) CommunityMembership(ctx context.Context, slug string) (Membership, error) {
	var m Membership
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return m, err
	}
	group := s.iris.Group(c.Slug)
	if m.Followers, err = s.store.CountFollows(ctx, convene.FollowFilter{Followee: group, State: convene.FollowAccepted}); err != nil {
		return m, err
	}
	if a := convene.PrincipalFrom(ctx).Account; a != nil {
		f, err := s.store.FindFollow(ctx, s.iris.Person(a.Username), group)
		switch {
		case err == nil:
			m.Viewer = f.State
		case convene.ErrorCode(err) != convene.ENOTFOUND:
			return m, err
		}
	}
	return m, nil
}

// remoteFollowLimit is how many handles one client address may look up in five minutes.
const remoteFollowLimit = 20

// RemoteFollowURL is where a visitor with an account elsewhere (handle "@alice@mastodon.social")
// follows a community: their server's interaction page with the community's IRI filled in.
// When the lookup fails the error is EINVALID (or EFORBIDDEN for a blocked domain) with a
// message that says what to do instead: search for the community's handle in their app.
// clientIP is the visitor's address, for the limit on lookups.
func (s *Service) RemoteFollowURL(ctx context.Context, slug, handle, clientIP string) (string, error) {
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return "", err
	}
	h, err := convene.ParseHandle(handle)
	if err != nil {
		return "", err
	}
	if ok, _ := s.remoteFollowByIP.allow(clientIP, s.now()); !ok {
		return "", convene.Errorf(convene.ETOOMANY, "Too many lookups from your address. Try again in a few minutes, or search for @%s@%s in your app.", c.Slug, s.iris.Domain())
	}
	blocked, err := s.store.IsDomainBlocked(ctx, strings.ToLower(h.Hostname()))
	if err != nil {
		return "", err
	}
	if blocked {
		return "", convene.Errorf(convene.EFORBIDDEN, "Accounts on %s cannot follow communities here.", h.Hostname())
	}
	instead := "Search for @" + c.Slug + "@" + s.iris.Domain() + " in your app instead."
	if s.interaction == nil {
		return "", convene.Errorf(convene.EINVALID, "Following from another server is not available here. %s", instead)
	}
	tmpl, err := s.interaction(ctx, h.String())
	switch convene.ErrorCode(err) {
	case "":
		return strings.ReplaceAll(tmpl, "{uri}", url.QueryEscape(s.iris.Group(c.Slug))), nil
	case convene.EINVALID, convene.EFORBIDDEN:
		return "", err
	case convene.ENOTFOUND:
		return "", convene.Errorf(convene.EINVALID, "%s. %s", capitalize(convene.ErrorMessage(err)), instead)
	}
	s.log.InfoContext(ctx, "remote follow lookup failed", "handle", h.String(), "err", err)
	return "", convene.Errorf(convene.EINVALID, "We could not reach %s to find %s. %s", h.Host, h, instead)
}

// capitalize starts a message with a capital letter, to begin a sentence.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
