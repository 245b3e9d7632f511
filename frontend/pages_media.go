package frontend

// MediaView is a post's file as a page shows it: a picture (its preview, linking to the
// original) or, for video, audio and anything else, a link.
type MediaView struct {
	URL        string // the original
	PreviewURL string
	Alt        string // the author's description; empty when none was given
	Width      int    // of the preview; 0 when unknown
	Height     int
	IsImage    bool
	Kind       string // image, gifv, video, audio, unknown
}

// Label names a file that is shown as a link.
func (m MediaView) Label() string {
	if m.Alt != "" {
		return m.Alt
	}
	switch m.Kind {
	case "video", "gifv":
		return "Video"
	case "audio":
		return "Audio"
	}
	return "Attached file"
}
