package mastodon

import (
	"fmt"

	"github.com/convene-social/convene"
)

// MediaAttachmentOf is a file as apps see it: our uploads at their absolute URLs here, a
// remote file at its own URL (url, preview_url and remote_url alike, since we keep no copy).
func (c Converter) MediaAttachmentOf(m *convene.Media) MediaAttachment {
	url, preview := c.iris.MediaURL(m, false), c.iris.MediaURL(m, true)
	out := MediaAttachment{ID: m.ID, Type: m.Kind, URL: &url, PreviewURL: &preview}
	if m.IsRemote() {
		remote := m.RemoteURL
		out.RemoteURL = &remote
	}
	if m.Description != "" {
		d := m.Description
		out.Description = &d
	}
	if m.Blurhash != "" {
		b := m.Blurhash
		out.Blurhash = &b
	}
	out.Meta.Original = mediaSize(m.Width, m.Height)
	out.Meta.Small = mediaSize(m.SmallWidth, m.SmallHeight)
	if !m.IsRemote() {
		out.Meta.Focus = &MediaFocus{X: m.FocusX, Y: m.FocusY}
	}
	return out
}

func mediaSize(w, h int) *MediaSize {
	if w <= 0 || h <= 0 {
		return nil
	}
	return &MediaSize{Width: w, Height: h, Size: fmt.Sprintf("%dx%d", w, h), Aspect: float64(w) / float64(h)}
}

// mediaAttachments renders a post's files; never nil.
func (c Converter) mediaAttachments(list []*convene.Media) []MediaAttachment {
	out := make([]MediaAttachment, 0, len(list))
	for _, m := range list {
		out = append(out, c.MediaAttachmentOf(m))
	}
	return out
}
