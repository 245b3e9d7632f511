package convene

import (
	"context"
	"time"
)

// Store is everything the service layer persists. Use-cases that change several things at
// once do it inside InTx, so either all of it lands or none of it does.
type Store interface {
	AccountStore
	CommunityStore
	InstanceStore
	FederationStore
	QueueStore
	PostStore
	NotificationStore
	EventStore
	SessionStore
	SettingsStore
	IdempotencyStore
	TimelineStore
	MarkerStore
	BoostStore
	BookmarkStore
	SearchStore
	DirectoryStore
	TrendStore
	ListStore
	StatsStore
	OAuthStore
	MediaStore
	PictureStore
	PollStore

	// InTx runs fn in one transaction: it commits if fn returns nil and rolls back otherwise.
	// fn must use the Store it is given, not the outer one.
	InTx(ctx context.Context, fn func(Store) error) error
}

// InstanceStore keeps the instance actor's key pair.
type InstanceStore interface {
	// FindInstanceKeys returns the keys and when they were made; ENOTFOUND before the first.
	FindInstanceKeys(ctx context.Context) (KeyPair, time.Time, error)
	// CreateInstanceKeys stores the keys once; a second call is an ECONFLICT.
	CreateInstanceKeys(ctx context.Context, keys KeyPair, at time.Time) error
}
