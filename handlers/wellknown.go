package handlers

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
)

// handleWebFinger answers /.well-known/webfinger for accounts, communities and the
// instance actor. CORS is open: browser clients look handles up too.
func (s *Server) handleWebFinger(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	target, err := s.iris.ParseWebFingerResource(r.URL.Query().Get("resource"))
	if errors.Is(err, federation.ErrNotOurs) {
		writeJSON(w, http.StatusNotFound, "application/json", map[string]string{"error": "unknown resource"})
		return
	}
	var jrd federation.JRD
	switch target.Kind {
	case federation.TargetInstance:
		jrd = s.iris.WebFingerFor(s.domain, s.iris.InstanceActor())
	default:
		a, c, err := s.svc.FindActor(r.Context(), target.Name)
		switch {
		case convene.ErrorCode(err) == convene.ENOTFOUND:
			writeJSON(w, http.StatusNotFound, "application/json", map[string]string{"error": "unknown resource"})
			return
		case err != nil:
			s.Error(w, r, err)
			return
		case a != nil:
			jrd = s.iris.WebFingerFor(a.Username, s.iris.Person(a.Username))
		default:
			jrd = s.iris.WebFingerFor(c.Slug, s.iris.Group(c.Slug))
		}
	}
	writeJSON(w, http.StatusOK, "application/jrd+json; charset=utf-8", jrd)
}

// handleHostMeta points clients that start from host-meta (Mastodon's fallback) at WebFinger.
func (s *Server) handleHostMeta(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Write([]byte(s.iris.HostMeta()))
}

// handleNodeInfoLinks serves /.well-known/nodeinfo.
func (s *Server) handleNodeInfoLinks(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, "application/json", s.iris.NodeInfoLinks())
}

// handleNodeInfo serves /nodeinfo/2.0 and /nodeinfo/2.1 with live usage counts.
func (s *Server) handleNodeInfo(w http.ResponseWriter, r *http.Request) {
	schema := mux.Vars(r)["version"]
	usage, err := s.svc.Usage(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	doc := s.iris.NodeInfo(schema, s.version, federation.NodeInfoUsage{Users: usage.Users, ActiveMonth: usage.ActiveMonth,
		ActiveHalfyear: usage.ActiveHalfyear, LocalPosts: usage.LocalPosts}, s.svc.OpenRegistrations())
	w.Header().Set("Access-Control-Allow-Origin", "*")
	contentType := `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/` + schema + `#"`
	writeJSON(w, http.StatusOK, contentType, doc)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
