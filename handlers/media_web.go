package handlers

import (
	"errors"
	"mime/multipart"
	"net/http"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// mediaViews turns a post's files into what a page shows, with URLs from the one URL layout.
func (s *Server) mediaViews(list []*convene.Media) []frontend.MediaView {
	out := make([]frontend.MediaView, 0, len(list))
	for _, m := range list {
		v := frontend.MediaView{URL: s.iris.MediaURL(m, false), PreviewURL: s.iris.MediaURL(m, true), Alt: m.Description,
			IsImage: m.Kind == convene.MediaImage, Kind: m.Kind, Width: m.SmallWidth, Height: m.SmallHeight}
		if m.IsRemote() {
			v.Width, v.Height = m.Width, m.Height // the preview is the original
		}
		out = append(out, v)
	}
	return out
}

// maxUploadForm bounds a web form that may carry a picture: the largest upload and the
// form's text.
const maxUploadForm = service.ImageSizeLimit + maxFormBody

// uploadFromForm stores the picture a web form carries (field "file", its description in
// "alt") and returns its id to attach; none when no file was chosen.
func (s *Server) uploadFromForm(r *http.Request) ([]string, error) {
	f, err := formFile(r)
	if err != nil || f == nil {
		return nil, err
	}
	defer f.Close()
	m, err := s.svc.UploadMedia(r.Context(), service.MediaUpload{File: f, Description: r.PostFormValue("alt")})
	if err != nil {
		return nil, err
	}
	return []string{m.ID}, nil
}

// formFile opens the file a web form carries in its field "file"; nil when it carries none
// (an urlencoded form, or the file field left empty). The caller closes it.
func formFile(r *http.Request) (multipart.File, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	f, hdr, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		return nil, nil
	case err != nil:
		return nil, convene.Errorf(convene.EINVALID, "the picture could not be read: try again")
	case hdr.Size == 0:
		f.Close()
		return nil, nil
	}
	return f, nil
}
