// Package handlers is Convene's HTTP surface: the router, middleware, web pages, and (in
// later packages) ActivityPub endpoints and the Mastodon client API. Handlers parse the
// request, make one service call, and render; rules live in the service layer.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/handlers/mastodon"
	"github.com/convene-social/convene/service"
)

// Config is what the HTTP surface needs.
type Config struct {
	Service  *service.Service
	Renderer *frontend.Renderer
	Logger   *slog.Logger
	Domain   string // public host, shown on pages
	Protocol string // scheme of public URLs: https, or http for local testing
	Version  string // the software version NodeInfo reports
	// Ready reports whether the server can take traffic: database reachable and schema current.
	Ready func(context.Context) error
	// Inbox receives ActivityPub deliveries.
	Inbox *federation.Inbox
	// AS2 renders activities and posts as ActivityStreams.
	AS2 *federation.Renderer
	// AuthorizedFetch refuses unsigned GETs of ActivityPub documents (CONVENE_AUTHORIZED_FETCH).
	AuthorizedFetch bool
}

// Server routes requests. Create it with New.
type Server struct {
	svc       *service.Service
	render    *frontend.Renderer
	log       *slog.Logger
	domain    string
	protocol  string
	version   string
	iris      federation.IRIs
	inbox     *federation.Inbox
	as2       *federation.Renderer
	authFetch bool
	ready     func(context.Context) error
	draining  atomic.Bool
	router    *mux.Router
}

// New builds the router and its middleware.
func New(cfg Config) *Server {
	s := &Server{
		svc: cfg.Service, render: cfg.Renderer, log: cfg.Logger, domain: cfg.Domain, protocol: cfg.Protocol, ready: cfg.Ready,
		version: cfg.Version, iris: federation.NewIRIs(cfg.Protocol, cfg.Domain), router: mux.NewRouter(),
		inbox: cfg.Inbox, as2: cfg.AS2, authFetch: cfg.AuthorizedFetch,
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	r := s.router
	r.Use(s.withRequestID, s.withLogging, s.withRecover, s.withSecurityHeaders, s.withSession)
	// mux runs no middleware for requests that match no route, so these wrap their own: the
	// error pages show who is signed in like every other page.
	unmatched := func(status int, message string) http.Handler {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.renderError(w, r, status, message) })
		return s.withRequestID(s.withLogging(s.withSecurityHeaders(s.withSession(h))))
	}
	r.NotFoundHandler = unmatched(http.StatusNotFound, "There is nothing at this address.")
	r.MethodNotAllowedHandler = unmatched(http.StatusMethodNotAllowed, "This address does not accept that method.")

	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet, http.MethodHead)
	r.PathPrefix(frontend.StaticPrefix).Handler(s.render.AssetHandler()).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/", s.handleHome).Methods(http.MethodGet, http.MethodHead)
	s.webRoutes(r)
	mastodon.New(mastodon.Config{Service: s.svc, Logger: s.log, Domain: s.domain, Protocol: s.protocol, Version: s.version,
		IRIs: s.iris, Renderer: s.render, ClientIP: clientIP}).Routes(r)

	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/.well-known/webfinger", s.handleWebFinger).Methods(get...)
	r.HandleFunc("/.well-known/host-meta", s.handleHostMeta).Methods(get...)
	r.HandleFunc("/.well-known/nodeinfo", s.handleNodeInfoLinks).Methods(get...)
	r.HandleFunc("/nodeinfo/{version:2\\.[01]}", s.handleNodeInfo).Methods(get...)
	r.HandleFunc("/actor", s.handleInstanceActor).Methods(get...)
	r.HandleFunc("/u/{name}", s.handlePerson).Methods(get...)
	r.HandleFunc("/c/{slug}", s.handleGroup).Methods(get...)
	r.HandleFunc("/c/{slug}/feed.{format:rss|atom}", s.handleFeed).Methods(get...)
	r.HandleFunc("/a/{id}", s.handleActivity).Methods(get...)
	r.HandleFunc("/p/{id}", s.handlePost).Methods(get...)
	r.HandleFunc("/tags/{tag}", s.handleTag).Methods(get...)
	r.HandleFunc("/media/{file}", s.handleMediaFile).Methods(get...)
	r.HandleFunc("/e/{id:[0-9A-Za-z]+}.ics", s.handleEventCalendar).Methods(get...)
	r.HandleFunc("/e/{id}", s.handleEvent).Methods(get...)
	r.HandleFunc("/e/{id}/attendees", s.handleEventAttendees).Methods(get...)
	r.HandleFunc("/c/{slug}/upcoming", s.handleUpcomingEvents).Methods(get...)
	r.HandleFunc("/c/{slug}/events.ics", s.handleCommunityCalendar).Methods(get...)
	r.HandleFunc("/events.ics", s.handleInstanceCalendar).Methods(get...)
	r.HandleFunc("/p/{id}/{collection:context|replies}", s.handlePostCollection).Methods(get...)
	r.HandleFunc("/u/{name}/{collection:followers|following|outbox|featured}", s.handleCollection).Methods(get...)
	r.HandleFunc("/c/{slug}/{collection:followers|following|outbox|featured|moderators}", s.handleCollection).Methods(get...)
	r.HandleFunc("/actor/{collection:followers|following|outbox}", s.handleCollection).Methods(get...)
	for _, inbox := range []string{"/inbox", "/u/{name}/inbox", "/c/{slug}/inbox", "/actor/inbox"} {
		r.HandleFunc(inbox, s.handleInbox).Methods(http.MethodPost)
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

// Drain makes /readyz fail from now on, so a load balancer stops sending new requests while
// the ones in flight finish.
func (s *Server) Drain() {
	s.draining.Store(true)
}
