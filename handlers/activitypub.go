package handlers

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene/federation"
)

// as2ContentType is what we send AS2 documents as; every peer accepts it.
const as2ContentType = `application/activity+json; charset=utf-8`

// wantsAS2 reports whether the client asked for ActivityPub JSON rather than a page:
// application/activity+json, or application/ld+json (with or without the AS2 profile, as
// Mastodon sends it).
func wantsAS2(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && (mediaType == "application/activity+json" || mediaType == "application/ld+json") {
			return true
		}
	}
	return false
}

// writeAS2 sends an AS2 document. Vary: Accept keeps caches from serving JSON to browsers.
func writeAS2(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", as2ContentType)
	w.Header().Set("Vary", "Accept")
	w.WriteHeader(status)
	w.Write(body)
}

// handlePerson serves /u/{name}: the Person actor, or the profile page.
func (s *Server) handlePerson(w http.ResponseWriter, r *http.Request) {
	a, err := s.svc.FindAccount(r.Context(), mux.Vars(r)["name"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if wantsAS2(r) {
		s.serveAS2(w, r, func() ([]byte, error) { return federation.PersonToAS(s.iris, a) })
		return
	}
	s.renderProfile(w, r, a.Username)
}

// handleGroup serves /c/{slug}: the Group actor, or the community page.
func (s *Server) handleGroup(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.FindCommunity(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if wantsAS2(r) {
		s.serveAS2(w, r, func() ([]byte, error) { return federation.GroupToAS(s.iris, c) })
		return
	}
	page, err := s.communityPage(r, c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, page)
}

// handleInstanceActor serves /actor, the instance's Application actor. It is always AS2:
// there is no page for it, and FEP-2677 peers fetch it unsigned.
func (s *Server) handleInstanceActor(w http.ResponseWriter, r *http.Request) {
	keys, created, err := s.svc.InstanceKeys(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.serveAS2(w, r, func() ([]byte, error) { return federation.InstanceActorToAS(s.iris, keys.PublicKeyPEM, created) })
}

// serveAS2 renders and sends an AS2 document. Under authorized fetch only signed requests
// get one, except for the instance actor, which peers must be able to fetch to verify us.
func (s *Server) serveAS2(w http.ResponseWriter, r *http.Request, render func() ([]byte, error)) {
	if s.authFetch && r.URL.Path != "/actor" {
		if _, err := s.inbox.VerifyFetch(r.Context(), r); err != nil {
			status := http.StatusUnauthorized
			if rej, ok := err.(*federation.Rejection); ok {
				status = rej.Status
			}
			writeText(w, status, "sign your request\n")
			return
		}
	}
	body, err := render()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeAS2(w, http.StatusOK, body)
}

func displayName(name, fallback string) string {
	if name != "" {
		return name
	}
	return fallback
}
