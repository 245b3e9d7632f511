package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// threadRoutes mounts what a thread page's buttons lead to: editing and deleting a post
// (each a form page, then its POST) and liking it.
func (s *Server) threadRoutes(r, forms *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/p/{id}/edit", s.handleEditPostForm).Methods(get...)
	forms.HandleFunc("/p/{id}/edit", s.handleEditPost).Methods(http.MethodPost)
	r.HandleFunc("/p/{id}/delete", s.handleDeletePostForm).Methods(get...)
	forms.HandleFunc("/p/{id}/delete", s.handleDeletePost).Methods(http.MethodPost)
	forms.HandleFunc("/p/{id}/like", s.handleLike).Methods(http.MethodPost)
	forms.HandleFunc("/p/{id}/unlike", s.handleUnlike).Methods(http.MethodPost)
	forms.HandleFunc("/p/{id}/vote", s.handleVote).Methods(http.MethodPost)
}

// renderThread shows the thread of post id to a browser, as a tree of replies, with the
// buttons the viewer may use. With ?reply=1 the reply form of that post is open.
func (s *Server) renderThread(w http.ResponseWriter, r *http.Request, id string) {
	ctx := r.Context()
	p, err := s.svc.FindPost(ctx, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	posts, err := s.svc.Thread(ctx, p.ThreadID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	actions, err := s.svc.ThreadActions(ctx, posts)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	media, err := s.svc.PostsMedia(ctx, posts)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &frontend.ThreadPage{Layout: frontend.Layout{Instance: s.domain, AlternateAS2: p.IRI}}
	if r.URL.Query().Get("reply") != "" {
		page.Replying = p.ID
	}
	iris := []string{p.CommunityIRI}
	for _, q := range posts {
		iris = append(iris, q.AuthorIRI)
	}
	names := s.svc.ActorNames(ctx, iris)
	community := names[p.CommunityIRI]
	page.Community = frontend.ActorLink{Name: community.Name, URL: community.URL}
	loc := viewerLocation(ctx)
	views := make([]*frontend.ThreadPost, 0, len(posts))
	for _, q := range posts {
		if q.IsThread() {
			page.Title = q.Title
			if actions[q.ID].Reply {
				page.ReplyTo = q.ID
			}
		}
		view := threadPost(q, names[q.AuthorIRI], actions[q.ID], loc)
		view.Media = s.mediaViews(media[q.ID])
		views = append(views, view)
	}
	if err := s.addPolls(ctx, posts, views, loc); err != nil {
		s.Error(w, r, err)
		return
	}
	page.SetPosts(views)
	s.renderPage(w, r, page)
}

// threadPost is a post as the thread page shows it; a deleted post keeps its place in the
// tree but not its author.
func threadPost(p *convene.Post, author service.ActorName, can service.PostActions, loc *time.Location) *frontend.ThreadPost {
	v := postView(p)
	v.Published = p.PublishedAt.In(loc)
	if !v.Deleted {
		v.AuthorName, v.AuthorHandle, v.AuthorURL, v.AuthorAvatar = author.Name, author.Handle, author.URL, author.AvatarURL
	}
	return &frontend.ThreadPost{PostView: v, ParentID: p.ParentID, Edited: p.EditedAt != nil, Likes: p.LikeCount,
		CanReply: can.Reply, CanLike: can.Like, Liked: can.Liked, CanEdit: can.Edit, CanDelete: can.Delete}
}

// viewerLocation is the signed-in viewer's time zone, UTC for visitors and for a zone the
// server does not know.
func viewerLocation(ctx context.Context) *time.Location {
	ws := sessionFrom(ctx)
	if ws == nil || ws.account.Timezone == "" {
		return time.UTC
	}
	loc, err := convene.LoadZone(ws.account.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// postOnThread is where a post is seen: its place on its thread's page.
func postOnThread(p *convene.Post) string {
	return "/p/" + p.ThreadID + "#p-" + p.ID
}

// handleEditPostForm shows the edit form to whoever may edit the post.
func (s *Server) handleEditPostForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.svc.PostToEdit(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, &frontend.PostEditPage{Layout: s.layoutTitled("Edit post"), ID: p.ID, IsThread: p.IsThread(),
		PostTitle: p.Title, Body: p.Source, Back: postOnThread(p)})
}

// handleEditPost saves an edit; invalid input shows the form again with what was typed.
func (s *Server) handleEditPost(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	body, title := r.PostFormValue("body"), strings.TrimSpace(r.PostFormValue("title"))
	edit := service.PostEdit{Body: &body}
	if _, ok := r.PostForm["title"]; ok {
		edit.Title = &title
	}
	p, err := s.svc.EditPost(r.Context(), id, edit)
	if convene.ErrorCode(err) == convene.EINVALID {
		page := &frontend.PostEditPage{Layout: s.layoutTitled("Edit post"), ID: id, IsThread: edit.Title != nil,
			PostTitle: title, Body: body, Back: "/p/" + id}
		s.renderFormError(w, r, err, page)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, postOnThread(p), http.StatusSeeOther)
}

// handleDeletePostForm asks whoever may delete the post to confirm.
func (s *Server) handleDeletePostForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := s.svc.PostToDelete(ctx, mux.Vars(r)["id"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	author := s.svc.ActorNames(ctx, []string{p.AuthorIRI})[p.AuthorIRI]
	s.renderPage(w, r, &frontend.PostDeletePage{Layout: s.layoutTitled("Delete post"), ID: p.ID, IsThread: p.IsThread(),
		Content: trustedHTML(p.Content), Author: author.Name, Published: p.PublishedAt.In(viewerLocation(ctx)), Back: postOnThread(p)})
}

// handleDeletePost deletes a post. A deleted thread has nothing left to read, so its
// deleter goes to the community; a deleted reply leaves its place in the thread.
func (s *Server) handleDeletePost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := s.svc.FindPost(ctx, mux.Vars(r)["id"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The web has no delete-and-redraft: the post's files go with it.
	if err := s.svc.DeletePostAndMedia(ctx, p.ID); err != nil {
		s.Error(w, r, err)
		return
	}
	next := postOnThread(p)
	if p.IsThread() {
		next = "/"
		if kind, slug, ok := s.iris.LocalActor(p.CommunityIRI); ok && kind == "group" {
			next = "/c/" + slug
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleLike and handleUnlike answer the like button, back to the post on its thread.
func (s *Server) handleLike(w http.ResponseWriter, r *http.Request)   { s.like(w, r, s.svc.Like) }
func (s *Server) handleUnlike(w http.ResponseWriter, r *http.Request) { s.like(w, r, s.svc.Unlike) }

func (s *Server) like(w http.ResponseWriter, r *http.Request, act func(context.Context, string) error) {
	ctx := r.Context()
	p, err := s.svc.FindPost(ctx, mux.Vars(r)["id"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := act(ctx, p.ID); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, postOnThread(p), http.StatusSeeOther)
}
