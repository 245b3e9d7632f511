package convene

import (
	"context"
	"time"
)

// RemoteActor is an actor on another server, as we last fetched it. We keep what we need to
// address, verify and show it; its own document is never trusted beyond that.
type RemoteActor struct {
	ID               string    `db:"id"`
	IRI              string    `db:"iri"`
	Type             string    `db:"type"` // Person, Group, Application, Service, Organization
	Username         string    `db:"username"`
	Domain           string    `db:"domain"` // host of IRI, lowercase
	Name             string    `db:"name"`
	Inbox            string    `db:"inbox"`
	SharedInbox      string    `db:"shared_inbox"`
	Followers        string    `db:"followers"`
	URL              string    `db:"url"`
	KeyID            string    `db:"key_id"`
	PublicKeyPEM     string    `db:"public_key_pem"`
	ManuallyApproves bool      `db:"manually_approves"`
	Gone             bool      `db:"gone"` // answered 410: never fetched again
	FetchedAt        time.Time `db:"fetched_at"`
	CreatedAt        time.Time `db:"created_at"`
	// What the actor shows of itself, as its document last said: its avatar (icon) and header
	// (image) as http(s) URLs on its server, and its bio (summary) as sanitized HTML. Empty
	// when it has none or sent one we do not trust.
	AvatarURL string `db:"avatar_url"`
	HeaderURL string `db:"header_url"`
	Summary   string `db:"summary"`
}

// Handle is @username@domain.
func (a *RemoteActor) Handle() string { return "@" + a.Username + "@" + a.Domain }

// DeliveryInbox is where to POST to the actor: its server's shared inbox when it has one.
func (a *RemoteActor) DeliveryInbox() string {
	if a.SharedInbox != "" {
		return a.SharedInbox
	}
	return a.Inbox
}

// FollowState is where a follow stands.
type FollowState string

const (
	FollowPending  FollowState = "pending"  // waiting for the followed actor's Accept
	FollowAccepted FollowState = "accepted" // the follower receives the followee's activities
)

// Follow is one actor following another. Both ends are actor IRIs, local or remote, so
// one table serves "who follows this community" and "whom does this community follow".
type Follow struct {
	ID          string      `db:"id"`
	ActivityIRI string      `db:"activity_iri"` // the Follow activity's id, which Accept/Reject/Undo refer to
	Follower    string      `db:"follower_iri"`
	Followee    string      `db:"followee_iri"`
	State       FollowState `db:"state"`
	CreatedAt   time.Time   `db:"created_at"`
	UpdatedAt   time.Time   `db:"updated_at"`
}

// Activity is something a local actor does that other servers must hear of. The service
// layer records it in the outbox in the same transaction as the change it announces;
// federation renders it to ActivityStreams and delivers it.
type Activity struct {
	ID     string `json:"id"`     // ULID; its IRI is /a/{id}
	Type   string `json:"type"`   // Follow, Accept, Reject, Undo, …
	Actor  string `json:"actor"`  // IRI of the local actor doing it
	Object string `json:"object"` // IRI of what it is done to
	// Inner is the activity an Accept, Reject or Undo answers, embedded as peers expect.
	Inner *InnerActivity `json:"inner,omitempty"`
	// To and Cc list recipients: actor IRIs, a local actor's followers collection IRI, or
	// PublicIRI (which addresses no server by itself).
	To []string `json:"to"`
	Cc []string `json:"cc,omitempty"`
	// Embed names another outbox activity (by ID) that this one carries whole: the
	// community's Announce{Create} of FEP-1b12.
	Embed string `json:"embed,omitempty"`
	// EmbedRaw is a remote activity, exactly as its author sent it, that this Announce
	// carries unchanged (FEP-1b12 for remote members' posts and likes).
	EmbedRaw string `json:"embed_raw,omitempty"`
	// GroupAwareOnly restricts delivery to followers on software that understands groups
	// (Lemmy, Mbin, Convene, …): replies, likes and edits would flood microblog timelines.
	GroupAwareOnly bool      `json:"group_aware_only,omitempty"`
	Published      time.Time `json:"published"`
}

// PublicIRI is ActivityStreams' public collection: addressed to everyone.
const PublicIRI = "https://www.w3.org/ns/activitystreams#Public"

// InnerActivity is an activity embedded in another, identified by its own IRI.
type InnerActivity struct {
	IRI    string `json:"iri"`
	Type   string `json:"type"`
	Actor  string `json:"actor"`
	Object string `json:"object"`
}

// InboxItem is a verified activity waiting to be applied.
type InboxItem struct {
	ID          string `db:"id"`
	ActivityIRI string `db:"activity_iri"`
	// BodyDigest (hex SHA-256 of Body) makes the dedup key with ActivityIRI: some peers
	// reuse an activity's id for a later activity about the same object.
	BodyDigest string    `db:"body_digest"`
	Actor      string    `db:"actor_iri"` // the verified signer's actor
	Body       []byte    `db:"-"`
	Attempts   int       `db:"attempts"`
	ReceivedAt time.Time `db:"received_at"`
}

// Delivery is one activity on its way to one inbox.
type Delivery struct {
	ID            string    `db:"id"`
	ActivityID    string    `db:"activity_id"`
	Inbox         string    `db:"inbox"`
	Host          string    `db:"host"`
	State         string    `db:"state"` // pending, done, dead
	Attempts      int       `db:"attempts"`
	NextAttemptAt time.Time `db:"next_attempt_at"`
	LastStatus    int       `db:"last_status"`
	LastError     string    `db:"last_error"`
	CreatedAt     time.Time `db:"created_at"`
	// LeaseUntil is when the claim that returned it runs out (zero if not claimed).
	LeaseUntil time.Time `db:"-"`
}

// Delivery states.
const (
	DeliveryPending = "pending"
	DeliveryDone    = "done"
	DeliveryDead    = "dead" // gave up: a final answer, or retries exhausted
)

// FederationStore persists what federation needs: remote actors, follows, the inbox and
// outbox queues, deliveries and domain blocks.
type FederationStore interface {
	// FindPrivateKey returns a local actor's private key, to sign as that actor.
	FindPrivateKey(ctx context.Context, actorID string) (PrivateKey, error)

	// UpsertRemoteActor stores a fetched actor by IRI, keeping its ID if known.
	UpsertRemoteActor(ctx context.Context, a *RemoteActor) error
	FindRemoteActor(ctx context.Context, iri string) (*RemoteActor, error)
	FindRemoteActorByKeyID(ctx context.Context, keyID string) (*RemoteActor, error)
	// FindRemoteActorByID finds a remote actor by its row id (the id the client API shows).
	FindRemoteActorByID(ctx context.Context, id string) (*RemoteActor, error)
	// FindRemoteActorByHandle finds a remote actor by username and domain (case-insensitive).
	FindRemoteActorByHandle(ctx context.Context, username, domain string) (*RemoteActor, error)
	// DeleteRemoteActor removes an actor and every follow it is part of.
	DeleteRemoteActor(ctx context.Context, iri string) error
	// FindRemoteActorsByInbox lists the actors whose personal inbox is inbox.
	FindRemoteActorsByInbox(ctx context.Context, inbox string) ([]*RemoteActor, error)

	// CreateFollow records a follow; the pair (follower, followee) is unique (ECONFLICT).
	CreateFollow(ctx context.Context, f *Follow) error
	FindFollow(ctx context.Context, follower, followee string) (*Follow, error)
	FindFollowByActivity(ctx context.Context, activityIRI string) (*Follow, error)
	UpdateFollowState(ctx context.Context, id string, state FollowState, at time.Time) error
	DeleteFollow(ctx context.Context, id string) error
	// FindFollowerActors lists the known remote actors that follow followee (accepted), in
	// one query: fan-out to thousands of followers must not cost a query each.
	FindFollowerActors(ctx context.Context, followee string) ([]*RemoteActor, error)
	// FindFollows lists follows of (Followee) or by (Follower) an actor, newest first.
	FindFollows(ctx context.Context, f FollowFilter) ([]*Follow, error)
	CountFollows(ctx context.Context, f FollowFilter) (int, error)
	// DeleteFollowsWithDomain removes every follow whose remote end is on host.
	DeleteFollowsWithDomain(ctx context.Context, host string) (int, error)

	// EnqueueActivity adds an activity to the outbox, to be fanned out to its recipients.
	EnqueueActivity(ctx context.Context, a *Activity) error
	FindActivity(ctx context.Context, id string) (*Activity, error)

	// EnqueueInbox stores a verified incoming activity once; a repeat is an ECONFLICT.
	EnqueueInbox(ctx context.Context, item *InboxItem) error

	// FindInstanceSoftware returns what software a host runs (from its NodeInfo) and when
	// that was learnt; ENOTFOUND if never.
	FindInstanceSoftware(ctx context.Context, host string) (software string, fetchedAt time.Time, err error)
	UpsertInstanceSoftware(ctx context.Context, host, software, version string, at time.Time) error

	BlockDomain(ctx context.Context, host string, at time.Time) error
	UnblockDomain(ctx context.Context, host string) error
	IsDomainBlocked(ctx context.Context, host string) (bool, error)
	FindDomainBlocks(ctx context.Context) ([]string, error)
}

// FollowFilter selects follows; zero fields do not filter.
type FollowFilter struct {
	Follower string
	// Followers matches follows by any of these actors (the home page asks about all of the
	// instance's communities at once).
	Followers []string
	Followee  string
	// Followees matches follows of any of these actors (the follow requests of every
	// community one moderates).
	Followees []string
	State     FollowState
	BeforeID  string
	Limit     int
}

// QueueStore is the durable machinery under federation: claiming outbox activities for
// fan-out, deliveries for sending and inbox items for applying. Claims are exclusive across
// processes and expire (a lease), so a crashed worker's items are taken up again.
type QueueStore interface {
	// ClaimFanOut returns up to n activities not yet fanned out, leased for lease.
	ClaimFanOut(ctx context.Context, now time.Time, n int, lease time.Duration) ([]*Activity, error)
	// FanOut creates one pending delivery per inbox (once per inbox) and marks the activity done.
	FanOut(ctx context.Context, activityID string, inboxes []string, now time.Time) error

	ClaimDeliveries(ctx context.Context, now time.Time, n int, lease time.Duration) ([]*Delivery, error)
	// FinishDelivery records an attempt's outcome: state done, dead, or pending again at next.
	// It changes nothing if d's lease was lost (expired and claimed again elsewhere): the
	// newer claim owns the outcome.
	FinishDelivery(ctx context.Context, d *Delivery, state string, status int, errMsg string, next, now time.Time) error
	// DeferDelivery puts a claimed delivery back until next without counting an attempt
	// (its host is busy or its circuit breaker is open).
	DeferDelivery(ctx context.Context, d *Delivery, next time.Time) error
	// RecordHostResult updates a host's health after an attempt; it returns whether the host
	// is now unavailable (failures on 7 distinct days, cleared by any success).
	RecordHostResult(ctx context.Context, host string, ok bool, now time.Time) (unavailable bool, err error)
	// FindUnavailableHosts lists every host marked unavailable (a short list).
	FindUnavailableHosts(ctx context.Context) ([]string, error)

	ClaimInbox(ctx context.Context, now time.Time, n int, lease time.Duration) ([]*InboxItem, error)
	FinishInbox(ctx context.Context, id string, ok bool, errMsg string, next time.Time) error

	QueueStats(ctx context.Context) (QueueStats, error)
	FindDeliveries(ctx context.Context, state string, limit int) ([]*Delivery, error)
}

// QueueStats counts the queues, for `convene queue` and metrics.
type QueueStats struct {
	OutboxPending     int
	DeliveriesPending int // due now or later
	DeliveriesFailing int // pending after at least one failed attempt
	DeliveriesDead    int
	DeliveriesDone    int
	InboxPending      int
	InboxFailed       int
	UnavailableHosts  []string
}

// IRIs is the URL layout of local actors and objects, which federation owns; the service
// layer gets it through this interface to address activities.
type IRIs interface {
	Domain() string
	Person(username string) string
	Group(slug string) string
	InstanceActor() string
	Followers(actor string) string
	// FollowersOwner is the local actor whose followers collection iri is, if it is one.
	FollowersOwner(iri string) (actor string, ok bool)
	Activity(id string) string
	Post(id string) string
	Event(id string) string
	Attendees(event string) string
	Tag(name string) string
	// Media is the URL of a stored file.
	Media(key string) string
	// LocalActor says which local actor an IRI names ("person", "group" or "instance").
	LocalActor(iri string) (kind, name string, ok bool)
}
