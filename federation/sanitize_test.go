package federation

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// xssCases are attacks on the sanitizer; forbidden lists what must not survive
// (compared in lower case). Every output is also checked against the allow-list.
var xssCases = []struct {
	name      string
	in        string
	forbidden []string
}{
	{"script element", `<script>alert(1)</script>hi`, []string{"<script", "alert"}},
	{"script upper case with src", `<SCRIPT SRC=//evil.example/x.js></SCRIPT>hi`, []string{"<script", "evil"}},
	{"script inside paragraph", `<p>a<script>document.cookie</script>b</p>`, []string{"<script", "cookie"}},
	{"img onerror", `<img src=x onerror=alert(1)>`, []string{"<img", "onerror", "alert"}},
	{"onclick on allowed element", `<p onclick="alert(1)">hi</p>`, []string{"onclick", "alert"}},
	{"onmouseover on allowed link", `<a href="https://ok.example/" onmouseover="alert(1)">x</a>`, []string{"onmouseover", "alert"}},
	{"javascript href", `<a href="javascript:alert(1)">x</a>`, []string{"javascript", "href", "<a"}},
	{"javascript href mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`, []string{"javascript", "href"}},
	{"javascript href hex entity", `<a href="jav&#x61;script:alert(1)">x</a>`, []string{"script", "href"}},
	{"javascript href decimal entity", `<a href="&#106;avascript:alert(1)">x</a>`, []string{"script", "href"}},
	{"javascript href tab", "<a href=\"java\tscript:alert(1)\">x</a>", []string{"script", "href"}},
	{"javascript href tab entity", `<a href="java&#x09;script:alert(1)">x</a>`, []string{"script", "href"}},
	{"javascript href newline", "<a href=\"java\nscript:alert(1)\">x</a>", []string{"script", "href"}},
	{"javascript href leading space", `<a href="  javascript:alert(1)">x</a>`, []string{"javascript", "href"}},
	{"javascript href control char", "<a href=\"\x01javascript:alert(1)\">x</a>", []string{"javascript", "href"}},
	{"vbscript href", `<a href="vbscript:msgbox(1)">x</a>`, []string{"vbscript", "href"}},
	{"data href", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, []string{"data:", "href"}},
	{"data href mixed case", `<a href="DaTa:text/html,<script>alert(1)</script>">x</a>`, []string{"data:", "href", "<script"}},
	{"relative href", `<a href="/settings">x</a>`, []string{"href", "settings"}},
	{"protocol-relative href", `<a href="//evil.example/">x</a>`, []string{"href", "evil"}},
	{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`, []string{"style", "javascript"}},
	{"style element", `<style>body{display:none}</style>x`, []string{"<style", "display"}},
	{"iframe", `<iframe src="https://evil.example/"></iframe>x`, []string{"<iframe", "evil"}},
	{"iframe srcdoc", `<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>`, []string{"<iframe", "srcdoc", "alert"}},
	{"img data url", `<img src="data:image/svg+xml;base64,PHN2Zz4=">x`, []string{"<img", "data:"}},
	{"svg onload", `<svg onload=alert(1)><circle r=1 /></svg>x`, []string{"<svg", "onload", "<circle"}},
	{"svg script", `<svg><script>alert(1)</script></svg>`, []string{"<svg", "<script", "alert"}},
	{"svg anchor xlink", `<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`, []string{"<svg", "xlink", "javascript"}},
	{"math", `<math><mi xlink:href="javascript:alert(1)">x</mi></math>`, []string{"<math", "<mi", "javascript"}},
	{"math style mxss", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, []string{"<math", "<img", "onerror", "<style"}},
	{"form", `<form action="https://evil.example/"><input name=p><button>go</button></form>`, []string{"<form", "<input", "<button", "action"}},
	{"form action javascript", `<form><button formaction="javascript:alert(1)">x</button></form>`, []string{"formaction", "javascript"}},
	{"object", `<object data="https://evil.example/x.swf"><param name=a value=b></object>x`, []string{"<object", "<param", "evil"}},
	{"embed", `<embed src="https://evil.example/x.swf">x`, []string{"<embed", "evil"}},
	{"base", `<base href="https://evil.example/">x`, []string{"<base", "evil"}},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example/">x`, []string{"<meta", "refresh", "evil"}},
	{"link stylesheet", `<link rel=stylesheet href="https://evil.example/x.css">x`, []string{"<link", "evil"}},
	{"comment hiding script", `<!-- <script>alert(1)</script> -->x`, []string{"<!--", "<script", "alert"}},
	{"conditional comment", `<!--[if IE]><script>alert(1)</script><![endif]-->x`, []string{"<!--", "<script", "alert"}},
	{"comment closed early", `<!--><script>alert(1)</script>-->x`, []string{"<!--", "<script", "alert"}},
	{"noscript mxss", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, []string{"<img", "onerror", "<noscript"}},
	{"escaped text stays escaped", `<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`, []string{"<script"}},
	{"attribute breaking quote", `<a href="https://ok.example/" title='"><script>alert(1)</script>'>x</a>`, []string{"<script", "title"}},
	{"unclosed tag", `<p>x<a href="https://ok.example/"`, []string{"<a"}},
	{"textarea", `<textarea><script>alert(1)</script></textarea>`, []string{"<textarea", "<script"}},
	{"template", `<template><script>alert(1)</script></template>x`, []string{"<template", "<script"}},
	{"marquee and blink", `<marquee onstart=alert(1)>x</marquee>`, []string{"<marquee", "onstart"}},
	{"id and name clobbering", `<p id="login" name="cookie">x</p>`, []string{"id=", "name="}},
}

func TestSanitizeHTMLRemovesXSS(t *testing.T) {
	for _, tc := range xssCases {
		t.Run(tc.name, func(t *testing.T) {
			got := SanitizeHTML(tc.in)
			lower := strings.ToLower(got)
			for _, bad := range tc.forbidden {
				if strings.Contains(lower, bad) {
					t.Errorf("SanitizeHTML(%q) = %q, contains %q", tc.in, got, bad)
				}
			}
			assertAllowedMarkup(t, got)
		})
	}
}

// mastodonStatus is the content of a real-shaped Mastodon status: a mention in an
// h-card, a shortened link with invisible/ellipsis spans and a hashtag.
const mastodonStatus = `<p><span class="h-card" translate="no"><a href="https://mastodon.social/@Gargron" class="u-url mention">@<span>Gargron</span></a></span> look at <a href="https://example.com/a/very/long/path" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very/lo</span><span class="invisible">ng/path</span></a> <a href="https://mastodon.social/tags/fediverse" class="mention hashtag" rel="tag">#<span>fediverse</span></a></p><p>second<br>line &amp; more</p>`

// mastodonStatusSanitized is mastodonStatus after SanitizeHTML: the same markup with
// our rel and target on every link (bluemonday writes attributes in name order).
const mastodonStatusSanitized = `<p><span class="h-card" translate="no"><a class="u-url mention" href="https://mastodon.social/@Gargron" rel="nofollow noopener noreferrer" target="_blank">@<span>Gargron</span></a></span> look at <a href="https://example.com/a/very/long/path" rel="nofollow noopener noreferrer" target="_blank" translate="no"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very/lo</span><span class="invisible">ng/path</span></a> <a class="mention hashtag" href="https://mastodon.social/tags/fediverse" rel="nofollow noopener noreferrer" target="_blank">#<span>fediverse</span></a></p><p>second<br/>line &amp; more</p>`

func TestSanitizeHTMLKeepsMastodonStatus(t *testing.T) {
	if got := SanitizeHTML(mastodonStatus); got != mastodonStatusSanitized {
		t.Errorf("SanitizeHTML(status) =\n%s\nwant\n%s", got, mastodonStatusSanitized)
	}
}

// rel and target every surviving link carries.
const relTarget = `rel="nofollow noopener noreferrer" target="_blank"`

var allowedCases = []struct {
	name, in, want string
}{
	{"paragraphs and line breaks", `<p>a<br>b</p><p>c</p>`, `<p>a<br/>b</p><p>c</p>`},
	{"blockquote", `<blockquote><p>quoted</p></blockquote>`, `<blockquote><p>quoted</p></blockquote>`},
	{"pre code", "<pre><code>if a &lt; b {\n\treturn\n}</code></pre>", "<pre><code>if a &lt; b {\n\treturn\n}</code></pre>"},
	{"inline phrasing", `<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><del>d</del><s>s</s><code>c</code>`,
		`<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><del>d</del><s>s</s><code>c</code>`},
	{"ordered list with start reversed and value", `<ol start="3" reversed><li value="7">x</li><li>y</li></ol>`,
		`<ol start="3" reversed=""><li value="7">x</li><li>y</li></ol>`},
	{"unordered list", `<ul><li>x</li></ul>`, `<ul><li>x</li></ul>`},
	{"non-numeric list numbers dropped", `<ol start="x"><li value="1;x">y</li></ol>`, `<ol><li>y</li></ol>`},
	{"ruby", `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`, `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`},
	{"h2 becomes bold paragraph", `<h2 id="x">Title</h2><p>body</p>`, `<p><strong>Title</strong></p><p>body</p>`},
	{"h1 with markup inside", `<h1>A <em>b</em></h1>`, `<p><strong>A <em>b</em></strong></p>`},
	{"paragraph class filtered", `<p class="quote-inline big">RE: x</p>`, `<p class="quote-inline">RE: x</p>`},
	{"span class filtered token by token", `<span class="h-card evil-red mention">x</span>`, `<span class="h-card mention">x</span>`},
	{"span with no allowed class", `<span class="red big">x</span>`, `<span>x</span>`},
	{"translate kept on span", `<span translate="no">x</span>`, `<span translate="no">x</span>`},
	{"class dropped on other elements", `<em class="mention">x</em>`, `<em>x</em>`},
	{"unknown element keeps its text", `<div><section>a</section> <article>b</article></div>`, `a b`},
	{"table keeps its text", `<table><tr><td>a</td><td>b</td></tr></table>`, `ab`},
	{"math reduced to tex", `<math><semantics><mi>x</mi><annotation encoding="application/x-tex">x^2</annotation></semantics></math>`, `x^2`},
	{"https link", `<a href="https://example.com/">x</a>`, `<a href="https://example.com/" ` + relTarget + `>x</a>`},
	{"remote rel replaced", `<a href="https://example.com/" rel="me tag" target="_self">x</a>`, `<a href="https://example.com/" ` + relTarget + `>x</a>`},
	{"magnet link", `<a href="magnet:?xt=urn:btih:abc">x</a>`, `<a href="magnet:?xt=urn:btih:abc" ` + relTarget + `>x</a>`},
	{"gemini link", `<a href="gemini://example.org/">x</a>`, `<a href="gemini://example.org/" ` + relTarget + `>x</a>`},
	{"xmpp link", `<a href="xmpp:user@example.org">x</a>`, `<a href="xmpp:user@example.org" ` + relTarget + `>x</a>`},
	{"link without href becomes text", `<a name="x" class="mention">x</a>`, `x`},
	{"mailto link becomes text", `<a href="mailto:a@example.org">mail</a>`, `mail`},
	{"unbalanced markup closed", `<p><b>x`, `<p><b>x</b></p>`},
	{"stray end tags dropped", `x</p></li></ul></blockquote>`, `x<p></p>`},
	{"entities normalised", `a &amp; b &lt; c &quot;d&quot; &nbsp;`, "a &amp; b &lt; c &#34;d&#34; \u00a0"},
}

func TestSanitizeHTMLKeepsAllowedMarkup(t *testing.T) {
	for _, tc := range allowedCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := SanitizeHTML(tc.in); got != tc.want {
				t.Errorf("SanitizeHTML(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSanitizeHTMLIsIdempotent(t *testing.T) {
	for _, in := range seedInputs() {
		once := SanitizeHTML(in)
		if twice := SanitizeHTML(once); twice != once {
			t.Errorf("SanitizeHTML not idempotent for %q:\nonce  %q\ntwice %q", in, once, twice)
		}
	}
}

func TestSanitizeHTMLKeepsTextOfTooDeeplyNestedHTML(t *testing.T) {
	// The HTML parser refuses more than 512 open elements.
	in := strings.Repeat("<b><i>", 400) + "hello <script>alert(1)</script>" + strings.Repeat("<p>a", 600)
	got := SanitizeHTML(in)
	if text := strings.Join(strings.Fields(got), " "); !strings.HasPrefix(text, "hello a a") || strings.Contains(got, "alert") {
		t.Errorf("SanitizeHTML(deep) = %.80q…, want the text without the script", text)
	}
	assertAllowedMarkup(t, got)
	if again := SanitizeHTML(got); again != got {
		t.Errorf("SanitizeHTML(deep) not idempotent")
	}
	if got := PlainText(in); !strings.HasPrefix(got, "hello a a") {
		t.Errorf("PlainText(deep) = %.80q…, want the text", got)
	}
}

func TestSanitizeHTMLIsSafeForConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got := SanitizeHTML(mastodonStatus); got != mastodonStatusSanitized {
					t.Errorf("concurrent SanitizeHTML = %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs become lines with a blank line between", `<p>first</p><p>second</p>`, "first\n\nsecond"},
		{"br becomes newline", `<p>a<br>b<br/>c</p>`, "a\nb\nc"},
		{"entities decoded", `<p>Tom &amp; Jerry &lt;3 &quot;hi&quot; &#39;x&#39;</p>`, `Tom & Jerry <3 "hi" 'x'`},
		{"mentions and hashtags keep their text", mastodonStatus,
			"@Gargron look at https://example.com/a/very/long/path #fediverse\n\nsecond\nline & more"},
		{"sanitized status reads the same", mastodonStatusSanitized,
			"@Gargron look at https://example.com/a/very/long/path #fediverse\n\nsecond\nline & more"},
		{"source newlines and runs of spaces collapse", "<p>a\n   b\t\tc</p>", "a b c"},
		{"pre keeps its lines", "<pre>a  b\nc</pre>", "a b\nc"},
		{"list items on their own lines", `<ul><li>one</li><li>two</li></ul>`, "one\ntwo"},
		{"nested list items on their own lines", `<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>`, "a\nb\nc"},
		{"lists are blocks", `intro<ol><li>one</li></ol>after`, "intro\n\none\n\nafter"},
		{"headings are blocks", `<h2>Title</h2>text`, "Title\n\ntext"},
		{"script and style content hidden", `<style>p{}</style><p>x<script>y()</script></p>`, "x"},
		{"plain text passes through", `just text`, "just text"},
		{"leading and trailing blank lines dropped", `<br><br><p> x </p><br>`, "x"},
		{"empty", ``, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlainText(tc.in); got != tc.want {
				t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzSanitizeHTML(f *testing.F) {
	for _, in := range seedInputs() {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SanitizeHTML(in)
		lower := strings.ToLower(out)
		// Text is escaped, so these cannot appear even when the post talks about them.
		for _, bad := range []string{"<script", "<iframe"} {
			if strings.Contains(lower, bad) {
				t.Fatalf("SanitizeHTML(%q) = %q, contains %q", in, out, bad)
			}
		}
		// A post may mention "javascript:" or "onerror" in its text or a URL path; in
		// markup they must never be an attribute name or a link's scheme.
		assertAllowedMarkup(t, out)
		if again := SanitizeHTML(out); again != out {
			t.Fatalf("not idempotent for %q:\nonce  %q\ntwice %q", in, out, again)
		}
		_ = PlainText(in)
	})
}

// seedInputs are every input of the tables above.
func seedInputs() []string {
	seeds := []string{mastodonStatus, mastodonStatusSanitized}
	for _, tc := range xssCases {
		seeds = append(seeds, tc.in)
	}
	for _, tc := range allowedCases {
		seeds = append(seeds, tc.in)
	}
	return seeds
}

// allowedAttrs is the allow-list as the tests state it, independent of the policy.
var allowedAttrs = map[string]map[string]bool{
	"p": {"class": true}, "br": {}, "span": {"class": true, "translate": true},
	"a":   {"href": true, "rel": true, "class": true, "translate": true, "target": true},
	"del": {}, "s": {}, "pre": {}, "blockquote": {}, "code": {}, "b": {}, "strong": {},
	"u": {}, "i": {}, "em": {}, "ul": {}, "ol": {"start": true, "reversed": true},
	"li": {"value": true}, "ruby": {}, "rt": {}, "rp": {},
}

// assertAllowedMarkup fails unless every tag in out is on the allow-list with only
// allowed attributes, no comments survive, and every link has an allowed scheme
// and our rel and target.
func assertAllowedMarkup(t *testing.T, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		tok := z.Token()
		switch tt {
		case html.CommentToken, html.DoctypeToken:
			t.Fatalf("output %q keeps %v %q", out, tt, tok.Data)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			assertAllowedTag(t, out, tok)
		}
	}
}

// assertAllowedTag checks one tag of out for assertAllowedMarkup.
func assertAllowedTag(t *testing.T, out string, tok html.Token) {
	t.Helper()
	attrs, ok := allowedAttrs[tok.Data]
	if !ok {
		t.Fatalf("output %q keeps element <%s>", out, tok.Data)
	}
	for _, a := range tok.Attr {
		if !attrs[a.Key] || strings.HasPrefix(a.Key, "on") {
			t.Fatalf("output %q keeps attribute %s on <%s>", out, a.Key, tok.Data)
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
			t.Fatalf("output %q has a javascript: value in %s", out, a.Key)
		}
	}
	if tok.Data != "a" || tok.Type == html.EndTagToken {
		return
	}
	href := tokenAttr(tok, "href")
	if u, err := url.Parse(href); err != nil || !linkSchemes[u.Scheme] {
		t.Fatalf("output %q keeps link to %q", out, href)
	}
	if tokenAttr(tok, "rel") != linkRel || tokenAttr(tok, "target") != "_blank" {
		t.Fatalf("output %q has a link without our rel and target", out)
	}
}

// tokenAttr returns tok's attribute key, or "".
func tokenAttr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
