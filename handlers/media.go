package handlers

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
)

// handleMediaFile serves an uploaded file by the name the service gave it. Uploads are
// untrusted bytes, so the browser is told not to guess their type and to run nothing in
// them, even when opened directly.
func (s *Server) handleMediaFile(w http.ResponseWriter, r *http.Request) {
	f, contentType, err := s.svc.MediaFile(r.Context(), mux.Vars(r)["file"])
	if err != nil {
		if convene.ErrorCode(err) != convene.ENOTFOUND {
			s.log.ErrorContext(r.Context(), "open media file", "err", err)
		}
		http.Error(w, "Not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// The name is random and the content never changes under it.
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	// Web apps on other origins (Elk, Phanpy) may fetch it, as they do Mastodon's media.
	h.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(w, r, "", f.ModTime(), f)
}
