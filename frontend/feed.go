package frontend

import (
	"encoding/xml"
	"io"
	"time"

	"github.com/convene-social/convene"
)

// Feed is a community's threads as a feed: what RSS and Atom readers show.
type Feed struct {
	Title       string
	Link        string // the community page
	Self        string // the feed's own URL
	Description string
	Updated     time.Time
	Items       []FeedItem
}

// FeedItem is one thread.
type FeedItem struct {
	Title     string
	Link      string
	Author    string
	Content   string // HTML, escaped by the XML encoder
	Published time.Time
	Updated   time.Time
}

// ThreadsFeed builds a feed from public threads; link makes a post's URL.
func ThreadsFeed(c *convene.Community, link, self string, posts []*convene.Post, postURL func(*convene.Post) string) Feed {
	f := Feed{Title: c.Name, Link: link, Self: self, Description: c.Summary, Updated: c.UpdatedAt}
	for _, p := range posts {
		if p.Visibility != convene.VisibilityPublic || p.DeletedAt != nil {
			continue
		}
		updated := p.PublishedAt
		if p.EditedAt != nil {
			updated = *p.EditedAt
		}
		if updated.After(f.Updated) {
			f.Updated = updated
		}
		f.Items = append(f.Items, FeedItem{Title: p.Title, Link: postURL(p), Author: p.AuthorIRI, Content: p.Content,
			Published: p.PublishedAt, Updated: updated})
	}
	return f
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Self        atomLink  `xml:"atom:link"`
	Description string    `xml:"description"`
	LastBuild   string    `xml:"lastBuildDate"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	Description string `xml:"description"`
	PubDate     string `xml:"pubDate"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

// WriteRSS writes f as RSS 2.0.
func WriteRSS(w io.Writer, f Feed) error {
	doc := rss{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: rssChannel{
		Title: f.Title, Link: f.Link, Description: f.Description, LastBuild: f.Updated.UTC().Format(time.RFC1123Z),
		Self: atomLink{Href: f.Self, Rel: "self", Type: "application/rss+xml"},
	}}
	for _, it := range f.Items {
		doc.Channel.Items = append(doc.Channel.Items, rssItem{Title: it.Title, Link: it.Link, GUID: it.Link,
			Description: it.Content, PubDate: it.Published.UTC().Format(time.RFC1123Z)})
	}
	return writeXML(w, doc)
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Links   []atomLink  `xml:"link"`
	Updated string      `xml:"updated"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Link      atomLink    `xml:"link"`
	Author    atomAuthor  `xml:"author"`
	Published string      `xml:"published"`
	Updated   string      `xml:"updated"`
	Content   atomContent `xml:"content"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// WriteAtom writes f as Atom 1.0.
func WriteAtom(w io.Writer, f Feed) error {
	doc := atomFeed{Title: f.Title, ID: f.Self, Updated: f.Updated.UTC().Format(time.RFC3339),
		Links: []atomLink{{Href: f.Link, Rel: "alternate", Type: "text/html"}, {Href: f.Self, Rel: "self", Type: "application/atom+xml"}}}
	for _, it := range f.Items {
		doc.Entries = append(doc.Entries, atomEntry{Title: it.Title, ID: it.Link, Link: atomLink{Href: it.Link, Rel: "alternate"},
			Author: atomAuthor{Name: it.Author, URI: it.Author}, Published: it.Published.UTC().Format(time.RFC3339),
			Updated: it.Updated.UTC().Format(time.RFC3339), Content: atomContent{Type: "html", Body: it.Content}})
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, doc any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(doc)
}
