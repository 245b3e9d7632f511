package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/handlers"
	"github.com/convene-social/convene/service"
)

// drainTimeout is how long in-flight requests may take to finish after a shutdown signal.
const drainTimeout = 10 * time.Second

func setupServe(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) > 0 {
			return usageError{fmt.Sprintf("serve takes no arguments, got %q", args)}
		}
		return a.serve(ctx)
	}
}

// serve runs the server until ctx ends (SIGINT or SIGTERM), then shuts down gracefully.
func (a *app) serve(ctx context.Context) error {
	start := time.Now()
	d, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	f, svc, err := a.newFederation(ctx, d)
	if err != nil {
		return err
	}
	if err := d.ReleaseClaims(ctx); err != nil {
		return err
	}
	render, err := frontend.New()
	if err != nil {
		return err
	}
	h := handlers.New(handlers.Config{
		Service: svc, Renderer: render, Logger: a.log, Domain: a.cfg.Domain, Protocol: a.cfg.Protocol, Version: Version(),
		Inbox: f.inbox, AS2: federation.NewRenderer(f.iris, d), AuthorizedFetch: a.cfg.authorizedFetch,
		Ready: func(ctx context.Context) error {
			if err := d.Ping(ctx); err != nil {
				return err
			}
			return d.CheckSchema(ctx)
		},
	})
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (CONVENE_LISTEN): %w", a.cfg.Listen, err)
	}
	a.log.Info("listening", "addr", ln.Addr().String(), "url", a.cfg.BaseURL(),
		"database", string(d.Dialect()), "startup_ms", time.Since(start).Milliseconds())

	workers := startWorkers(ctx, a.log, append(f.workers(), workerFunc{"sqlite-optimize", sqliteOptimizer(d)},
		workerFunc{"session-sweep", sweeper("expired sessions", time.Hour, svc.DeleteExpiredSessions, a.log)},
		workerFunc{"stream-listener", svc.RunStreamListener},
		workerFunc{"media-sweep", sweeper("unattached media", time.Hour, svc.SweepMedia, a.log)},
		// Polls are swept every minute: it bounds how late a poll closes and how often peers
		// hear of its votes.
		workerFunc{"poll-sweep", sweeper("polls", time.Minute, svc.SweepPolls, a.log)})...)
	err = serveHTTP(ctx, newHTTPServer(h, a), ln, h.Drain, drainTimeout)
	a.log.Info("stopping workers")
	workers.stop()
	a.log.Info("stopped")
	return err
}

func newHTTPServer(h http.Handler, a *app) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
}

// serveHTTP serves on ln until ctx ends, then stops accepting, lets requests in flight finish
// for up to drain, and closes whatever is left.
func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener, onShutdown func(), drain time.Duration) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	onShutdown()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
		err = fmt.Errorf("requests still running after %s were cut off", drain)
	}
	if serr := <-serveErr; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// openDB opens and migrates the configured database.
func (a *app) openDB(ctx context.Context) (*db.DB, error) {
	d, err := db.Open(ctx, a.cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("%w (check CONVENE_DATABASE_URL / CONVENE_DATA_DIR)", err)
	}
	n, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if n > 0 {
		v, _ := d.SchemaVersion(ctx)
		a.log.Info("database migrated", "applied", n, "version", v)
	}
	return d, nil
}

// newService builds the service; options set the further hooks a serving process wires in.
func (a *app) newService(d *db.DB, iris convene.IRIs, outboxNotify func(), resolve func(context.Context, string) (string, error),
	options ...func(*service.Config)) *service.Service {
	cfg := service.Config{
		Store: d, IRIs: iris, Registration: convene.RegistrationMode(a.cfg.Registration), Logger: a.log,
		OutboxNotify: outboxNotify, ResolveHandle: resolve,
	}
	if d.Dialect() == db.Postgres {
		// Several processes may serve one PostgreSQL database: stream events go through
		// NOTIFY, so each process's streaming clients hear of posts made in any of them.
		if bus, err := db.NewNotifyBus(d, a.cfg.DatabaseURL, a.log); err == nil {
			cfg.EventBus = bus
		}
	}
	for _, o := range options {
		o(&cfg)
	}
	return service.New(cfg)
}

// workerFunc is a background job that runs until its context ends.
type workerFunc struct {
	name string
	run  func(ctx context.Context) error
}

type workerGroup struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startWorkers runs each worker in its own goroutine; stop cancels them and waits.
func startWorkers(ctx context.Context, log interface{ Error(string, ...any) }, workers ...workerFunc) *workerGroup {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	g := &workerGroup{cancel: cancel}
	for _, w := range workers {
		g.wg.Go(func() {
			if err := w.run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("worker stopped", "worker", w.name, "err", err)
			}
		})
	}
	return g
}

func (g *workerGroup) stop() {
	g.cancel()
	g.wg.Wait()
}

// sweeper runs sweep every interval until ctx ends, logging what it did and what failed.
// Each sweep works through everything due in batches of its own.
func sweeper(what string, every time.Duration, sweep func(context.Context) (int, error), log *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
			n, err := sweep(ctx)
			if err != nil && ctx.Err() == nil {
				log.Warn("sweep "+what, "err", err)
			} else if n > 0 {
				log.Info("swept "+what, "count", n)
			}
		}
	}
}

// sqliteOptimizer runs SQLite's query-planner maintenance now and every few hours, as its
// documentation asks of long-lived connections. PostgreSQL's autovacuum does this itself.
func sqliteOptimizer(d *db.DB) func(context.Context) error {
	return func(ctx context.Context) error {
		if d.Dialect() != db.SQLite {
			return nil
		}
		tick := time.NewTicker(6 * time.Hour)
		defer tick.Stop()
		for {
			if err := d.Optimize(ctx); err != nil && ctx.Err() == nil {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
}
