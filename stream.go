package convene

import "context"

// Kinds of StreamEvent, named as Mastodon's streaming API names its events.
const (
	StreamUpdate       = "update"        // a new post
	StreamStatusUpdate = "status.update" // an edited post
	StreamDelete       = "delete"        // a deleted post
	StreamNotification = "notification"  // a new notification for a local account
	// StreamRevoke is not sent to clients: it closes every stream opened with a token that
	// was revoked, in every process.
	StreamRevoke = "revoke"
)

// StreamEvent is something live clients (Mastodon apps on the streaming API) hear about. It
// carries ids and its audience, never rendered content: every process renders it for its own
// subscribers, so it stays small enough for PostgreSQL's NOTIFY.
type StreamEvent struct {
	Kind           string   `json:"k"`
	PostID         string   `json:"p,omitempty"`
	NotificationID string   `json:"n,omitempty"`
	TokenID        string   `json:"tok,omitempty"` // StreamRevoke: the revoked token
	Public         bool     `json:"pub,omitempty"` // belongs in the public stream
	Local          bool     `json:"loc,omitempty"` // ... and in public:local (a local author's post)
	Tags           []string `json:"t,omitempty"`   // the hashtag streams it belongs in (public posts only)
	// Accounts are the local accounts whose home timeline (the user stream) it belongs in; for
	// a notification, the account notified.
	Accounts []string `json:"a,omitempty"`
	// Lists are the lists (by id) whose timeline it belongs in (the list streams).
	Lists []string `json:"l,omitempty"`
}

// EventBus carries stream events between the processes serving one database. Publish sends
// an event to every process, this one included; Listen delivers each event published anywhere
// to deliver, in order, until ctx ends or the bus fails.
type EventBus interface {
	Publish(ctx context.Context, ev StreamEvent) error
	Listen(ctx context.Context, deliver func(StreamEvent)) error
}
