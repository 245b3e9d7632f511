package handlers

import (
	"html/template"
	"net/http"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// homeListLength is how many events and threads the home page shows.
const homeListLength = 20

// handleHome shows the instance's landscape, and how to begin when it has no account yet.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	firstRun, err := s.svc.NeedsFirstAdmin(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	land, err := s.svc.HomeLandscape(ctx, homeListLength)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	settings, err := s.svc.InstanceSettings(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &frontend.HomePage{
		Layout:      frontend.Layout{Title: "Communities", Instance: s.domain},
		Description: s.markdown(settings.Description),
		Communities: land.Communities,
		Events:      eventViews(land.Events, viewerZone(r)),
		FirstRun:    firstRun,
	}
	for _, n := range land.Followed {
		page.Followed = append(page.Followed, actorLink(n))
	}
	for _, p := range land.Threads {
		page.Threads = append(page.Threads, frontend.ThreadLink{PostLink: threadLink(p),
			Community: actorLink(land.Names[p.CommunityIRI]), Published: p.PublishedAt, Replies: p.ReplyCount})
	}
	s.renderPage(w, r, page)
}

// actorLink links to an actor by the name the service found for it.
func actorLink(n service.ActorName) frontend.ActorLink {
	return frontend.ActorLink{Name: n.Name, URL: n.URL, Avatar: n.AvatarURL}
}

// threadLink links to a thread: our page for threads in our communities, the origin's
// otherwise.
func threadLink(p *convene.Post) frontend.PostLink {
	if p.CommunityID != "" {
		return frontend.PostLink{Title: p.Title, URL: "/p/" + p.ID}
	}
	return frontend.PostLink{Title: p.Title, URL: p.IRI}
}

// renderPage renders a page with 200; a template failure is logged (the page is buffered,
// so nothing half-written reaches the client) and answered with the 500 page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, page frontend.Page) {
	s.renderStatus(w, r, http.StatusOK, page)
}

// renderStatus renders a page with a status, for the viewer and with their form secret.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, page frontend.Page) {
	frontend.Prepare(page, viewer(r.Context()), s.csrfToken(w, r), s.siteName(r))
	if err := s.render.Render(w, status, page); err != nil {
		s.Error(w, r, err)
	}
}

// siteName is the instance's display name for the page header; the domain stands in when
// it has none or the settings cannot be read (a page must not fail for its header).
func (s *Server) siteName(r *http.Request) string {
	if s.svc == nil { // a server with pages only, as some tests build
		return ""
	}
	set, err := s.svc.InstanceSettings(r.Context())
	if err != nil {
		return ""
	}
	return set.Name
}

// markdown renders local markdown for a page.
func (s *Server) markdown(src string) template.HTML {
	return template.HTML(service.RenderMarkdown(src)) // safe: goldmark drops raw HTML and dangerous links
}

// trustedHTML marks stored post HTML as safe: local posts are rendered by goldmark (raw HTML
// dropped) and remote ones pass federation.SanitizeHTML before they are stored.
func trustedHTML(stored string) template.HTML {
	return template.HTML(stored)
}
