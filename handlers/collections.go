package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene/federation"
)

// localActorIRI resolves the actor of a collection route, checking that it exists.
func (s *Server) localActorIRI(ctx context.Context, vars map[string]string) (string, error) {
	switch {
	case vars["name"] != "":
		a, err := s.svc.FindAccount(ctx, vars["name"])
		if err != nil {
			return "", err
		}
		return s.iris.Person(a.Username), nil
	case vars["slug"] != "":
		c, err := s.svc.FindCommunity(ctx, vars["slug"])
		if err != nil {
			return "", err
		}
		return s.iris.Group(c.Slug), nil
	}
	return s.iris.InstanceActor(), nil
}

// handleCollection serves an actor's followers, following, outbox, featured or moderators.
func (s *Server) handleCollection(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	actor, err := s.localActorIRI(r.Context(), vars)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	switch collection := vars["collection"]; collection {
	case "followers", "following":
		s.serveFollowCollection(w, r, actor, collection)
	case "moderators":
		s.serveModerators(w, r, vars["slug"])
	default:
		// Outbox and featured list posts and pinned posts, which arrive with discussions;
		// until then they are truthfully empty.
		s.serveAS2(w, r, func() ([]byte, error) { return federation.FullCollectionToAS(actor+"/"+collection, nil) })
	}
}

func (s *Server) serveFollowCollection(w http.ResponseWriter, r *http.Request, actor, collection string) {
	id := actor + "/" + collection
	list := s.svc.Followers
	if collection == "following" {
		list = s.svc.Following
	}
	q := r.URL.Query()
	page, err := list(r.Context(), actor, q.Get("max_id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if q.Get("page") == "" {
		s.serveAS2(w, r, func() ([]byte, error) { return federation.CollectionToAS(id, page.Total, id+"?page=true") })
		return
	}
	pageID := id + "?" + url.Values{"page": {"true"}, "max_id": {q.Get("max_id")}}.Encode()
	next := ""
	if page.NextID != "" {
		next = id + "?" + url.Values{"page": {"true"}, "max_id": {page.NextID}}.Encode()
	}
	s.serveAS2(w, r, func() ([]byte, error) {
		return federation.CollectionPageToAS(pageID, id, page.Total, page.Actors, next)
	})
}

func (s *Server) serveModerators(w http.ResponseWriter, r *http.Request, slug string) {
	mods, err := s.svc.FindModerators(r.Context(), slug)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	iris := make([]string, len(mods))
	for i, m := range mods {
		iris[i] = s.iris.Person(m.Username)
	}
	s.serveAS2(w, r, func() ([]byte, error) {
		return federation.FullCollectionToAS(s.iris.Moderators(s.iris.Group(slug)), iris)
	})
}

// handleActivity serves /a/{id}, so every activity we send can be dereferenced by those it
// went to (FindActivityForActor says who they are).
func (s *Server) handleActivity(w http.ResponseWriter, r *http.Request) {
	actor, err := s.fetcherActor(r)
	if err != nil {
		writeText(w, http.StatusUnauthorized, "bad signature\n")
		return
	}
	a, err := s.svc.FindActivityForActor(r.Context(), mux.Vars(r)["id"], actor)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.serveAS2(w, r, func() ([]byte, error) { return s.as2.Activity(r.Context(), a) })
}

// handleInbox accepts activities at the shared inbox and every actor's inbox. Which inbox a
// peer chose does not matter: an activity is applied by what it says and who signed it.
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	if len(vars) > 0 {
		if _, err := s.localActorIRI(r.Context(), vars); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	err := s.inbox.Receive(r.Context(), r)
	if rej, ok := err.(*federation.Rejection); ok {
		s.log.InfoContext(r.Context(), "inbox refused", "status", rej.Status, "reason", rej.Reason)
		writeText(w, rej.Status, http.StatusText(rej.Status)+"\n")
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "inbox", "err", err)
		writeText(w, http.StatusServiceUnavailable, "try again later\n")
		return
	}
	s.inbox.Kick()
	writeText(w, http.StatusAccepted, "accepted\n")
}
