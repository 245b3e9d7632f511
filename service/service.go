// Package service holds Convene's use-cases: every rule about who may do what and what input
// is acceptable lives here, once, and the web UI, the Mastodon API, federation and the CLI
// all call it. It depends only on the domain package and its store interfaces.
package service

import (
	"context"
	"log/slog"
	"time"

	"github.com/convene-social/convene"
)

// Config is what a Service needs. Store is required; the rest have defaults.
type Config struct {
	Store        convene.Store
	IRIs         convene.IRIs             // the URL layout, for addressing activities
	Registration convene.RegistrationMode // default approval
	Logger       *slog.Logger
	// Now is the clock; tests fix it.
	Now func() time.Time
	// NewKeyPair makes an actor's signing keys; GenerateKeyPair (RSA-2048) by default. Tests
	// pass a cheaper one, since RSA key generation dominates their run time.
	NewKeyPair func() (convene.KeyPair, error)
	// OutboxNotify, if set, is called after a use-case queued activities, to wake delivery.
	OutboxNotify func()
	// ResolveHandle, if set, finds the actor IRI of a remote @name@host (federation's
	// WebFinger), so mentions of people elsewhere become links and reach them.
	ResolveHandle func(ctx context.Context, handle string) (string, error)
	// InteractionTemplate, if set, finds where the owner of a remote handle follows things
	// from other servers (federation's WebFinger subscribe template, with {uri} in it), for
	// "Follow from Mastodon".
	InteractionTemplate func(ctx context.Context, handle string) (string, error)
	// ResolveActor, if set, fetches (or finds cached) the remote actor at an IRI, so that a
	// member arriving from "Follow from Mastodon" on another server can follow it.
	ResolveActor func(ctx context.Context, iri string) (*convene.RemoteActor, error)
	// EventBus, if set, carries stream events to every process serving the database
	// (PostgreSQL's LISTEN/NOTIFY); without it they reach this process's subscribers only.
	EventBus convene.EventBus
	// StreamsPerAccount and StreamsTotal bound live streaming subscriptions (defaults 16, 10000).
	StreamsPerAccount, StreamsTotal int
	// MediaFiles keeps uploads; without it, uploads are refused.
	MediaFiles convene.MediaFiles
}

// Service runs the use-cases.
type Service struct {
	store        convene.Store
	iris         convene.IRIs
	registration convene.RegistrationMode
	log          *slog.Logger
	now          func() time.Time
	newKeyPair   func() (convene.KeyPair, error)
	outboxNotify func()
	resolve      func(ctx context.Context, handle string) (string, error)
	interaction  func(ctx context.Context, handle string) (string, error)
	resolveActor func(ctx context.Context, iri string) (*convene.RemoteActor, error)
	// Sign-in attempts, per client address and per login: Mastodon's published limits of
	// 25 in 5 minutes per address and 25 in an hour per account.
	signInByIP, signInByLogin *throttle
	// settings caches the admin's instance settings (settings.go).
	settings settingsCache
	// Follow-from-Mastodon lookups per client address: each makes this server fetch from
	// the host a visitor names, which no one should be able to repeat at will.
	remoteFollowByIP *throttle
	// Lookups of actors elsewhere a member is about to follow (/authorize_interaction),
	// per account: each may fetch, signed, from any address the member names.
	remoteActorByAccount *throttle
	// hub and bus carry live events to streaming clients (stream*.go).
	hub       *Hub
	bus       convene.EventBus
	accountID accountIDCache
	tagTrends tagTrendCache
	// files keeps uploads; uploadsByAccount bounds them as Mastodon does (30 in 30 minutes).
	files            convene.MediaFiles
	uploadsByAccount *throttle
	// imageSlots bounds how many uploads are decoded at once: a picture at the pixel limit
	// takes a few hundred megabytes while it is processed.
	imageSlots chan struct{}
}

// New returns a Service for cfg.
func New(cfg Config) *Service {
	s := &Service{
		store:         cfg.Store,
		iris:          cfg.IRIs,
		registration:  cfg.Registration,
		log:           cfg.Logger,
		now:           cfg.Now,
		newKeyPair:    cfg.NewKeyPair,
		outboxNotify:  cfg.OutboxNotify,
		resolve:       cfg.ResolveHandle,
		interaction:   cfg.InteractionTemplate,
		signInByIP:    newThrottle(25, 5*time.Minute),
		signInByLogin: newThrottle(25, time.Hour),
	}
	if s.registration == "" {
		s.registration = convene.RegistrationApproval
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newKeyPair == nil {
		s.newKeyPair = GenerateKeyPair
	}
	s.remoteFollowByIP = newThrottle(remoteFollowLimit, 5*time.Minute)
	s.remoteActorByAccount = newThrottle(remoteFollowLimit, 5*time.Minute)
	s.resolveActor = cfg.ResolveActor
	s.files, s.uploadsByAccount = cfg.MediaFiles, newThrottle(30, 30*time.Minute)
	s.imageSlots = make(chan struct{}, 2)
	s.initStreams(cfg)
	return s
}

// timestamp is the current time as stored: UTC, at the microsecond precision both databases keep.
func (s *Service) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// notifyOutbox wakes delivery after activities were queued.
func (s *Service) notifyOutbox() {
	if s.outboxNotify != nil {
		s.outboxNotify()
	}
}
