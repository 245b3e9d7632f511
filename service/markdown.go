package service

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// markdown renders what local people write. goldmark leaves out raw HTML and neutralises
// javascript: and similar links unless told otherwise, which is what makes its output safe
// to embed in our pages and in the ActivityPub documents other servers display.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// RenderMarkdown returns src as HTML, or "" for an empty source.
func RenderMarkdown(src string) string {
	if src == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		// Converting from memory into memory only fails on a bug; show the text escaped.
		return "<p>" + template.HTMLEscapeString(src) + "</p>"
	}
	return buf.String()
}
