package handlers

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
)

// fetcherActor is the actor behind a signed GET, or "" for an unsigned one. A signature
// that is present but wrong is an error: the fetcher expects to be recognised.
func (s *Server) fetcherActor(r *http.Request) (string, error) {
	if r.Header.Get("Signature") == "" && !strings.HasPrefix(r.Header.Get("Authorization"), "Signature") {
		return "", nil
	}
	return s.inbox.VerifyFetch(r.Context(), r)
}

// handlePost serves /p/{id}: the Note (or Tombstone) for ActivityPub, the thread page for
// browsers. Community-only posts need a signed fetch by one of the community's followers,
// or a signed-in member; to everyone else they do not exist.
func (s *Server) handlePost(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if !wantsAS2(r) {
		s.renderThread(w, r, id)
		return
	}
	actor, err := s.fetcherActor(r)
	if err != nil {
		writeText(w, http.StatusUnauthorized, "bad signature\n")
		return
	}
	p, err := s.svc.FindPostForActor(r.Context(), id, actor)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.serveAS2(w, r, func() ([]byte, error) { return s.as2.Note(r.Context(), p) })
}

// handlePostCollection serves /p/{id}/context (the whole thread, FEP-7888) and
// /p/{id}/replies (direct replies), with what the fetcher may see.
func (s *Server) handlePostCollection(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	actor, err := s.fetcherActor(r)
	if err != nil {
		writeText(w, http.StatusUnauthorized, "bad signature\n")
		return
	}
	p, err := s.svc.FindPostForActor(r.Context(), vars["id"], actor)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	posts, err := s.svc.ThreadPosts(r.Context(), p)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var items []string
	for _, q := range posts {
		if vars["collection"] == "context" || q.ParentID == p.ID {
			items = append(items, q.IRI)
		}
	}
	s.serveAS2(w, r, func() ([]byte, error) { return federation.FullCollectionToAS(p.IRI+"/"+vars["collection"], items) })
}

func postView(p *convene.Post) frontend.PostView {
	return frontend.PostView{
		ID: p.ID, Author: p.AuthorIRI, Reply: !p.IsThread(), Deleted: p.DeletedAt != nil,
		Content: trustedHTML(p.Content), Published: p.PublishedAt,
	}
}

// handleTag lists public posts with a hashtag: where #tag links in posts lead.
func (s *Server) handleTag(w http.ResponseWriter, r *http.Request) {
	tag := mux.Vars(r)["tag"]
	posts, err := s.svc.TaggedPosts(r.Context(), tag, "", 50)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &frontend.TagPage{Layout: frontend.Layout{Title: "#" + tag, Instance: s.domain}, Tag: strings.ToLower(tag)}
	for _, p := range posts {
		if p.DeletedAt == nil {
			page.Posts = append(page.Posts, postView(p))
		}
	}
	s.renderPage(w, r, page)
}
