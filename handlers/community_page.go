package handlers

import (
	"net/http"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
)

// communityPage gathers a community's page: about it, its discussions, its events and
// landscape, who may do what there, and how to join or follow it.
func (s *Server) communityPage(r *http.Request, c *convene.Community) (*frontend.ActorPage, error) {
	ctx := r.Context()
	page := &frontend.ActorPage{
		Layout:   frontend.Layout{Title: c.Name, Instance: s.domain, AlternateAS2: s.iris.Group(c.Slug)},
		Handle:   "@" + c.Slug + "@" + s.domain,
		Name:     c.Name,
		Summary:  s.markdown(c.Summary),
		Region:   c.Region,
		IsGroup:  true,
		Since:    c.CreatedAt,
		Slug:     c.Slug,
		Pictures: s.pictures(c.Pictures),
	}
	moderators, err := s.svc.FindModerators(ctx, c.Slug)
	if err != nil {
		return nil, err
	}
	for _, m := range moderators {
		page.Moderators = append(page.Moderators, frontend.ActorLink{Name: displayName(m.DisplayName, m.Username), URL: s.iris.Person(m.Username)})
	}
	threads, err := s.svc.CommunityThreads(ctx, c.Slug, "", 50)
	if err != nil {
		return nil, err
	}
	for _, t := range threads {
		page.Threads = append(page.Threads, frontend.PostLink{Title: t.Title, URL: "/p/" + t.ID})
	}
	if err := s.addCommunityEvents(r, c, page); err != nil {
		return nil, err
	}
	if page.CanModerate, err = s.svc.CanModerate(ctx, c); err != nil {
		return nil, err
	}
	return page, s.addCommunityFollow(r, c, page)
}
