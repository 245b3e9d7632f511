package handlers

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
)

// handleFeed serves /c/{slug}/feed.rss and /c/{slug}/feed.atom: the community's latest public
// threads. It asks as nobody, so community-only threads can never appear, whoever fetches.
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	ctx := convene.WithPrincipal(r.Context(), convene.Principal{})
	c, err := s.svc.FindCommunity(ctx, vars["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	posts, err := s.svc.CommunityThreads(ctx, c.Slug, "", 50)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	group := s.iris.Group(c.Slug)
	feed := frontend.ThreadsFeed(c, group, group+"/feed."+vars["format"], posts, func(p *convene.Post) string { return p.IRI })
	write, contentType := frontend.WriteRSS, "application/rss+xml; charset=utf-8"
	if vars["format"] == "atom" {
		write, contentType = frontend.WriteAtom, "application/atom+xml; charset=utf-8"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	if err := write(w, feed); err != nil {
		s.log.WarnContext(r.Context(), "write feed", "err", err)
	}
}
