package service

import (
	"context"
	"strings"

	"github.com/convene-social/convene"
)

// RemoteAttachment is a file of a remote post as its Note describes it (federation has
// checked that URL is http(s) and bounded the text).
type RemoteAttachment struct {
	URL           string
	MediaType     string // e.g. image/jpeg; may be empty
	Name          string // alt text, plain
	Blurhash      string
	Width, Height int
}

// MaxRemoteMedia bounds what is kept of one remote post's attachments.
const MaxRemoteMedia = 8

// storeRemoteMedia records a remote post's attachments as links: nothing is downloaded, so
// apps load them from the author's server, as Mastodon's remote_url.
func (s *Service) storeRemoteMedia(ctx context.Context, tx convene.Store, p *convene.Post, list []RemoteAttachment) error {
	now := s.timestamp()
	for i, a := range list[:min(len(list), MaxRemoteMedia)] {
		name, _ := validateText("description", truncateRunes(a.Name, convene.MaxMediaDescription), convene.MaxMediaDescription, false)
		m := &convene.Media{ID: convene.NewIDAt(now), PostID: p.ID, Kind: remoteKind(a.MediaType), ContentType: a.MediaType,
			Description: name, Blurhash: a.Blurhash, Width: max(0, a.Width), Height: max(0, a.Height),
			RemoteURL: a.URL, Position: i, CreatedAt: now}
		if err := tx.CreateMedia(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// remoteKind is the Mastodon type for a remote file's media type.
func remoteKind(mediaType string) string {
	major, _, _ := strings.Cut(strings.ToLower(mediaType), "/")
	switch {
	case major == "image":
		return convene.MediaImage
	case major == "video":
		return convene.MediaVideo
	case major == "audio":
		return convene.MediaAudio
	}
	return convene.MediaUnknown
}
