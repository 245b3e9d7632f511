package service

import (
	"context"
	"net/url"
	"strings"

	"github.com/convene-social/convene"
)

// ActorName is how a page names an actor: a readable name, its @name@host handle when
// known, and where to link it (its profile page, here or on its own server).
type ActorName struct {
	Name   string
	Handle string
	URL    string
	// AvatarURL is the actor's avatar, "" when it has none. An actor elsewhere's is kept only
	// on https: pages load other servers' images over https only (their img-src), so an http
	// one would be a broken picture.
	AvatarURL string
}

// ActorNames names the actors with the given IRIs, by IRI: local accounts and communities
// by their names, remote actors as last fetched. An actor never fetched is named by its
// IRI without the scheme, which is still readable and still links to it.
func (s *Service) ActorNames(ctx context.Context, iris []string) map[string]ActorName {
	names := make(map[string]ActorName, len(iris))
	for _, iri := range iris {
		if _, done := names[iri]; !done {
			names[iri] = s.ActorName(ctx, iri)
		}
	}
	return names
}

// ActorName names one actor, as ActorNames does.
func (s *Service) ActorName(ctx context.Context, iri string) ActorName {
	fallback := ActorName{Name: strings.TrimPrefix(strings.TrimPrefix(iri, "https://"), "http://"), URL: iri}
	if kind, name, ok := s.iris.LocalActor(iri); ok {
		handle := "@" + name + "@" + s.iris.Domain()
		switch kind {
		case "person":
			if a, err := s.store.FindAccountByUsername(ctx, name); err == nil {
				return ActorName{Name: nonEmpty(a.DisplayName, a.Username), Handle: handle, URL: iri, AvatarURL: s.avatarURL(a.Pictures)}
			}
		case "group":
			if c, err := s.store.FindCommunityBySlug(ctx, name); err == nil {
				return ActorName{Name: nonEmpty(c.Name, c.Slug), Handle: handle, URL: iri, AvatarURL: s.avatarURL(c.Pictures)}
			}
		}
		return fallback
	}
	a, err := s.store.FindRemoteActor(ctx, iri)
	if err != nil {
		return fallback
	}
	return RemoteActorName(a)
}

// avatarURL is the URL of a local actor's avatar, "" when it has none.
func (s *Service) avatarURL(ps convene.Pictures) string {
	if ps.AvatarKey == "" {
		return ""
	}
	return s.iris.Media(ps.AvatarKey)
}

// RemoteActorName names an actor elsewhere as ActorName does, for a page that has it at hand.
func RemoteActorName(a *convene.RemoteActor) ActorName {
	avatar := a.AvatarURL
	if !strings.HasPrefix(avatar, "https://") {
		avatar = ""
	}
	return ActorName{Name: nonEmpty(a.Name, a.Handle()), Handle: a.Handle(), URL: profileURL(a), AvatarURL: avatar}
}

// profileURL is where to link a remote actor: its profile page when that is an http(s) URL
// (a remote server chooses it, and a page must not link to javascript: or data:), else its IRI.
func profileURL(a *convene.RemoteActor) string {
	if u, err := url.Parse(a.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return a.URL
	}
	return a.IRI
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) != "" {
		return s
	}
	return fallback
}
