package handlers

import (
	"net/http"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
)

// handleHome shows the instance's communities, and how to begin when it has no account yet.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	accounts, err := s.svc.CountAccounts(ctx, convene.AccountFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	communities, err := s.svc.FindCommunities(ctx, convene.CommunityFilter{Limit: 100})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &frontend.HomePage{
		Layout:      frontend.Layout{Title: "Communities", Instance: s.domain},
		Communities: communities,
		FirstRun:    accounts == 0,
	}
	if err := s.render.Render(w, http.StatusOK, page); err != nil {
		s.log.ErrorContext(ctx, "render home", "err", err)
	}
}
