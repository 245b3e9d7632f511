package federation

import (
	"net/url"
	"strings"

	"github.com/convene-social/convene"
)

// IRIs owns the URL layout of this instance (DESIGN.md §3). ActivityPub ids are permanent,
// so nothing else formats an actor or object URL by hand.
type IRIs struct {
	base   string // "https://convene.example", no trailing slash
	domain string
}

// NewIRIs returns the layout for an instance served at protocol://domain.
func NewIRIs(protocol, domain string) IRIs {
	return IRIs{base: protocol + "://" + domain, domain: domain}
}

// Domain is the public host (with its port, if any).
func (u IRIs) Domain() string { return u.domain }

// Base is the instance's root URL.
func (u IRIs) Base() string { return u.base }

func (u IRIs) Person(username string) string { return u.base + "/u/" + username }
func (u IRIs) Group(slug string) string      { return u.base + "/c/" + slug }
func (u IRIs) InstanceActor() string         { return u.base + "/actor" }
func (u IRIs) SharedInbox() string           { return u.base + "/inbox" }
func (u IRIs) Activity(id string) string     { return u.base + "/a/" + id }
func (u IRIs) Post(id string) string         { return u.base + "/p/" + id }
func (u IRIs) Event(id string) string        { return u.base + "/e/" + id }
func (u IRIs) Tag(name string) string        { return u.base + "/tags/" + name }

// Media is where an uploaded file is served; key is the name the service gave it.
func (u IRIs) Media(key string) string { return u.base + "/media/" + key }

// Collections and keys hang off the actor's id.
func (u IRIs) Inbox(actor string) string     { return actor + "/inbox" }
func (u IRIs) Outbox(actor string) string    { return actor + "/outbox" }
func (u IRIs) Followers(actor string) string { return actor + "/followers" }

// FollowersOwner is the local actor whose followers collection iri is, if it is one.
func (u IRIs) FollowersOwner(iri string) (string, bool) {
	actor, ok := strings.CutSuffix(iri, "/followers")
	if _, _, local := u.LocalActor(actor); !ok || !local {
		return "", false
	}
	return actor, true
}
func (u IRIs) Following(actor string) string  { return actor + "/following" }
func (u IRIs) Featured(actor string) string   { return actor + "/featured" }
func (u IRIs) Moderators(group string) string { return group + "/moderators" }
func (u IRIs) KeyID(actor string) string      { return actor + "#main-key" }

// UpcomingEvents is an actor's FEP-8a8e upcomingEvents collection.
func (u IRIs) UpcomingEvents(actor string) string { return actor + "/upcoming" }

// Attendees is an event's collection of accepted participants (FEP-8a8e).
func (u IRIs) Attendees(event string) string { return event + "/attendees" }

// WebFingerTemplate is the lrdd template host-meta advertises.
func (u IRIs) WebFingerTemplate() string {
	return u.base + "/.well-known/webfinger?resource={uri}"
}

// LocalActor says which local actor an IRI names: kind "person", "group" or "instance" and
// the name, or ok=false if the IRI is not one of this instance's actor ids.
func (u IRIs) LocalActor(iri string) (kind, name string, ok bool) {
	rest, found := strings.CutPrefix(iri, u.base+"/")
	if !found {
		return "", "", false
	}
	switch {
	case rest == "actor":
		return "instance", u.domain, true
	case strings.HasPrefix(rest, "u/"):
		kind, name = "person", rest[2:]
	case strings.HasPrefix(rest, "c/"):
		kind, name = "group", rest[2:]
	default:
		return "", "", false
	}
	if convene.ValidateName("name", name) != nil {
		return "", "", false
	}
	return kind, name, true
}

// IsLocal reports whether iri belongs to this instance.
func (u IRIs) IsLocal(iri string) bool {
	parsed, err := url.Parse(iri)
	return err == nil && strings.EqualFold(parsed.Host, u.domain) && strings.HasPrefix(iri, u.base)
}
