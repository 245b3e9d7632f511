package handlers

import (
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
	f, err := formFile(r)
	if err == nil && f == nil {
		err = convene.Errorf(convene.EINVALID, "choose a picture to upload")
	}
	if err != nil {
		return which, nil, err
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
		_, err = s.svc.SetAccountPicture(r.Context(), a.Username, which, f)
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
		_, err = s.svc.SetCommunityPicture(r.Context(), mux.Vars(r)["slug"], which, f)
	}
	if err != nil {
		s.settingsFailed(w, r, err, "pictures", nil)
		return
	}
	settingsDone(w, r, "pictures", "pictures")
}
