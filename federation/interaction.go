package federation

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/convene-social/convene"
)

// subscribeRel is the WebFinger link whose template says where a person interacts with
// things from elsewhere: Mastodon's https://host/authorize_interaction?uri={uri}, and the
// same relation on Pleroma, Akkoma, Misskey, GoToSocial and Convene.
const subscribeRel = "http://ostatus.org/schema/1.0/subscribe"

// InteractionTemplate finds, through WebFinger at the handle's own server, the URL template
// where that person follows or answers something from another server ("Follow from
// Mastodon"). It contains {uri}, for the caller to fill with an escaped IRI. Errors meant
// for the person typing the handle are *convene.Error: EINVALID for a malformed handle or one
// on a host we may not reach, EFORBIDDEN for a blocked domain, ENOTFOUND for an unknown
// account or a server without the template; anything else is a failed lookup.
func (r *Resolver) InteractionTemplate(ctx context.Context, handle string) (string, error) {
	h, err := convene.ParseHandle(handle)
	if err != nil {
		return "", err
	}
	if !h.IsPublicName() && !r.fetcher.privateAllowed() {
		// Ports and addresses belong to test peers and LANs; a public server has a name.
		return "", convene.Errorf(convene.EINVALID, "%s is not on a server with a public name like example.org", h)
	}
	jrd, err := r.webFinger(ctx, h)
	switch {
	case errors.Is(err, ErrBlockedDomain):
		return "", convene.Errorf(convene.EFORBIDDEN, "%s is blocked on this server", h.Hostname())
	case errors.Is(err, ErrNotFound):
		return "", convene.Errorf(convene.ENOTFOUND, "there is no account %s", h)
	case err != nil:
		return "", err
	}
	for _, l := range jrd.Links {
		if l.Rel == subscribeRel && r.usableTemplate(l.Template) {
			return l.Template, nil
		}
	}
	return "", convene.Errorf(convene.ENOTFOUND, "the server of %s does not say where to follow from", h)
}

// usableTemplate accepts an absolute https URL template with {uri} and no userinfo; plain
// http only for a host inside the allowed private networks (test peers). The template may be
// on another host than the handle (Mastodon's web domain may differ from its account domain).
func (r *Resolver) usableTemplate(tmpl string) bool {
	if !strings.Contains(tmpl, "{uri}") || strings.ContainsAny(tmpl, " \t\r\n\\") {
		return false
	}
	u, err := url.Parse(strings.ReplaceAll(tmpl, "{uri}", "x"))
	if err != nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return r.fetcher.allowsPrivate(u.Host)
	}
	return false
}
