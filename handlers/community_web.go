package handlers

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// communityRoutes mounts creating a community and its moderators' settings page, whose
// sections post to their own addresses and come back to the page.
func (s *Server) communityRoutes(r, forms *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/communities/new", s.handleNewCommunityForm).Methods(get...)
	forms.HandleFunc("/communities/new", s.handleCreateCommunity).Methods(http.MethodPost)
	r.HandleFunc("/c/{slug}/settings", s.handleCommunitySettings).Methods(get...)
	forms.HandleFunc("/c/{slug}/settings", s.handleUpdateCommunity).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/settings/moderators", s.handleAddModerator).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/settings/moderators/remove", s.handleRemoveModerator).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/settings/follow-requests", s.handleDecideFollow).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/settings/cross-posts", s.handleDecideCrossPost).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/settings/following", s.handleFollowCommunity).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/settings/following/remove", s.handleUnfollowCommunity).Methods(http.MethodPost)
}

// handleNewCommunityForm serves /communities/new.
func (s *Server) handleNewCommunityForm(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	s.renderPage(w, r, &frontend.NewCommunityPage{Layout: s.layoutTitled("Create a community")})
}

// handleCreateCommunity creates a community owned by the viewer and opens its page.
func (s *Server) handleCreateCommunity(w http.ResponseWriter, r *http.Request) {
	form := communityForm(r)
	c, err := s.svc.CreateCommunity(r.Context(), service.CommunityCreate{Slug: form.Slug, Name: form.Name,
		Summary: form.Summary, Region: form.Region, FollowPolicy: convene.FollowPolicy(form.FollowPolicy),
		PostingPolicy: convene.PostingPolicy(form.PostingPolicy)})
	if err != nil {
		s.renderFormError(w, r, err, &frontend.NewCommunityPage{Layout: s.layoutTitled("Create a community"), Form: form})
		return
	}
	http.Redirect(w, r, "/c/"+c.Slug, http.StatusSeeOther)
}

func communityForm(r *http.Request) frontend.CommunityForm {
	return frontend.CommunityForm{Slug: strings.TrimSpace(r.PostFormValue("slug")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Summary: r.PostFormValue("summary"), Region: strings.TrimSpace(r.PostFormValue("region")),
		FollowPolicy: r.PostFormValue("follow_policy"), PostingPolicy: r.PostFormValue("posting_policy")}
}

// settingsNotices are what the settings page says after a change, by the "done" parameter
// its forms redirect with (only these words: the page never echoes the parameter).
var settingsNotices = map[string]string{
	"profile":             "The profile and policies are saved; followers elsewhere are told.",
	"pictures":            "The pictures are saved; followers elsewhere are told.",
	"moderator-added":     "The moderator was added.",
	"moderator-removed":   "The moderator was removed.",
	"follow-approved":     "The follow request was approved.",
	"follow-rejected":     "The follow request was rejected.",
	"cross-post-approved": "The event is now on the community's agenda.",
	"cross-post-rejected": "The cross-post was refused.",
	"followed":            "The follow was sent. Communities elsewhere may take a moment to accept.",
	"unfollowed":          "The community is no longer followed.",
}

// handleCommunitySettings serves /c/{slug}/settings to the community's moderators.
func (s *Server) handleCommunitySettings(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	page, err := s.communitySettingsPage(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page.Notice = settingsNotices[r.URL.Query().Get("done")]
	s.renderPage(w, r, page)
}

// communitySettingsPage builds the settings page from the service's view of the community; the
// service refuses anyone who may not moderate it.
func (s *Server) communitySettingsPage(r *http.Request) (*frontend.CommunitySettingsPage, error) {
	cs, err := s.svc.CommunitySettings(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		return nil, err
	}
	c := cs.Community
	page := &frontend.CommunitySettingsPage{
		Layout: s.layoutTitled("Settings of " + c.Name), Slug: c.Slug, Name: c.Name, Handle: "@" + c.Slug + "@" + s.domain,
		Form: frontend.CommunityForm{Slug: c.Slug, Name: c.Name, Summary: c.Summary, Region: c.Region,
			FollowPolicy: string(c.FollowPolicy), PostingPolicy: string(c.PostingPolicy)},
		ManageModerators: cs.ManageModerators,
		PictureForms:     frontend.PictureForms{Action: "/c/" + c.Slug + "/settings/picture", Pictures: s.pictures(c.Pictures)},
	}
	for _, m := range cs.Moderators {
		page.Moderators = append(page.Moderators, frontend.ModeratorView{Username: m.Username,
			Name: displayName(m.DisplayName, m.Username), URL: s.iris.Person(m.Username), Owner: m.ID == c.OwnerID})
	}
	page.FollowRequests = followViews(cs.FollowRequests)
	page.Following = followViews(cs.Following)
	for _, p := range cs.CrossPosts {
		page.CrossPosts = append(page.CrossPosts, frontend.CrossPostView{ShareID: p.Share.ID, Event: eventView(p.Event),
			Organiser: actorView(p.Organiser), SharedAt: p.Share.CreatedAt})
	}
	return page, nil
}

func followViews(list []service.FollowView) []frontend.FollowView {
	views := make([]frontend.FollowView, 0, len(list))
	for _, f := range list {
		views = append(views, frontend.FollowView{Actor: actorView(f.Actor), Pending: f.Follow.State == convene.FollowPending,
			Since: f.Follow.CreatedAt})
	}
	return views
}

func actorView(a service.ActorRef) frontend.ActorView {
	return frontend.ActorView{IRI: a.IRI, Handle: a.Handle, Name: a.Name, URL: a.URL}
}

// settingsDone returns to the settings page after a change, saying what it did.
func settingsDone(w http.ResponseWriter, r *http.Request, done, section string) {
	http.Redirect(w, r, "/c/"+mux.Vars(r)["slug"]+"/settings?done="+done+"#"+section, http.StatusSeeOther)
}

// settingsFailed shows the settings page again with what went wrong in section; fill puts
// back what the failed form held. When the page itself cannot be shown (the viewer may not
// moderate, the community is gone) the error page says why.
func (s *Server) settingsFailed(w http.ResponseWriter, r *http.Request, err error, section string, fill func(*frontend.CommunitySettingsPage)) {
	if errorStatus(err) == http.StatusInternalServerError {
		s.Error(w, r, err)
		return
	}
	page, perr := s.communitySettingsPage(r)
	if perr != nil {
		s.Error(w, r, err)
		return
	}
	page.ErrorIn = section
	if fill != nil {
		fill(page)
	}
	s.renderFormError(w, r, err, page)
}

// handleUpdateCommunity saves the profile and policies section.
func (s *Server) handleUpdateCommunity(w http.ResponseWriter, r *http.Request) {
	form := communityForm(r)
	_, err := s.svc.UpdateCommunity(r.Context(), mux.Vars(r)["slug"], service.CommunityUpdate{Name: form.Name,
		Summary: form.Summary, Region: form.Region, FollowPolicy: convene.FollowPolicy(form.FollowPolicy),
		PostingPolicy: convene.PostingPolicy(form.PostingPolicy)})
	if err != nil {
		s.settingsFailed(w, r, err, "profile", func(p *frontend.CommunitySettingsPage) {
			form.Slug = p.Slug
			p.Form = form
		})
		return
	}
	settingsDone(w, r, "profile", "profile")
}

// handleAddModerator adds a moderator by username.
func (s *Server) handleAddModerator(w http.ResponseWriter, r *http.Request) {
	username := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("username")), "@"))
	if err := s.svc.AddModerator(r.Context(), mux.Vars(r)["slug"], username); err != nil {
		s.settingsFailed(w, r, err, "moderators", func(p *frontend.CommunitySettingsPage) { p.NewModerator = username })
		return
	}
	settingsDone(w, r, "moderator-added", "moderators")
}

// handleRemoveModerator removes a moderator; the service keeps the owner.
func (s *Server) handleRemoveModerator(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.RemoveModerator(r.Context(), mux.Vars(r)["slug"], r.PostFormValue("username")); err != nil {
		s.settingsFailed(w, r, err, "moderators", nil)
		return
	}
	settingsDone(w, r, "moderator-removed", "moderators")
}

// decision reads the Approve / Reject button that sent a form.
func decision(r *http.Request) (approve bool, err error) {
	switch r.PostFormValue("decision") {
	case "approve":
		return true, nil
	case "reject":
		return false, nil
	}
	return false, convene.Errorf(convene.EINVALID, "choose Approve or Reject")
}

// decided names a decision for the settings page's notice: "follow-approved" and the like.
func decided(what string, approve bool) string {
	if approve {
		return what + "-approved"
	}
	return what + "-rejected"
}

// handleDecideFollow approves or rejects a follow request.
func (s *Server) handleDecideFollow(w http.ResponseWriter, r *http.Request) {
	approve, err := decision(r)
	if err == nil {
		err = s.svc.DecideFollow(r.Context(), mux.Vars(r)["slug"], r.PostFormValue("actor"), approve)
	}
	if err != nil {
		s.settingsFailed(w, r, err, "requests", nil)
		return
	}
	settingsDone(w, r, decided("follow", approve), "requests")
}

// handleDecideCrossPost approves or refuses an event cross-posted into the community.
func (s *Server) handleDecideCrossPost(w http.ResponseWriter, r *http.Request) {
	approve, err := decision(r)
	if err == nil {
		err = s.svc.DecideShare(r.Context(), mux.Vars(r)["slug"], r.PostFormValue("share"), approve)
	}
	if err != nil {
		s.settingsFailed(w, r, err, "cross-posts", nil)
		return
	}
	settingsDone(w, r, decided("cross-post", approve), "cross-posts")
}

// handleFollowCommunity makes the community follow another, named by its handle.
func (s *Server) handleFollowCommunity(w http.ResponseWriter, r *http.Request) {
	handle := strings.TrimSpace(r.PostFormValue("handle"))
	if _, err := s.svc.FollowCommunity(r.Context(), mux.Vars(r)["slug"], handle); err != nil {
		s.settingsFailed(w, r, err, "following", func(p *frontend.CommunitySettingsPage) { p.FollowHandle = handle })
		return
	}
	settingsDone(w, r, "followed", "following")
}

// handleUnfollowCommunity ends a follow (or withdraws a request not yet accepted).
func (s *Server) handleUnfollowCommunity(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.UnfollowCommunity(r.Context(), mux.Vars(r)["slug"], r.PostFormValue("actor")); err != nil {
		s.settingsFailed(w, r, err, "following", nil)
		return
	}
	settingsDone(w, r, "unfollowed", "following")
}
