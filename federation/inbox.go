package federation

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// MaxInboxBody is the largest activity we accept (Mastodon's limit; larger answers 413).
const MaxInboxBody = 1 << 20

// Inbox accepts activities POSTed to our inboxes and applies them later.
type Inbox struct {
	store    convene.Store
	svc      *service.Service
	resolver *Resolver
	iris     IRIs
	log      *slog.Logger
	now      func() time.Time
	pubKeys  boundedCache // keyId+PEM → parsed crypto.PublicKey
	refetch  boundedCache // keyId → time of its last refetch after a failed verification
	kick     chan struct{}
}

// NewInbox returns an Inbox.
func NewInbox(store convene.Store, svc *service.Service, resolver *Resolver, iris IRIs, log *slog.Logger) *Inbox {
	return &Inbox{store: store, svc: svc, resolver: resolver, iris: iris, log: log, now: time.Now, kick: make(chan struct{}, 1)}
}

// Kick wakes the inbox worker after an activity was queued.
func (in *Inbox) Kick() {
	select {
	case in.kick <- struct{}{}:
	default:
	}
}

// Rejection is why an inbox POST was refused, with the status to answer. Statuses follow
// Mastodon so senders react correctly: 401 for signatures (they may refetch our key), 403 for
// blocks, 413 for size; never 400 or 500 for well-formed but refused input, which senders
// drop or retry forever.
type Rejection struct {
	Status int
	Reason error
}

func (r *Rejection) Error() string { return fmt.Sprintf("%d: %v", r.Status, r.Reason) }
func (r *Rejection) Unwrap() error { return r.Reason }

func reject(status int, format string, args ...any) *Rejection {
	return &Rejection{Status: status, Reason: fmt.Errorf(format, args...)}
}

// Receive checks an inbox POST and queues it: size, signature and digest, domain blocks
// (before any fetch), that the signer is the activity's actor, and dedup by activity id and
// body (a byte-identical redelivery is dropped; peers reuse ids for later activities).
// It returns nil when the activity is queued (or was already): answer 202.
func (in *Inbox) Receive(ctx context.Context, r *http.Request) error {
	body, rej := readInboxBody(r)
	if rej != nil {
		return rej
	}
	sig, err := ParseSignature(r)
	if err != nil {
		return reject(http.StatusUnauthorized, "%w", err)
	}
	activity, err := parseActivity(body)
	if err != nil {
		return reject(http.StatusBadRequest, "%w", err)
	}
	// An activity's id lives on its actor's server; otherwise one peer could claim another's
	// ids in advance and have the real activity dropped as a duplicate.
	if hostOf(activity.ID) != hostOf(activity.Actor.ID) || in.iris.IsLocal(activity.Actor.ID) {
		return reject(http.StatusForbidden, "activity %s is not on its actor's host %s", activity.ID, activity.Actor.ID)
	}
	if rej := in.checkBlocked(ctx, sig.KeyID, activity.Actor.ID); rej != nil {
		return rej
	}
	signer, rej := in.verify(ctx, r, body, sig, activity)
	if rej != nil {
		return rej
	}
	if signer == nil {
		return nil // a gone actor's own Delete, applied already
	}
	if signer.IRI != activity.Actor.ID {
		// 403, not 401: the sender cannot fix this by retrying (a forwarded activity).
		return reject(http.StatusForbidden, "signed by %s but the actor is %s", signer.IRI, activity.Actor.ID)
	}
	digest := sha256.Sum256(body)
	item := &convene.InboxItem{ID: convene.NewID(), ActivityIRI: activity.ID, BodyDigest: hex.EncodeToString(digest[:]),
		Actor: signer.IRI, Body: body, ReceivedAt: in.now().UTC().Truncate(time.Microsecond)}
	if err := in.store.EnqueueInbox(ctx, item); err != nil && convene.ErrorCode(err) != convene.ECONFLICT {
		return err
	}
	return nil
}

func readInboxBody(r *http.Request) ([]byte, *Rejection) {
	if r.ContentLength > MaxInboxBody {
		return nil, reject(http.StatusRequestEntityTooLarge, "body of %d bytes", r.ContentLength)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxInboxBody+1))
	if err != nil {
		return nil, reject(http.StatusBadRequest, "read body: %w", err)
	}
	if len(body) > MaxInboxBody {
		return nil, reject(http.StatusRequestEntityTooLarge, "body over %d bytes", MaxInboxBody)
	}
	if !utf8.Valid(body) { // PostgreSQL would refuse to store it
		return nil, reject(http.StatusBadRequest, "body is not UTF-8")
	}
	return body, nil
}

// checkBlocked refuses blocked domains before anything is fetched from them.
func (in *Inbox) checkBlocked(ctx context.Context, iris ...string) *Rejection {
	for _, iri := range iris {
		blocked, err := in.store.IsDomainBlocked(ctx, hostnameOf(iri))
		if err != nil {
			return reject(http.StatusServiceUnavailable, "check domain block: %w", err)
		}
		if blocked {
			return reject(http.StatusForbidden, "%s is blocked", hostnameOf(iri))
		}
	}
	return nil
}

// verify finds the signing key's actor and checks the signature, fetching the key again
// once if it fails (the actor may have rotated it).
func (in *Inbox) verify(ctx context.Context, r *http.Request, body []byte, sig *Signature, activity *incoming) (*convene.RemoteActor, *Rejection) {
	for attempt := 0; attempt < 2; attempt++ {
		signer, err := in.resolver.ActorByKeyID(ctx, sig.KeyID, attempt > 0)
		if err != nil {
			if errors.Is(err, ErrGone) && in.isSelfDelete(activity, sig) {
				return nil, in.forgetGoneActor(ctx, activity.Actor.ID)
			}
			return nil, reject(http.StatusUnauthorized, "signing key %s: %w", sig.KeyID, err)
		}
		pub, err := in.publicKey(signer)
		if err != nil {
			return nil, reject(http.StatusUnauthorized, "key of %s: %w", signer.IRI, err)
		}
		err = VerifyRequest(r, body, sig, pub, in.now())
		if err == nil {
			return signer, nil
		}
		if !errors.Is(err, ErrSignatureInvalid) || !in.mayRefetch(sig.KeyID) {
			return nil, reject(http.StatusUnauthorized, "%w", err)
		}
	}
	return nil, reject(http.StatusUnauthorized, "%w after refetching the key", ErrSignatureInvalid)
}

func (in *Inbox) publicKey(a *convene.RemoteActor) (crypto.PublicKey, error) {
	cacheKey := a.KeyID + "\n" + a.PublicKeyPEM
	if pub, ok := in.pubKeys.get(cacheKey); ok {
		return pub.(crypto.PublicKey), nil
	}
	pub, err := parsePublicKey(a.PublicKeyPEM)
	if err != nil {
		return nil, err
	}
	in.pubKeys.put(cacheKey, pub)
	return pub, nil
}

// keyRefetchInterval is how often a failing signature may make us fetch the same key again
// (Mastodon: a 5-minute cool-off). Without it, junk signatures under a real keyId would make
// us hammer that actor's server.
const keyRefetchInterval = 5 * time.Minute

func (in *Inbox) mayRefetch(keyID string) bool {
	if last, ok := in.refetch.get(keyID); ok && in.now().Sub(last.(time.Time)) < keyRefetchInterval {
		return false
	}
	in.refetch.put(keyID, in.now())
	return true
}

// isSelfDelete reports whether the activity is an actor deleting itself with its own key:
// that key is gone too (410), so the request cannot be verified.
func (in *Inbox) isSelfDelete(a *incoming, sig *Signature) bool {
	return a.Type == "Delete" && a.Object.ID == a.Actor.ID && sig.KeyOwnerURL() == a.Actor.ID
}

// forgetGoneActor removes an actor that announced its own deletion, but only after its own
// server confirms it with a 410 for the actor itself: the unverifiable Delete proves nothing.
func (in *Inbox) forgetGoneActor(ctx context.Context, iri string) *Rejection {
	if _, err := in.resolver.Refresh(ctx, iri); !errors.Is(err, ErrGone) {
		return reject(http.StatusUnauthorized, "Delete of %s, which is not gone: %v", iri, err)
	}
	if err := in.store.DeleteRemoteActor(ctx, iri); err != nil {
		return reject(http.StatusServiceUnavailable, "delete gone actor: %w", err)
	}
	in.log.InfoContext(ctx, "removed an actor that deleted itself", "actor", iri)
	return nil
}

// VerifyFetch checks a signed GET: a valid signature by an actor whose domain is not
// blocked. It returns that actor's IRI, or a Rejection (401 or 403).
func (in *Inbox) VerifyFetch(ctx context.Context, r *http.Request) (string, error) {
	sig, err := ParseSignature(r)
	if err != nil {
		return "", reject(http.StatusUnauthorized, "%w", err)
	}
	if rej := in.checkBlocked(ctx, sig.KeyID); rej != nil {
		return "", rej
	}
	signer, rej := in.verify(ctx, r, nil, sig, &incoming{})
	if rej != nil {
		return "", rej
	}
	return signer.IRI, nil
}
