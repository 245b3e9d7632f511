package federation

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// linkRel is forced on every link: remote content must not pass our ranking to its
// targets (nofollow), reach back into our window (noopener) or learn where it was
// clicked (noreferrer).
const linkRel = "nofollow noopener noreferrer"

// linkSchemes are the schemes Mastodon's MASTODON_STRICT keeps; any other link,
// relative ones included, is reduced to its text.
var linkSchemes = map[string]bool{
	"http": true, "https": true, "dat": true, "dweb": true, "ipfs": true, "ipns": true,
	"ssb": true, "gopher": true, "xmpp": true, "magnet": true, "gemini": true,
}

// classAlternatives is one acceptable class name, for matching a single token and,
// in the policy, a whole space-separated list.
const classAlternatives = `(?:(?:h|p|u|dt|e)-[A-Za-z0-9_-]+|mention|hashtag|ellipsis|invisible|quote-inline)`

// classToken matches the class names other servers put on mentions, hashtags and
// shortened links (microformats plus Mastodon's own); anything else is styling
// we do not want remote authors to reach.
var classToken = regexp.MustCompile(`^` + classAlternatives + `$`)

// strictPolicy is built once: bluemonday policies are safe for concurrent use.
var strictPolicy = newStrictPolicy()

// newStrictPolicy is the allow-list of MASTODON_STRICT. It is the authority on what
// survives; the tree pass before it only does the rewrites bluemonday cannot
// express (headings, per-token classes, dropping bad links whole).
func newStrictPolicy() *bluemonday.Policy {
	classList := regexp.MustCompile(`^` + classAlternatives + `(?: ` + classAlternatives + `)*$`)
	integer := regexp.MustCompile(`^-?[0-9]{1,9}$`)
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "a", "del", "s", "pre", "blockquote", "code",
		"b", "strong", "u", "i", "em", "ul", "ol", "li", "ruby", "rt", "rp")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^_blank$`)).OnElements("a")
	p.AllowAttrs("class").Matching(classList).OnElements("a", "span", "p")
	p.AllowAttrs("translate").Matching(regexp.MustCompile(`^(?i:yes|no)?$`)).OnElements("a", "span")
	p.AllowAttrs("start").Matching(integer).OnElements("ol")
	p.AllowAttrs("reversed").Matching(regexp.MustCompile(`^(?i:reversed)?$`)).OnElements("ol")
	p.AllowAttrs("value").Matching(integer).OnElements("li")
	for s := range linkSchemes {
		p.AllowURLSchemes(s)
	}
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// SanitizeHTML returns remote HTML reduced to Mastodon's strict allow-list, safe to
// embed in our pages and API. It parses into a tree first so the rewrites see real
// structure, lets bluemonday apply the allow-list, then parses and renders once more
// so the result is balanced (no stray end tag can close our own markup) and
// sanitizing it again changes nothing.
func SanitizeHTML(s string) string {
	pre := renderHTMLFragment(parseHTMLFragment(s), rewriteForPolicy)
	return renderHTMLFragment(parseHTMLFragment(strictPolicy.Sanitize(pre)), nil)
}

// bodyContext makes fragments parse as they would inside our page's <body>.
var bodyContext = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}

// textOnlyPolicy strips every tag, keeping text, for HTML the parser refuses.
var textOnlyPolicy = bluemonday.NewPolicy().AddSpaceWhenStrippingTag(true)

// parseHTMLFragment parses s as body content. The parser recovers from any markup
// but refuses nesting deeper than 512 elements; such a post keeps only its text
// rather than vanishing, and text alone always parses.
func parseHTMLFragment(s string) []*html.Node {
	nodes, err := html.ParseFragment(strings.NewReader(s), bodyContext)
	if err == nil {
		return nodes
	}
	nodes, err = html.ParseFragment(strings.NewReader(textOnlyPolicy.Sanitize(s)), bodyContext)
	if err != nil {
		return nil
	}
	return nodes
}

// renderHTMLFragment applies rewrite (if any) to each top-level node and renders them.
func renderHTMLFragment(nodes []*html.Node, rewrite func(*html.Node)) string {
	holder := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		holder.AppendChild(n)
	}
	if rewrite != nil {
		rewriteChildren(holder, rewrite)
	}
	var b strings.Builder
	for c := holder.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return ""
		}
	}
	return b.String()
}

// rewriteChildren walks n's subtree bottom-up, so rewrite may replace or unwrap a
// node after its descendants are done without the walk losing its place.
func rewriteChildren(n *html.Node, rewrite func(*html.Node)) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		rewriteChildren(c, rewrite)
		rewrite(c)
		c = next
	}
}

// rewriteForPolicy does what Mastodon's sanitize transformers do before the
// allow-list: headings become bold paragraphs, MathML becomes its TeX source,
// links with other schemes become plain text, and class lists keep only the
// tokens we understand.
func rewriteForPolicy(n *html.Node) {
	if n.Type != html.ElementNode {
		return
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		headingToStrong(n)
		return
	case atom.Math:
		mathToTeX(n)
		return
	case atom.A:
		if rewriteLink(n) {
			return
		}
	}
	filterClass(n)
}

// headingToStrong turns <hN> into <p><strong>, as Mastodon does, so remote headings
// cannot shout over our own page structure.
func headingToStrong(n *html.Node) {
	strong := &html.Node{Type: html.ElementNode, Data: "strong", DataAtom: atom.Strong}
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
		strong.AppendChild(c)
	}
	n.Data, n.DataAtom, n.Attr = "p", atom.P, nil
	n.AppendChild(strong)
}

// mathToTeX replaces a <math> element by its TeX annotation when it carries one,
// which reads better as text than the concatenated MathML tokens. Without one the
// element is left for the allow-list, which keeps only its text.
func mathToTeX(n *html.Node) {
	tex := findTeX(n)
	if tex == nil || n.Parent == nil {
		return
	}
	n.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: nodeText(tex)}, n)
	n.Parent.RemoveChild(n)
}

// findTeX returns the first <annotation encoding="application/x-tex"> under n.
func findTeX(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "annotation" &&
			strings.EqualFold(nodeAttr(c, "encoding"), "application/x-tex") {
			return c
		}
		if found := findTeX(c); found != nil {
			return found
		}
	}
	return nil
}

// nodeText concatenates the text nodes under n.
func nodeText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		} else {
			b.WriteString(nodeText(c))
		}
	}
	return b.String()
}

// rewriteLink gives an acceptable link exactly the attributes we allow, with our rel
// and target forced, or unwraps it into its text when its href is missing or not
// acceptable. It reports whether it unwrapped n.
func rewriteLink(n *html.Node) bool {
	href, ok := allowedHref(nodeAttr(n, "href"))
	if !ok {
		unwrapNode(n)
		return true
	}
	kept := []html.Attribute{{Key: "href", Val: href}}
	for _, a := range n.Attr {
		if a.Namespace == "" && (a.Key == "class" || a.Key == "translate") {
			kept = append(kept, a)
		}
	}
	n.Attr = append(kept,
		html.Attribute{Key: "rel", Val: linkRel},
		html.Attribute{Key: "target", Val: "_blank"})
	return false
}

// allowedHref applies the same test bluemonday does (no inner whitespace, parseable,
// scheme on our list) and returns the URL in the form bluemonday would write it, so
// the two passes never disagree about a link. Browsers strip tabs and newlines from
// URLs, so "java\tscript:" must be refused, not repaired.
func allowedHref(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.ContainsAny(raw, " \t\n\r\f") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || !linkSchemes[u.Scheme] {
		return "", false
	}
	return u.String(), true
}

// unwrapNode replaces n by its children.
func unwrapNode(n *html.Node) {
	if n.Parent == nil {
		return
	}
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
		n.Parent.InsertBefore(c, n)
	}
	n.Parent.RemoveChild(n)
}

// filterClass keeps only the class tokens classToken accepts, token by token, so
// class="h-card evil-big-red" still marks a mention card.
func filterClass(n *html.Node) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "class" {
			a.Val = strings.Join(allowedClasses(a.Val), " ")
			if a.Val == "" {
				continue
			}
		}
		kept = append(kept, a)
	}
	n.Attr = kept
}

// allowedClasses returns the accepted tokens of a class list, without duplicates.
func allowedClasses(list string) []string {
	var kept []string
	seen := map[string]bool{}
	for _, c := range strings.Fields(list) {
		if classToken.MatchString(c) && !seen[c] {
			seen[c] = true
			kept = append(kept, c)
		}
	}
	return kept
}

// nodeAttr returns the value of n's attribute key, or "".
func nodeAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// PlainText returns the visible text of (sanitized or not) HTML: tags dropped,
// entities decoded, block elements and <br> as newlines, whitespace collapsed per
// line — for titles derived from a post's first line and for summaries. Blocks are
// separated by one blank line, so the first line is the first paragraph's first line.
// Text Mastodon hides with class="invisible" (a link's scheme and tail) is kept: it
// is part of the URL the reader would copy. The result is text, not HTML: it may
// contain "<" and must be escaped where it is embedded.
func PlainText(s string) string {
	var w textWriter
	for _, n := range parseHTMLFragment(s) {
		w.node(n, false)
	}
	return tidyLines(w.b.String())
}

// hiddenContent are elements whose content is never shown as text.
var hiddenContent = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Iframe: true, atom.Object: true, atom.Title: true, atom.Head: true,
	atom.Noembed: true, atom.Noframes: true, atom.Select: true,
}

// blockElements start and end a paragraph of plain text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Blockquote: true, atom.Pre: true,
	atom.Table: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Article: true, atom.Section: true, atom.Aside: true, atom.Header: true,
	atom.Footer: true, atom.Figure: true, atom.Details: true, atom.Hr: true,
}

// listElements are blocks, except when nested in a list item.
var listElements = map[atom.Atom]bool{atom.Ul: true, atom.Ol: true, atom.Dl: true}

// lineElements each take a line of their own inside a block.
var lineElements = map[atom.Atom]bool{
	atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Tr: true,
	atom.Figcaption: true, atom.Summary: true,
}

// textWriter collects text with pending line breaks: the boundaries of nested or
// adjacent blocks merge (</li><li> is one line break, not two), while each <br>
// counts.
type textWriter struct {
	b       strings.Builder
	pending int
}

// node appends n's visible text. Outside <pre>, newlines in the source are just
// whitespace, and whitespace-only text does not end a pending break, so the
// indentation between list items does not become a line of its own.
func (w *textWriter) node(n *html.Node, inPre bool) {
	switch {
	case n.Type == html.TextNode:
		w.text(n.Data, inPre)
		return
	case n.Type != html.ElementNode:
	case hiddenContent[n.DataAtom]:
		return
	case n.DataAtom == atom.Br:
		w.pending++
		return
	}
	brk := breakFor(n)
	w.pending = max(w.pending, brk)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, inPre || n.DataAtom == atom.Pre)
	}
	w.pending = max(w.pending, brk)
}

// sourceNewlines turns line breaks in HTML source into the spaces they render as.
var sourceNewlines = strings.NewReplacer("\n", " ", "\r", " ")

// text writes s after any pending breaks.
func (w *textWriter) text(s string, inPre bool) {
	if !inPre {
		s = sourceNewlines.Replace(s)
		if strings.TrimSpace(s) == "" {
			w.b.WriteString(s)
			return
		}
	}
	w.b.WriteString(strings.Repeat("\n", w.pending))
	w.pending = 0
	w.b.WriteString(s)
}

// breakFor is the number of newlines around n's text: a blank line for blocks, a
// line break for list items and the like, nothing for inline elements. A list is a
// block of its own, except nested in an item, where it just continues the list.
func breakFor(n *html.Node) int {
	switch {
	case n.Type != html.ElementNode:
		return 0
	case blockElements[n.DataAtom]:
		return 2
	case lineElements[n.DataAtom]:
		return 1
	case listElements[n.DataAtom] && n.Parent != nil && n.Parent.DataAtom == atom.Li:
		return 1
	case listElements[n.DataAtom]:
		return 2
	}
	return 0
}

// tidyLines collapses whitespace within each line, drops blank lines at both ends
// and keeps at most one blank line in a row.
func tidyLines(s string) string {
	var out []string
	blank := false
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
