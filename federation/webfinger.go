package federation

import (
	"errors"
	"fmt"
	"strings"

	"github.com/convene-social/convene"
)

// WebFingerTarget names the actor a resource asks about: Kind is TargetNamed for a name that
// may be an account or a community (they share one namespace), or TargetInstance.
type WebFingerTarget struct {
	Kind string
	Name string
}

const (
	TargetNamed    = "named"
	TargetInstance = "instance"
)

// ErrNotOurs is returned for resources on other hosts or of unknown shapes: WebFinger answers 404.
var ErrNotOurs = errors.New("webfinger resource does not name an actor here")

// maxResourceLength bounds what we parse; real resources are far shorter.
const maxResourceLength = 512

// ParseWebFingerResource reads the resource parameter of a WebFinger query: "acct:name@host",
// the same without "acct:" (some clients send it), or an actor URL of this instance. The
// instance actor answers to acct:domain@domain (Mastodon's form) and acct:relay@domain
// (what Mobilizon and Gancio look up).
func (u IRIs) ParseWebFingerResource(resource string) (WebFingerTarget, error) {
	if len(resource) > maxResourceLength || resource == "" {
		return WebFingerTarget{}, ErrNotOurs
	}
	if strings.HasPrefix(resource, "https://") || strings.HasPrefix(resource, "http://") {
		kind, name, ok := u.LocalActor(resource)
		switch {
		case !ok:
			return WebFingerTarget{}, ErrNotOurs
		case kind == "instance":
			return WebFingerTarget{Kind: TargetInstance, Name: u.domain}, nil
		}
		return WebFingerTarget{Kind: TargetNamed, Name: name}, nil
	}
	acct := strings.TrimPrefix(resource, "acct:")
	acct = strings.TrimPrefix(acct, "@")
	at := strings.LastIndexByte(acct, '@')
	if at <= 0 || !strings.EqualFold(acct[at+1:], u.domain) {
		return WebFingerTarget{}, ErrNotOurs
	}
	name := strings.ToLower(acct[:at])
	if name == u.domain || name == "relay" {
		return WebFingerTarget{Kind: TargetInstance, Name: u.domain}, nil
	}
	if convene.ValidateName("name", name) != nil {
		return WebFingerTarget{}, ErrNotOurs
	}
	return WebFingerTarget{Kind: TargetNamed, Name: name}, nil
}

// JRD is a WebFinger answer (RFC 7033).
type JRD struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases,omitempty"`
	Links   []JRDLink `json:"links"`
}

// JRDLink is one link of a JRD.
type JRDLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

// WebFingerFor describes the actor actorID named name: the self link peers follow, the
// profile page, and the subscribe template that lets a visitor follow from their own server.
func (u IRIs) WebFingerFor(name, actorID string) JRD {
	return JRD{
		Subject: fmt.Sprintf("acct:%s@%s", name, u.domain),
		Aliases: []string{actorID},
		Links: []JRDLink{
			{Rel: "self", Type: "application/activity+json", Href: actorID},
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: actorID},
			{Rel: "http://ostatus.org/schema/1.0/subscribe", Template: u.base + "/authorize_interaction?uri={uri}"},
		},
	}
}

// HostMeta is the XRD document that points older clients at WebFinger.
func (u IRIs) HostMeta() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="` + u.WebFingerTemplate() + `"/>
</XRD>
`
}
