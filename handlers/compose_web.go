package handlers

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene/service"
)

// handleJoinCommunity makes the viewer a member (a follower) of a community.
func (s *Server) handleJoinCommunity(w http.ResponseWriter, r *http.Request) {
	slug := mux.Vars(r)["slug"]
	if _, err := s.svc.Join(r.Context(), slug); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/c/"+slug, http.StatusSeeOther)
}

// handleNewThread starts a discussion in a community from its page's form.
func (s *Server) handleNewThread(w http.ResponseWriter, r *http.Request) {
	media, err := s.uploadFromForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.svc.CreateThread(r.Context(), service.ThreadCreate{Community: mux.Vars(r)["slug"],
		Title: strings.TrimSpace(r.PostFormValue("title")), Body: r.PostFormValue("body"), Poll: pollForm(r), MediaIDs: media})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/p/"+p.ID, http.StatusSeeOther)
}

// handleReply answers a post from the thread page's form.
func (s *Server) handleReply(w http.ResponseWriter, r *http.Request) {
	media, err := s.uploadFromForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.svc.ReplyWith(r.Context(), service.ReplyCreate{ParentID: mux.Vars(r)["id"], Body: r.PostFormValue("body"), MediaIDs: media})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/p/"+p.ThreadID+"#p-"+p.ID, http.StatusSeeOther)
}

// handleRSVP is the viewer's "I'm going".
func (s *Server) handleRSVP(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := s.svc.JoinEvent(r.Context(), id, strings.TrimSpace(r.PostFormValue("message"))); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/e/"+id, http.StatusSeeOther)
}

// handleLeaveEvent withdraws the viewer's RSVP.
func (s *Server) handleLeaveEvent(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if err := s.svc.LeaveEvent(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/e/"+id, http.StatusSeeOther)
}
