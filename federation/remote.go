package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// actorRefresh is how long a fetched actor is trusted before it is fetched again.
const actorRefresh = 24 * time.Hour

// acceptedActorTypes are the actor types Mastodon accepts; we follow its lead.
var acceptedActorTypes = map[string]bool{"Person": true, "Group": true, "Application": true, "Service": true, "Organization": true}

// ErrBlockedDomain is returned before any network access to a blocked domain.
var ErrBlockedDomain = errors.New("domain is blocked")

// Resolver finds remote actors: from the cache in the database, or by fetching them.
type Resolver struct {
	isLocal func(iri string) bool
	store   convene.Store
	fetcher *Fetcher
	log     *slog.Logger
	now     func() time.Time
	// signers keeps the actors behind recently seen keyIds in memory: a busy peer signs
	// every delivery with the same key, and each lookup would otherwise be a query.
	signers boundedCache // keyId → signerEntry
}

type signerEntry struct {
	actor  *convene.RemoteActor
	expiry time.Time
}

// signerCacheTTL bounds how long a key stays trusted in memory without a look at the
// database (where a Delete or a refetch may have changed it).
const signerCacheTTL = time.Minute

// NewResolver returns a Resolver over the store's actor cache for the instance at iris.
func NewResolver(store convene.Store, iris IRIs, fetcher *Fetcher, log *slog.Logger, now func() time.Time) *Resolver {
	if now == nil {
		now = time.Now
	}
	return &Resolver{isLocal: iris.IsLocal, store: store, fetcher: fetcher, log: log, now: now}
}

// Actor returns the remote actor iri, fetching it when unknown or older than a day. An
// actor that answered 410 stays gone.
func (r *Resolver) Actor(ctx context.Context, iri string) (*convene.RemoteActor, error) {
	cached, err := r.store.FindRemoteActor(ctx, iri)
	if err == nil && (cached.Gone || r.now().Sub(cached.FetchedAt) < actorRefresh) {
		if cached.Gone {
			return nil, fmt.Errorf("actor %s: %w", iri, ErrGone)
		}
		return cached, nil
	}
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return nil, err
	}
	return r.Refresh(ctx, iri)
}

// Refresh fetches the actor iri again and stores it; a 410 marks it gone. Our own actors are
// never fetched as remote ones.
func (r *Resolver) Refresh(ctx context.Context, iri string) (*convene.RemoteActor, error) {
	if r.isLocal(iri) {
		return nil, fmt.Errorf("%s is a local actor", iri)
	}
	if err := r.checkBlocked(ctx, iri); err != nil {
		return nil, err
	}
	doc, err := r.fetcher.FetchAS2(ctx, iri)
	if errors.Is(err, ErrGone) {
		r.markGone(ctx, iri)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	a, err := parseActor(doc.Body)
	if err != nil {
		return nil, fmt.Errorf("actor %s: %w", iri, err)
	}
	now := r.now().UTC().Truncate(time.Microsecond)
	a.ID, a.FetchedAt, a.CreatedAt = convene.NewIDAt(now), now, now
	if err := r.store.UpsertRemoteActor(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// ActorByKeyID returns the actor owning keyID, for verifying a signature. Mastodon's keyIds
// are "actor#main-key"; GoToSocial's are "…/main-key" documents naming their owner. Either
// way the key counts only if the owner's own document lists it.
func (r *Resolver) ActorByKeyID(ctx context.Context, keyID string, refresh bool) (*convene.RemoteActor, error) {
	if !refresh {
		if e, ok := r.signers.get(keyID); ok && r.now().Before(e.(signerEntry).expiry) {
			return e.(signerEntry).actor, nil
		}
		if a, err := r.store.FindRemoteActorByKeyID(ctx, keyID); err == nil && !a.Gone && r.now().Sub(a.FetchedAt) < actorRefresh {
			r.signers.put(keyID, signerEntry{a, r.now().Add(signerCacheTTL)})
			return a, nil
		}
	}
	r.signers.delete(keyID)
	owner, err := r.keyOwner(ctx, keyID)
	if err != nil {
		return nil, err
	}
	a, err := r.Refresh(ctx, owner)
	if err != nil {
		return nil, err
	}
	if a.KeyID != keyID {
		return nil, fmt.Errorf("key %s is not the key of its owner %s", keyID, owner)
	}
	r.signers.put(keyID, signerEntry{a, r.now().Add(signerCacheTTL)})
	return a, nil
}

// keyOwner names the actor a keyId belongs to: the keyId without its fragment, or for a key
// document at a path of its own, the owner it names.
func (r *Resolver) keyOwner(ctx context.Context, keyID string) (string, error) {
	u, err := url.Parse(keyID)
	if err != nil || !isHTTPURL(keyID) {
		return "", fmt.Errorf("keyId %q is not an http(s) URL", keyID)
	}
	if u.Fragment != "" {
		u.Fragment = ""
		return u.String(), nil
	}
	if err := r.checkBlocked(ctx, keyID); err != nil {
		return "", err
	}
	doc, err := r.fetcher.FetchAS2Unverified(ctx, keyID)
	if err != nil {
		return "", err
	}
	var key struct {
		ID        string `json:"id"`
		Owner     string `json:"owner"`
		PublicKey struct {
			Owner string `json:"owner"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal(doc.Body, &key); err != nil {
		return "", fmt.Errorf("key %s: %w", keyID, err)
	}
	owner := firstNonEmpty(key.Owner, key.PublicKey.Owner, key.ID)
	if hostOf(owner) != hostOf(keyID) || owner == keyID {
		return "", fmt.Errorf("key %s names owner %q on another host", keyID, owner)
	}
	return owner, nil
}

func (r *Resolver) checkBlocked(ctx context.Context, iri string) error {
	return BlockCheck(r.store)(ctx, hostnameOf(iri))
}

// BlockCheck returns a FetcherConfig.AllowHost that refuses blocked domains, so no hop of a
// fetch (a redirect included) reaches one.
func BlockCheck(store convene.FederationStore) func(ctx context.Context, host string) error {
	return func(ctx context.Context, host string) error {
		host = strings.TrimSuffix(strings.ToLower(host), ".")
		blocked, err := store.IsDomainBlocked(ctx, host)
		if err != nil {
			return err
		}
		if blocked {
			return fmt.Errorf("%s: %w", host, ErrBlockedDomain)
		}
		return nil
	}
}

func (r *Resolver) markGone(ctx context.Context, iri string) {
	a, err := r.store.FindRemoteActor(ctx, iri)
	if err != nil {
		return
	}
	a.Gone, a.FetchedAt = true, r.now().UTC()
	if err := r.store.UpsertRemoteActor(ctx, a); err != nil {
		r.log.WarnContext(ctx, "mark actor gone", "actor", iri, "err", err)
	}
}

// ResolveHandle finds @user@host through WebFinger and fetches the actor it names.
func (r *Resolver) ResolveHandle(ctx context.Context, handle string) (*convene.RemoteActor, error) {
	h, err := convene.ParseHandle(handle)
	if err != nil {
		return nil, err
	}
	jrd, err := r.webFinger(ctx, h)
	if err != nil {
		return nil, err
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && (l.Type == "application/activity+json" || strings.HasPrefix(l.Type, "application/ld+json")) {
			return r.Actor(ctx, l.Href)
		}
	}
	return nil, fmt.Errorf("webfinger %s: no ActivityPub actor link", h)
}

// webFinger asks the handle's own server about it (RFC 7033), through the guarded fetcher
// and never at a blocked domain.
func (r *Resolver) webFinger(ctx context.Context, h convene.Handle) (*JRD, error) {
	if err := r.checkBlocked(ctx, "https://"+h.Host); err != nil {
		return nil, err
	}
	scheme := "https"
	if r.fetcher.allowsPrivate(h.Host) {
		scheme = "http" // loopback test peers and LANs run without TLS
	}
	resource := url.QueryEscape("acct:" + h.String())
	body, err := r.fetcher.FetchJSON(ctx, scheme+"://"+h.Host+"/.well-known/webfinger?resource="+resource, "application/jrd+json, application/json")
	if err != nil {
		return nil, fmt.Errorf("webfinger %s: %w", h, err)
	}
	var jrd JRD
	if err := json.Unmarshal(body, &jrd); err != nil {
		return nil, fmt.Errorf("webfinger %s: %w", h, err)
	}
	return &jrd, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// applicationRel is the NodeInfo link relation that names a server's instance actor (FEP-2677).
const applicationRel = "https://www.w3.org/ns/activitystreams#Application"

// ResolveInstanceActor finds the instance actor of host: the FEP-2677 link in its NodeInfo
// discovery document (Mobilizon, Gancio, Convene), else WebFinger's relay@host (older
// Mobilizon and Gancio).
func (r *Resolver) ResolveInstanceActor(ctx context.Context, host string) (*convene.RemoteActor, error) {
	host = strings.ToLower(strings.TrimSpace(host))
	if host == "" || strings.ContainsAny(host, "/?#@ \\") {
		return nil, convene.Errorf(convene.EINVALID, "%q is not a host name like events.example.org", host)
	}
	if err := r.checkBlocked(ctx, "https://"+host); err != nil {
		return nil, err
	}
	scheme := "https"
	if r.fetcher.allowsPrivate(host) {
		scheme = "http"
	}
	body, err := r.fetcher.FetchJSON(ctx, scheme+"://"+host+"/.well-known/nodeinfo", "application/json")
	if err == nil {
		var links struct {
			Links []struct{ Rel, Href string } `json:"links"`
		}
		if json.Unmarshal(body, &links) == nil {
			for _, l := range links.Links {
				if l.Rel == applicationRel && hostOf(l.Href) == host {
					return r.Actor(ctx, l.Href)
				}
			}
		}
	}
	return r.ResolveHandle(ctx, "relay@"+host)
}
