package handlers

import (
	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
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
