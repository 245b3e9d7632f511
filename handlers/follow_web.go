package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// followRoutes mounts following a community from another server ("Follow from Mastodon"),
// leaving it, and the other end of "Follow from Mastodon": where other servers send our
// members to follow something of theirs.
func (s *Server) followRoutes(r, forms *mux.Router) {
	r.HandleFunc("/c/{slug}/follow-remote", s.handleFollowRemoteForm).Methods(http.MethodGet, http.MethodHead)
	forms.HandleFunc("/c/{slug}/follow-remote", s.handleFollowRemote).Methods(http.MethodPost)
	forms.HandleFunc("/c/{slug}/leave", s.handleLeaveCommunity).Methods(http.MethodPost)
	r.HandleFunc("/authorize_interaction", s.handleAuthorizeInteraction).Methods(http.MethodGet, http.MethodHead)
	forms.HandleFunc("/authorize_interaction", s.handleFollowFromElsewhere).Methods(http.MethodPost)
}

// handleFollowRemoteForm asks for the visitor's fediverse handle.
func (s *Server) handleFollowRemoteForm(w http.ResponseWriter, r *http.Request) {
	page, err := s.followRemotePage(r, mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, page)
}

// handleFollowRemote sends the visitor to their own server's page for following the
// community; when their server cannot be asked, the form comes back saying what to do instead.
func (s *Server) handleFollowRemote(w http.ResponseWriter, r *http.Request) {
	slug, handle := mux.Vars(r)["slug"], strings.TrimSpace(r.PostFormValue("handle"))
	target, err := s.svc.RemoteFollowURL(r.Context(), slug, handle, clientIP(r))
	if err == nil {
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	page, perr := s.followRemotePage(r, slug)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	page.Account = handle
	s.renderFormError(w, r, err, page)
}

func (s *Server) followRemotePage(r *http.Request, slug string) (*frontend.FollowRemotePage, error) {
	c, err := s.svc.FindCommunity(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	return &frontend.FollowRemotePage{Layout: s.layoutTitled("Follow " + c.Name), Slug: c.Slug, Name: c.Name,
		Handle: "@" + c.Slug + "@" + s.domain}, nil
}

// handleLeaveCommunity ends the viewer's membership (or withdraws their request to join).
func (s *Server) handleLeaveCommunity(w http.ResponseWriter, r *http.Request) {
	slug := mux.Vars(r)["slug"]
	s.redirectOr(w, r, s.svc.Leave(r.Context(), slug), "/c/"+slug)
}

// addCommunityFollow fills what a community page shows about following it: the follower
// count, the viewer's membership, and its feeds and calendar as alternates of the page.
func (s *Server) addCommunityFollow(r *http.Request, c *convene.Community, page *frontend.ActorPage) error {
	m, err := s.svc.CommunityMembership(r.Context(), c.Slug)
	if err != nil {
		return err
	}
	group := s.iris.Group(c.Slug)
	page.Follow = frontend.FollowInfo{Followers: m.Followers, Viewer: string(m.Viewer), AtomURL: group + "/feed.atom"}
	page.Alternates = append(page.Alternates,
		frontend.Alternate{Type: "application/rss+xml", Title: c.Name + " (RSS)", URL: group + "/feed.rss"},
		frontend.Alternate{Type: "application/atom+xml", Title: c.Name + " (Atom)", URL: group + "/feed.atom"},
		frontend.Alternate{Type: "text/calendar", Title: c.Name + " events", URL: group + "/events.ics"})
	return nil
}

// handleAuthorizeInteraction serves /authorize_interaction?uri=…, where another server's
// "Follow from Mastodon" sends a member of this one: sign in, then confirm the follow. An
// address on this server is simply opened.
func (s *Server) handleAuthorizeInteraction(w http.ResponseWriter, r *http.Request) {
	uri := strings.TrimSpace(r.URL.Query().Get("uri"))
	if path, ok := s.localPathOf(uri); ok {
		http.Redirect(w, r, path, http.StatusSeeOther)
		return
	}
	if !requireSignIn(w, r) {
		return
	}
	page := &frontend.AuthorizeInteractionPage{Layout: s.layoutTitled("Follow"), URI: safeHTTPURL(uri)}
	a, err := s.svc.RemoteActorToFollow(r.Context(), uri)
	if err != nil {
		s.renderFormError(w, r, err, page)
		return
	}
	page.Name, page.Handle, page.Avatar = displayName(a.Name, a.Username), a.Handle(), service.RemoteActorName(a).AvatarURL
	s.renderPage(w, r, page)
}

// handleFollowFromElsewhere confirms the follow asked on /authorize_interaction.
func (s *Server) handleFollowFromElsewhere(w http.ResponseWriter, r *http.Request) {
	uri := strings.TrimSpace(r.PostFormValue("uri"))
	page := &frontend.AuthorizeInteractionPage{Layout: s.layoutTitled("Follow"), URI: safeHTTPURL(uri)}
	a, _, err := s.svc.FollowFromElsewhere(r.Context(), uri)
	if err != nil {
		s.renderFormError(w, r, err, page)
		return
	}
	page.Name, page.Handle, page.Avatar, page.Done = displayName(a.Name, a.Username), a.Handle(), service.RemoteActorName(a).AvatarURL, true
	s.renderPage(w, r, page)
}

// localPathOf is the path of an address on this server, to open it instead of following it.
func (s *Server) localPathOf(uri string) (string, bool) {
	base := s.iris.Base()
	if !strings.HasPrefix(uri, base+"/") {
		return "", false
	}
	path := localPath(strings.TrimPrefix(uri, base))
	return path, path != "/"
}

// safeHTTPURL keeps an http(s) URL to link to, and drops anything else.
func safeHTTPURL(uri string) string {
	if u, err := url.Parse(uri); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return u.String()
	}
	return ""
}
