package handlers

import (
	"net/http"
	"net/url"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/handlers/mastodon"
)

// errorStatus returns the HTTP status for err: pages and the client API share one map.
func errorStatus(err error) int { return mastodon.ErrorStatus(err) }

// Error answers a failed request: internal errors are logged in full and shown only as
// "Internal error."; other kinds show their user-safe message.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := errorStatus(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", "err", err, "path", r.URL.Path)
	}
	s.renderError(w, r, status, convene.ErrorMessage(err))
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	page := &frontend.ErrorPage{
		Layout: frontend.Layout{Title: http.StatusText(status), Instance: s.domain},
		Status: status, Message: message, RequestID: RequestID(r.Context()),
	}
	if r.Method == http.MethodGet {
		page.SignIn = "/login?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	frontend.Prepare(page, viewer(r.Context()), s.csrfToken(w, r), s.siteName(r))
	if err := s.render.Render(w, status, page); err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", err)
		http.Error(w, http.StatusText(status), status)
	}
}
