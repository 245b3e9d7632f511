package frontend

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText renders sanitized HTML as plain text for readers that cannot show markup
// (an iCalendar DESCRIPTION): blocks are separated by a blank line, list items and <br>
// start a new line, entities are decoded and a link keeps its address as "text (href)",
// since the text alone would lose where it pointed.
func htmlText(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil { // only a failing reader errs, and a strings.Reader does not fail
		return ""
	}
	var w plainWriter
	for _, n := range nodes {
		w.node(n, false)
	}
	return w.String()
}

// hiddenElements never show their content as text.
var hiddenElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Iframe: true, atom.Object: true, atom.Head: true, atom.Title: true,
}

// paragraphElements are set apart from their neighbours by a blank line.
var paragraphElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Blockquote: true, atom.Pre: true, atom.Table: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Hr: true, atom.Figure: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
}

// lineElements start a line of their own.
var lineElements = map[atom.Atom]bool{
	atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Tr: true, atom.Figcaption: true,
}

// plainWriter collects text with the line breaks it still owes: adjacent block
// boundaries merge (</p><p> is one blank line), while every <br> counts.
type plainWriter struct {
	b       strings.Builder
	breaks  int  // newlines owed before the next text
	space   bool // a space owed before the next text on the same line
	started bool // some text was written; breaks before it are dropped
}

func (w *plainWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

func (w *plainWriter) node(n *html.Node, inPre bool) {
	switch {
	case n.Type == html.TextNode:
		w.text(n.Data, inPre)
		return
	case n.Type != html.ElementNode:
		return
	case hiddenElements[n.DataAtom]:
		return
	case n.DataAtom == atom.Br:
		w.breaks++
		return
	case n.DataAtom == atom.Img:
		w.text(nodeAttr(n, "alt"), false)
		return
	case n.DataAtom == atom.A:
		w.link(n, inPre)
		return
	}
	brk := 0
	if paragraphElements[n.DataAtom] {
		brk = 2
	} else if lineElements[n.DataAtom] {
		brk = 1
	}
	w.breaks = max(w.breaks, brk)
	inPre = inPre || n.DataAtom == atom.Pre
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, inPre)
	}
	w.breaks = max(w.breaks, brk)
}

// link writes a link's text, then its address in parentheses unless the text already
// is the address (Mastodon shows a URL's scheme and tail in hidden spans, so its link
// text is the whole URL). Relative and fragment links are dropped: they lead nowhere
// outside the page.
func (w *plainWriter) link(n *html.Node, inPre bool) {
	var sub plainWriter
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sub.node(c, inPre)
	}
	text := strings.TrimSpace(sub.String())
	href := strings.TrimSpace(nodeAttr(n, "href"))
	if u, err := url.Parse(href); err != nil || !u.IsAbs() {
		href = ""
	}
	switch {
	case href == "" || text == href:
		w.text(text, inPre)
	case bareAddress(text) == bareAddress(href):
		w.text(href, inPre)
	case text == "":
		w.text(href, inPre)
	default:
		w.text(text+" ("+href+")", inPre)
	}
}

// bareAddress strips what link texts commonly leave out of their href.
func bareAddress(s string) string {
	for _, p := range []string{"https://", "http://", "mailto:"} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.TrimSuffix(s, "/")
}

// text writes s after any owed breaks. Outside <pre> whitespace, source newlines
// included, collapses to one space, as a browser shows it.
func (w *plainWriter) text(s string, inPre bool) {
	if inPre {
		w.flush()
		w.b.WriteString(strings.ReplaceAll(s, "\r\n", "\n"))
		return
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		w.space = w.space || s != ""
		return
	}
	first, _ := utf8.DecodeRuneInString(s)
	w.space = w.space || unicode.IsSpace(first)
	w.flush()
	w.b.WriteString(strings.Join(words, " "))
	last, _ := utf8.DecodeLastRuneInString(s)
	w.space = unicode.IsSpace(last)
}

// flush writes the owed line breaks, or the owed space when none are owed.
func (w *plainWriter) flush() {
	switch {
	case !w.started:
	case w.breaks > 0:
		w.b.WriteString(strings.Repeat("\n", w.breaks))
	case w.space:
		w.b.WriteByte(' ')
	}
	w.started, w.breaks, w.space = true, 0, false
}

func nodeAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
