package handlers

import (
	"net/http"

	"github.com/gorilla/mux"
)

// webRoutes mounts the pages people use with a browser. Every POST among them carries the
// form secret (withCSRF).
func (s *Server) webRoutes(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	forms := r.NewRoute().Subrouter()
	forms.Use(s.withCSRF)
	r.HandleFunc("/login", s.handleSignInForm).Methods(get...)
	forms.HandleFunc("/login", s.handleSignIn).Methods(http.MethodPost)
	forms.HandleFunc("/logout", s.handleSignOut).Methods(http.MethodPost)
	r.HandleFunc("/signup", s.handleSignUpForm).Methods(get...)
	forms.HandleFunc("/signup", s.handleSignUp).Methods(http.MethodPost)
	r.HandleFunc("/setup", s.handleSetupForm).Methods(get...)
	forms.HandleFunc("/setup", s.handleSetup).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/join", s.handleJoinCommunity).Methods(http.MethodPost)
	// A thread or a reply may carry a picture, and so may the forms that change avatars and
	// headers: they are for the signed-in only, checked like the others, and may be larger.
	uploads := r.NewRoute().Subrouter()
	uploads.Use(s.signedInToUpload, s.withCSRFLimit(maxUploadForm))
	uploads.HandleFunc("/c/{slug}/threads", s.handleNewThread).Methods(http.MethodPost)
	uploads.HandleFunc("/p/{id}/reply", s.handleReply).Methods(http.MethodPost)
	uploads.HandleFunc("/settings/picture", s.handleSavePicture).Methods(http.MethodPost)
	uploads.HandleFunc("/c/{slug}/settings/picture", s.handleCommunityPicture).Methods(http.MethodPost)
	forms.HandleFunc("/e/{id}/rsvp", s.handleRSVP).Methods(http.MethodPost)
	forms.HandleFunc("/e/{id}/leave", s.handleLeaveEvent).Methods(http.MethodPost)
	s.accountsRoutes(r, forms)
	s.threadRoutes(r, forms)
	s.adminRoutes(r, forms)
	s.communityRoutes(r, forms)
	s.eventRoutes(r, forms)
	s.followRoutes(r, forms)
	s.oauthRoutes(r, forms)
}

// contentSecurityPolicy allows only this site's own scripts, styles and fonts (no inline
// script or style), images from anywhere over https (remote avatars), and no framing.
// form-action is left open: "Follow from Mastodon" redirects a form to the visitor's server.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// withSecurityHeaders sets the headers every response carries.
func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
