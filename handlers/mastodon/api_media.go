package mastodon

import (
	"errors"
	"mime"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// mediaRoutes mounts uploads. Mastodon asks write:media of all of them, reads included.
func (a *API) mediaRoutes(api *mux.Router) {
	api.HandleFunc("/v2/media", a.auth("write:media", a.handleUploadMedia)).Methods(http.MethodPost)
	api.HandleFunc("/v1/media", a.auth("write:media", a.handleUploadMedia)).Methods(http.MethodPost)
	api.HandleFunc("/v1/media/{id}", a.auth("write:media", a.handleMedia)).Methods(http.MethodGet)
	api.HandleFunc("/v1/media/{id}", a.auth("write:media", a.handleUpdateMedia)).Methods(http.MethodPut)
}

// maxUploadBody bounds an upload request: the largest file we accept plus room for the
// form's other fields and boundaries. It is enforced before any of the body is parsed.
const maxUploadBody = service.ImageSizeLimit + 64<<10

// uploadMemory is how much of a multipart body is held in memory; the rest of a file waits
// in a temporary file until the request ends.
const uploadMemory = 1 << 20

// handleUploadMedia takes a multipart upload (file, description, focus) and answers 200
// with the finished attachment: images are processed at once, so url is already set and
// apps need not poll (Mastodon answers 202 only while a file is still processing).
func (a *API) handleUploadMedia(w http.ResponseWriter, r *http.Request) {
	cleanup, err := parseUploadForm(w, r, maxUploadBody)
	defer cleanup()
	if err != nil {
		a.Error(w, r, err)
		return
	}
	if r.MultipartForm == nil {
		a.Error(w, r, convene.Errorf(convene.EINVALID, "send the file as multipart/form-data, in a field named file"))
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		a.Error(w, r, convene.Errorf(convene.EINVALID, "the form has no file (a field named file)"))
		return
	}
	defer f.Close()
	m, err := a.svc.UploadMedia(r.Context(), service.MediaUpload{File: f, Description: r.FormValue("description"),
		Focus: r.FormValue("focus")})
	a.writeMedia(w, r, m, err)
}

// parseUploadForm reads a multipart body of at most limit bytes, files beyond uploadMemory
// spooled to disk; cleanup removes those (net/http would only for its own request, and
// handlers get a copy of it) and must be deferred whatever the error. Other bodies are left
// to params.
func parseUploadForm(w http.ResponseWriter, r *http.Request, limit int64) (cleanup func(), err error) {
	cleanup = func() {
		if r.MultipartForm != nil {
			r.MultipartForm.RemoveAll()
		}
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return cleanup, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return cleanup, convene.Errorf(convene.EINVALID, "the files are larger than %d MB each", service.ImageSizeLimit>>20)
		}
		return cleanup, convene.Errorf(convene.EINVALID, "the request body is not a valid form")
	}
	return cleanup, nil
}

func (a *API) writeMedia(w http.ResponseWriter, r *http.Request, m *convene.Media, err error) {
	if err != nil {
		a.Error(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, a.conv.MediaAttachmentOf(m))
}

// handleMedia shows one of the caller's uploads.
func (a *API) handleMedia(w http.ResponseWriter, r *http.Request) {
	m, err := a.svc.OwnMedia(r.Context(), mux.Vars(r)["id"])
	a.writeMedia(w, r, m, err)
}

// handleUpdateMedia changes an upload's description or focus before it is posted.
func (a *API) handleUpdateMedia(w http.ResponseWriter, r *http.Request) {
	p, err := params(w, r)
	if err != nil {
		a.Error(w, r, err)
		return
	}
	var edit service.MediaEdit
	if v, ok := p["description"]; ok && len(v) > 0 {
		edit.Description = &v[0]
	}
	if v, ok := p["focus"]; ok && len(v) > 0 {
		edit.Focus = &v[0]
	}
	m, err := a.svc.UpdateMedia(r.Context(), mux.Vars(r)["id"], edit)
	a.writeMedia(w, r, m, err)
}

// mediaAttributes reads media_attributes[][id] and media_attributes[][description] (from a
// form, or a JSON list of objects), paired in order (only when every entry has both).
func mediaAttributes(p map[string][]string) map[string]string {
	ids, descs := p["media_attributes[][id]"], p["media_attributes[][description]"]
	if len(ids) == 0 || len(ids) != len(descs) {
		return nil
	}
	out := make(map[string]string, len(ids))
	for i, id := range ids {
		out[id] = descs[i]
	}
	return out
}
