package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// Attachments, both ways, as Mastodon writes them on a Note:
// {type: Document, mediaType, url, name (the alt text), blurhash, width, height, focalPoint}.

// attachmentTypes are the attachment object types filed as files. Lemmy's Link is the
// link of a link post: a file only when it says it is an image (an image post).
var attachmentTypes = map[typeName]bool{"Document": true, "Image": true, "Video": true, "Audio": true}

// Bounds on what a peer's attachment may make us store.
const (
	maxAttachmentURL  = 2048
	maxBlurhash       = 100
	maxAttachmentSide = 100_000
)

// attachments is a Note's attachment property: one object or a list. Items we cannot read
// are skipped, never an error: a post must not be lost over a picture.
type attachments []service.RemoteAttachment

func (as *attachments) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var items []json.RawMessage
	if len(b) > 0 && b[0] == '[' {
		if json.Unmarshal(b, &items) != nil {
			return nil
		}
	} else {
		items = []json.RawMessage{b}
	}
	for _, raw := range items {
		if len(*as) == service.MaxRemoteMedia {
			break
		}
		if a, ok := parseAttachment(raw); ok {
			*as = append(*as, a)
		}
	}
	return nil
}

type attachmentDoc struct {
	Type      typeName        `json:"type"`
	MediaType string          `json:"mediaType"`
	URL       json.RawMessage `json:"url"`
	Href      string          `json:"href"` // a Link's
	Name      string          `json:"name"`
	Blurhash  string          `json:"blurhash"`
	Width     json.RawMessage `json:"width"` // read leniently: a string here must not cost the file
	Height    json.RawMessage `json:"height"`
}

func parseAttachment(raw json.RawMessage) (service.RemoteAttachment, bool) {
	var d attachmentDoc
	if json.Unmarshal(raw, &d) != nil {
		return service.RemoteAttachment{}, false
	}
	href, linkType := attachmentURL(d.URL)
	switch {
	case d.Type == "Link" && strings.HasPrefix(d.MediaType, "image/"):
		href = d.Href
	case !attachmentTypes[d.Type]:
		return service.RemoteAttachment{}, false
	}
	if len(href) > maxAttachmentURL || !isHTTPURL(href) {
		return service.RemoteAttachment{}, false
	}
	a := service.RemoteAttachment{URL: href, MediaType: firstNonEmpty(d.MediaType, linkType), Name: plainName(d.Name)}
	if len(a.MediaType) > 100 || strings.ContainsAny(a.MediaType, " ;\"<>") {
		a.MediaType = ""
	}
	if validBlurhash(d.Blurhash) {
		a.Blurhash = d.Blurhash
	}
	w, h := number(d.Width), number(d.Height)
	if w > 0 && h > 0 && w <= maxAttachmentSide && h <= maxAttachmentSide {
		a.Width, a.Height = int(w), int(h)
	}
	return a, true
}

// number reads a JSON number, or 0 for anything else.
func number(raw json.RawMessage) float64 {
	var f float64
	if json.Unmarshal(raw, &f) != nil {
		return 0
	}
	return f
}

// attachmentURL reads url as a string, a Link {href, mediaType}, or a list of either (the first).
func attachmentURL(raw json.RawMessage) (string, string) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, ""
	}
	var link struct {
		Href      string `json:"href"`
		MediaType string `json:"mediaType"`
	}
	if json.Unmarshal(raw, &link) == nil {
		return link.Href, link.MediaType
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return attachmentURL(list[0])
	}
	return "", ""
}

// plainName is alt text as we keep it: plain, valid UTF-8, one bounded paragraph.
func plainName(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	s = cutRunes(s, convene.MaxMediaDescription)
	return strings.TrimSpace(s)
}

func validBlurhash(s string) bool {
	if len(s) < 6 || len(s) > maxBlurhash {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(blurhashAlphabet, r) {
			return false
		}
	}
	return true
}

const blurhashAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

// addAttachments adds a post's files to its Note. go-fed v1.0.0 knows neither blurhash nor
// focalPoint, so the whole attachment list is written here.
func (r *Renderer) addAttachments(ctx context.Context, note map[string]any, p *convene.Post) error {
	media, err := r.store.FindPostsMedia(ctx, []string{p.ID})
	if err != nil || len(media[p.ID]) == 0 {
		return err
	}
	list := make([]any, 0, len(media[p.ID]))
	for _, m := range media[p.ID] {
		list = append(list, r.iris.MediaToAS(m))
	}
	note["attachment"] = list
	return nil
}

// MediaToAS is a file as a Note's attachment.
func (u IRIs) MediaToAS(m *convene.Media) map[string]any {
	a := map[string]any{"type": "Document", "mediaType": m.ContentType, "url": u.MediaURL(m, false), "name": nil}
	if m.Description != "" {
		a["name"] = m.Description
	}
	if m.Blurhash != "" {
		a["blurhash"] = m.Blurhash
	}
	if m.Width > 0 && m.Height > 0 {
		a["width"], a["height"] = m.Width, m.Height
	}
	if !m.IsRemote() {
		a["focalPoint"] = []float64{m.FocusX, m.FocusY}
	}
	return a
}

// MediaURL is where a file is served: its preview (small) or original here, or, for a
// remote attachment, its URL on its own server.
func (u IRIs) MediaURL(m *convene.Media, small bool) string {
	switch {
	case m.IsRemote():
		return m.RemoteURL
	case small && m.SmallKey != "":
		return u.Media(m.SmallKey)
	}
	return u.Media(m.FileKey)
}
