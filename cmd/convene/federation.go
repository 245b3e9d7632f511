package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/media"
	"github.com/convene-social/convene/service"
)

// fed is the federation machinery of one process.
type fed struct {
	iris      federation.IRIs
	fetcher   *federation.Fetcher
	resolver  *federation.Resolver
	inbox     *federation.Inbox
	deliverer *federation.Deliverer
}

// newFederation wires fetching, the inbox and delivery around one database and service.
// The service is created here too, since it must wake the deliverer.
func (a *app) newFederation(ctx context.Context, d *db.DB) (*fed, *service.Service, error) {
	f := &fed{iris: federation.NewIRIs(a.cfg.Protocol, a.cfg.Domain)}
	files, err := media.NewDisk(filepath.Join(a.cfg.DataDir, "media"))
	if err != nil {
		return nil, nil, err
	}
	svc := a.newService(d, f.iris, func() { f.deliverer.Kick() }, func(ctx context.Context, handle string) (string, error) {
		actor, err := f.resolver.ResolveHandle(ctx, handle)
		if err != nil {
			return "", err
		}
		return actor.IRI, nil
	}, func(c *service.Config) {
		c.InteractionTemplate = func(ctx context.Context, handle string) (string, error) {
			return f.resolver.InteractionTemplate(ctx, handle)
		}
		c.ResolveActor = func(ctx context.Context, iri string) (*convene.RemoteActor, error) {
			return f.resolver.Actor(ctx, iri)
		}
		c.MediaFiles = files
	})
	if _, _, err := svc.InstanceKeys(ctx); err != nil { // made once, before the first fetch needs them
		return nil, nil, fmt.Errorf("instance actor keys: %w", err)
	}
	keys := federation.NewKeyring(d, f.iris)
	userAgent := fmt.Sprintf("Convene/%s (+%s)", Version(), a.cfg.BaseURL())
	f.fetcher = federation.NewFetcher(federation.FetcherConfig{
		AllowedNetworks: a.cfg.allowedNetworks,
		UserAgent:       userAgent,
		AllowHost:       federation.BlockCheck(d),
		SignGET: func(r *http.Request) error {
			keyID, key, err := keys.SigningKey(r.Context(), f.iris.InstanceActor())
			if err != nil {
				return err
			}
			return federation.SignRequest(r, nil, keyID, key, time.Now())
		},
	})
	f.resolver = federation.NewResolver(d, f.iris, f.fetcher, a.log, nil)
	f.inbox = federation.NewInbox(d, svc, f.resolver, f.iris, a.log)
	f.deliverer = federation.NewDeliverer(federation.DelivererConfig{
		Store: d, IRIs: f.iris, Keys: keys, Client: f.fetcher.Client(), Log: a.log, UserAgent: userAgent,
		Software: federation.NewSoftware(d, f.fetcher, a.log),
	})
	return f, svc, nil
}

// inboxWorkers is how many activities are applied at once.
const inboxWorkers = 4

// workers are the federation's background jobs.
func (f *fed) workers() []workerFunc {
	// Several inbox workers, so one activity whose peer is slow to answer a fetch does not
	// hold up the rest; each claims its own items.
	workers := []workerFunc{{"delivery", f.deliverer.Run}}
	for i := range inboxWorkers {
		workers = append(workers, workerFunc{fmt.Sprintf("inbox-%d", i), func(ctx context.Context) error {
			return f.inbox.RunWorker(ctx, time.Second)
		}})
	}
	return workers
}
