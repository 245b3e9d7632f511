package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// sessionCookieAge matches the service's session lifetime; the service decides expiry, the
// cookie only has to outlive it.
const sessionCookieAge = 30 * 24 * time.Hour

// handleSignInForm serves /login.
func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r.Context()) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.renderPage(w, r, &frontend.SignInPage{Layout: s.layoutTitled("Sign in"), Next: localPath(r.URL.Query().Get("next"))})
}

// handleSignIn checks the form and opens a session.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	login, next := strings.TrimSpace(r.PostFormValue("login")), localPath(r.PostFormValue("next"))
	token, _, err := s.svc.SignIn(r.Context(), login, r.PostFormValue("password"), clientIP(r))
	if err != nil {
		s.renderFormError(w, r, err, &frontend.SignInPage{Layout: s.layoutTitled("Sign in"), Login: login, Next: next})
		return
	}
	s.setCookie(w, sessionCookie, token, sessionCookieAge)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleSignOut ends the session.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// endSession signs the browser out, if it is signed in.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cookie(r, sessionCookie)
	if err != nil {
		return nil
	}
	if err := s.svc.SignOut(r.Context(), c.Value); err != nil {
		return err
	}
	s.clearCookie(w, sessionCookie)
	return nil
}

// handleSignUpForm serves /signup under the instance's registration mode.
func (s *Server) handleSignUpForm(w http.ResponseWriter, r *http.Request) {
	if first, err := s.svc.NeedsFirstAdmin(r.Context()); err != nil || first {
		s.redirectOr(w, r, err, "/setup")
		return
	}
	s.renderPage(w, r, &frontend.SignUpPage{Layout: s.layoutTitled("Sign up"), Mode: s.svc.Registration()})
}

// handleSignUp registers an account; an approved one is signed in at once.
func (s *Server) handleSignUp(w http.ResponseWriter, r *http.Request) {
	in := accountForm(r)
	page := &frontend.SignUpPage{Layout: s.layoutTitled("Sign up"), Mode: s.svc.Registration(),
		Username: in.Username, Email: in.Email, Timezone: in.Timezone}
	a, err := s.svc.SignUp(r.Context(), in)
	if err != nil {
		s.renderFormError(w, r, err, page)
		return
	}
	if a.State != convene.AccountApproved {
		page.Pending = true
		s.renderPage(w, r, page)
		return
	}
	s.signInAfterRegistration(w, r, in)
}

// handleSetupForm serves /setup: the first administrator of a new instance.
func (s *Server) handleSetupForm(w http.ResponseWriter, r *http.Request) {
	if first, err := s.svc.NeedsFirstAdmin(r.Context()); err != nil || !first {
		s.redirectOr(w, r, err, "/login")
		return
	}
	s.renderPage(w, r, &frontend.SignUpPage{Layout: s.layoutTitled("Set up"), Mode: s.svc.Registration(), FirstAdmin: true})
}

// handleSetup creates the first administrator and signs them in.
func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) {
	in := accountForm(r)
	if _, err := s.svc.CreateFirstAdmin(r.Context(), in); err != nil {
		s.renderFormError(w, r, err, &frontend.SignUpPage{Layout: s.layoutTitled("Set up"), Mode: s.svc.Registration(),
			FirstAdmin: true, Username: in.Username, Email: in.Email, Timezone: in.Timezone})
		return
	}
	s.signInAfterRegistration(w, r, in)
}

// signInAfterRegistration opens a session for an account just made from the form.
func (s *Server) signInAfterRegistration(w http.ResponseWriter, r *http.Request, in service.AccountCreate) {
	token, _, err := s.svc.SignIn(r.Context(), in.Username, in.Password, clientIP(r))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setCookie(w, sessionCookie, token, sessionCookieAge)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func accountForm(r *http.Request) service.AccountCreate {
	return service.AccountCreate{Username: strings.TrimSpace(r.PostFormValue("username")),
		Email: strings.TrimSpace(r.PostFormValue("email")), Password: r.PostFormValue("password"),
		Timezone: strings.TrimSpace(r.PostFormValue("timezone"))}
}

// formPage is a page with an error line to show above its form.
type formPage interface {
	frontend.Page
	SetError(string)
}

// renderFormError shows a form again with what went wrong; internal errors get the error page.
func (s *Server) renderFormError(w http.ResponseWriter, r *http.Request, err error, page formPage) {
	status := errorStatus(err)
	if status == http.StatusInternalServerError {
		s.Error(w, r, err)
		return
	}
	page.SetError(convene.ErrorMessage(err))
	s.renderStatus(w, r, status, page)
}

// redirectOr redirects to path unless err: then the error page.
func (s *Server) redirectOr(w http.ResponseWriter, r *http.Request, err error, path string) {
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// layoutTitled is the layout of a page of this instance with a title.
func (s *Server) layoutTitled(title string) frontend.Layout {
	return frontend.Layout{Title: title, Instance: s.domain}
}
