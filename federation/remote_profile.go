package federation

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// What an actor shows of itself besides its name: its avatar (icon), header (image) and bio
// (summary). They are read leniently: a picture or bio we cannot use is left out, never a
// reason to refuse the actor, whose inbox and key are what federation needs.

// Bounds on an actor's profile.
const (
	// maxActorSummary is the bio as stored, in characters of sanitized HTML. Mastodon bios are
	// 500 characters of text; a Lemmy community's sidebar may be far longer, and is cut.
	maxActorSummary = 5000
	// maxActorSummaryHTML is how much of the sent bio is sanitized at all, in bytes: more
	// than any cut bio needs, and it keeps a megabyte of markup from costing a parse.
	maxActorSummaryHTML = 64 << 10
	// maxImageCandidates is how many entries of a list (of images, or of an image's urls)
	// are tried before giving up on a picture.
	maxImageCandidates = 8
	// maxImageDepth bounds the nesting walked: a list of Images whose url is a list of Links
	// is three levels deep; nothing real is deeper.
	maxImageDepth = 4
)

// actorImageURL reads an actor's icon or image: a URL, an Image object whose url is a URL, a
// Link {href} or a list of these, or a list of Images. The first usable URL wins (imageHref).
func actorImageURL(raw json.RawMessage) string {
	return firstImageURL(raw, 0)
}

func firstImageURL(raw json.RawMessage, depth int) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || depth > maxImageDepth {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return imageHref(s)
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return ""
		}
		for _, item := range list[:min(len(list), maxImageCandidates)] {
			if u := firstImageURL(item, depth+1); u != "" {
				return u
			}
		}
	case '{':
		return imageObjectURL(raw, depth)
	}
	return ""
}

// imageObjectURL reads an Image (its url) or a Link (its href). One whose mediaType says it
// is not an image (a Video, or the text/html page of a list of links) is passed over.
func imageObjectURL(raw json.RawMessage, depth int) string {
	var o struct {
		URL       json.RawMessage `json:"url"`
		Href      jsonText        `json:"href"`
		MediaType jsonText        `json:"mediaType"`
	}
	if json.Unmarshal(raw, &o) != nil {
		return ""
	}
	if o.MediaType != "" && !strings.HasPrefix(string(o.MediaType), "image/") {
		return ""
	}
	if o.Href != "" {
		return imageHref(string(o.Href))
	}
	return firstImageURL(o.URL, depth+1)
}

// imageHref keeps an absolute http(s) URL no longer than an attachment's: apps load it and
// our pages show it, so a javascript:, data: or relative one is dropped.
func imageHref(s string) string {
	if len(s) > maxAttachmentURL || !isHTTPURL(s) {
		return ""
	}
	return s
}

// actorSummary is the bio as we keep it: sanitized like a post's content, then at most
// maxActorSummary characters. A longer one is cut at a character boundary, marked with an
// ellipsis and sanitized again, which drops a tag cut in half and closes the elements left
// open. Closing them adds a little, so while the result is still too long the cut moves back
// by the excess and a margin; after a few tries (never needed by real markup) the bio is
// dropped rather than stored unbounded.
func actorSummary(raw string) string {
	full := strings.TrimSpace(SanitizeHTML(cutBytes(raw, maxActorSummaryHTML)))
	s, n := full, maxActorSummary-1
	for tries := 0; utf8.RuneCountInString(s) > maxActorSummary; tries++ {
		if tries == maxSummaryCuts || n <= 0 {
			return ""
		}
		s = strings.TrimSpace(SanitizeHTML(cutHTML(full, n) + "…"))
		n -= utf8.RuneCountInString(s) - maxActorSummary + summaryCutMargin
	}
	return s
}

// How actorSummary moves its cut back: by the excess plus this margin (room for a few
// closing tags), at most this many times.
const (
	summaryCutMargin = 16
	maxSummaryCuts   = 8
)

// cutHTML is the first n characters of sanitized HTML, moved back to before a tag or
// character reference the cut would split, so the ellipsis after it stays text. In rendered
// HTML every literal "<" opens a tag and every "&" a reference: text escapes them.
func cutHTML(s string, n int) string {
	s = cutRunes(s, n)
	if i := strings.LastIndexByte(s, '<'); i > strings.LastIndexByte(s, '>') {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '&'); i > strings.LastIndexByte(s, ';') {
		s = s[:i]
	}
	return s
}

// cutRunes is the first n characters of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
