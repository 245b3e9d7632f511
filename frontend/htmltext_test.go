package frontend

import "testing"

func TestHTMLTextRendersPlainText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>one</p>\n<p>two</p>", "one\n\ntwo"},
		{"line breaks", "<p>a<br>b<br><br>c</p>", "a\nb\n\nc"},
		{"source whitespace collapses", "<p>  a\n   b  </p>", "a b"},
		{"inline elements join", "a<strong>b</strong> <em>c</em>", "ab c"},
		{"entities", "<p>Fish &amp; chips &lt;3 caf&eacute;&nbsp;bar</p>", "Fish & chips <3 café bar"},
		{"link keeps its address", `<a href="https://x.example/p">the page</a>`, "the page (https://x.example/p)"},
		{"link that is its address", `<a href="https://x.example/p">https://x.example/p</a>`, "https://x.example/p"},
		{"link without scheme shows the address", `<a href="https://x.example/">x.example</a>`, "https://x.example/"},
		{"Mastodon's hidden URL parts", `<a href="https://x.example/long/path"><span class="invisible">https://</span><span class="ellipsis">x.example/lo</span><span class="invisible">ng/path</span></a>`, "https://x.example/long/path"},
		{"mention", `<span class="h-card"><a href="https://m.example/@bob" class="u-url mention">@<span>bob</span></a></span> hi`, "@bob (https://m.example/@bob) hi"},
		{"relative link is just text", `<a href="/tags/x">#x</a>`, "#x"},
		{"link without text", `<a href="https://x.example/a"></a>`, "https://x.example/a"},
		{"list", "<p>Bring:</p><ul><li>a</li><li>b</li></ul><p>Thanks</p>", "Bring:\n\na\nb\n\nThanks"},
		{"pre keeps its lines", "<pre>a\n  b</pre>", "a\n  b"},
		{"hidden content", "<p>a<script>alert(1)</script></p><style>p{}</style>", "a"},
		{"image alt", `<p>see <img src="x.png" alt="a map"></p>`, "see a map"},
		{"plain text", "just text", "just text"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := htmlText(tt.html); got != tt.want {
			t.Errorf("%s: htmlText(%q) = %q, want %q", tt.name, tt.html, got, tt.want)
		}
	}
}
