package handlers

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// accountsRoutes mounts a person's settings; their profile page is served by handlePerson
// at their actor URL.
func (s *Server) accountsRoutes(r, forms *mux.Router) {
	r.HandleFunc("/settings", signInFirst(settingsPath, s.handleSettings)).Methods(http.MethodGet, http.MethodHead)
	forms.HandleFunc("/settings/profile", signInFirst(settingsPath, s.handleSaveProfile)).Methods(http.MethodPost)
	forms.HandleFunc("/settings/password", signInFirst(settingsPath, s.handleChangePassword)).Methods(http.MethodPost)
}

// settingsPath is where the settings forms live, to come back to after signing in.
func settingsPath(*http.Request) string { return "/settings" }

// renderProfile is the HTML side of /u/{name}: who the person is, the communities they
// joined and what they posted lately.
func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, username string) {
	pr, err := s.svc.Profile(r.Context(), username)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a := pr.Account
	name := displayName(a.DisplayName, a.Username)
	page := &frontend.ProfilePage{
		Layout:   frontend.Layout{Title: name, Instance: s.domain, AlternateAS2: s.iris.Person(a.Username)},
		Username: a.Username, Handle: "@" + a.Username + "@" + s.domain, Name: name,
		Bio: s.markdown(a.Bio), Timezone: a.Timezone, Since: a.CreatedAt, Pictures: s.pictures(a.Pictures),
	}
	if ws := sessionFrom(r.Context()); ws != nil && ws.account.ID == a.ID {
		page.Own = true
	}
	for _, c := range pr.Communities {
		page.Communities = append(page.Communities, actorLink(c))
	}
	for _, p := range pr.Posts {
		page.Posts = append(page.Posts, profilePost(p))
	}
	s.renderPage(w, r, page)
}

// profilePost links one of a person's posts: a thread to itself, a reply to its place in
// the thread.
func profilePost(p *convene.Post) frontend.ProfilePost {
	if p.IsThread() {
		return frontend.ProfilePost{URL: "/p/" + p.ID, Title: p.Title, Published: p.PublishedAt}
	}
	return frontend.ProfilePost{URL: "/p/" + p.ThreadID + "#p-" + p.ID, Reply: true,
		Excerpt: frontend.Excerpt(p.Content), Published: p.PublishedAt}
}

// handleSettings serves /settings with the viewer's profile in its form.
func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) {
	page := s.settingsPage(sessionFrom(r.Context()).account, "")
	if saved := r.URL.Query().Get("saved"); saved == frontend.SettingsProfile || saved == frontend.SettingsPassword ||
		saved == frontend.SettingsPictures {
		page.Saved = saved
	}
	s.renderPage(w, r, page)
}

func (s *Server) settingsPage(a *convene.Account, form string) *frontend.SettingsPage {
	return &frontend.SettingsPage{Layout: s.layoutTitled("Settings"), Username: a.Username,
		DisplayName: a.DisplayName, Bio: a.Bio, Timezone: a.Timezone, Discoverable: a.Discoverable, Form: form,
		PictureForms: frontend.PictureForms{Action: "/settings/picture", Pictures: s.pictures(a.Pictures)}}
}

// handleSaveProfile saves the profile form; on an error the form comes back as typed.
func (s *Server) handleSaveProfile(w http.ResponseWriter, r *http.Request) {
	a := sessionFrom(r.Context()).account
	discoverable := r.PostFormValue("discoverable") != ""
	upd := service.ProfileUpdate{DisplayName: formField(r, "display_name"), Bio: formField(r, "bio"),
		Timezone: formField(r, "timezone"), Discoverable: &discoverable}
	if _, err := s.svc.UpdateProfile(r.Context(), a.Username, upd); err != nil {
		page := s.settingsPage(a, frontend.SettingsProfile)
		page.DisplayName, page.Bio, page.Timezone, page.Discoverable = *upd.DisplayName, *upd.Bio, *upd.Timezone, discoverable
		s.renderFormError(w, r, err, page)
		return
	}
	http.Redirect(w, r, "/settings?saved="+frontend.SettingsProfile, http.StatusSeeOther)
}

// formField is a trimmed form value, as the service's optional fields take it.
func formField(r *http.Request, name string) *string {
	v := strings.TrimSpace(r.PostFormValue(name))
	return &v
}

// handleChangePassword changes the viewer's password; this browser stays signed in and
// every other one is signed out.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	a := sessionFrom(r.Context()).account
	next := r.PostFormValue("new")
	var err error = convene.Errorf(convene.EINVALID, "the new password and its confirmation differ")
	if next == r.PostFormValue("confirm") {
		err = s.svc.ChangePassword(r.Context(), r.PostFormValue("current"), next, s.sessionToken(r))
	}
	if err != nil {
		s.renderFormError(w, r, err, s.settingsPage(a, frontend.SettingsPassword))
		return
	}
	http.Redirect(w, r, "/settings?saved="+frontend.SettingsPassword, http.StatusSeeOther)
}

// sessionToken is the browser's session cookie, which a password change keeps signed in.
func (s *Server) sessionToken(r *http.Request) string {
	if c, err := s.cookie(r, sessionCookie); err == nil {
		return c.Value
	}
	return ""
}
