package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
)

// pictures are an actor's pictures as pages link them.
func (s *Server) pictures(ps convene.Pictures) frontend.Pictures {
	var out frontend.Pictures
	if ps.AvatarKey != "" {
		out.AvatarURL = s.iris.Media(ps.AvatarKey)
	}
	if ps.HeaderKey != "" {
		out.HeaderURL = s.iris.Media(ps.HeaderKey)
	}
	return out
}

// pictureForm reads a picture form: which picture, and its new file, or none when the form
// asks to remove it. The caller closes the file.
func pictureForm(r *http.Request) (convene.Picture, io.ReadCloser, error) {
	which := convene.Picture(r.PostFormValue("picture"))
	if r.PostFormValue("remove") != "" {
		return which, nil, nil
	}
	if r.MultipartForm == nil {
		return which, nil, convene.Errorf(convene.EINVALID, "choose a picture to upload")
	}
	f, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || (err == nil && hdr.Size == 0) {
		return which, nil, convene.Errorf(convene.EINVALID, "choose a picture to upload")
	}
	if err != nil {
		return which, nil, convene.Errorf(convene.EINVALID, "the picture could not be read: try again")
	}
	return which, f, nil
}

// handleSavePicture changes the viewer's avatar or header from /settings.
func (s *Server) handleSavePicture(w http.ResponseWriter, r *http.Request) {
	a := sessionFrom(r.Context()).account
	which, f, err := pictureForm(r)
	if err == nil {
		if f != nil {
			defer f.Close()
		}
		_, err = s.svc.SetAccountPicture(r.Context(), a.Username, which, readerOrNil(f))
	}
	if err != nil {
		s.renderFormError(w, r, err, s.settingsPage(a, frontend.SettingsPictures))
		return
	}
	http.Redirect(w, r, "/settings?saved="+frontend.SettingsPictures+"#settings-pictures", http.StatusSeeOther)
}

// handleCommunityPicture changes a community's avatar or header from its settings.
func (s *Server) handleCommunityPicture(w http.ResponseWriter, r *http.Request) {
	which, f, err := pictureForm(r)
	if err == nil {
		if f != nil {
			defer f.Close()
		}
		_, err = s.svc.SetCommunityPicture(r.Context(), mux.Vars(r)["slug"], which, readerOrNil(f))
	}
	if err != nil {
		s.settingsFailed(w, r, err, "pictures", nil)
		return
	}
	settingsDone(w, r, "pictures", "pictures")
}

// readerOrNil keeps a missing file a nil io.Reader, which the service reads as "remove".
func readerOrNil(f io.ReadCloser) io.Reader {
	if f == nil {
		return nil
	}
	return f
}
