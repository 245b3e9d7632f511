package federation

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// TestParseRecordedActorsKeepTheirProfile: the avatar, header and bio that Mastodon,
// GoToSocial, Lemmy and Mobilizon actors really send are kept, so apps show them.
func TestParseRecordedActorsKeepTheirProfile(t *testing.T) {
	for _, c := range []struct {
		file, avatar, header string
		summary              []string // substrings of the stored bio; none: no bio
	}{
		{"mastodon/person.json",
			"https://mastodon.example/system/accounts/avatars/109/105/103/301/739/269/original/2cf61ff96e94cb1d.png",
			"https://mastodon.example/system/accounts/headers/109/105/103/301/739/269/original/c91b871f294ea63e.jpg",
			[]string{"<p>Convening people around food systems in Surrey.</p>"}},
		{"gotosocial/person.json",
			"https://gts.example/fileserver/01F8MH1H7YV1Z7D2C8K2730QBF/avatar/original/01F8MH58A357CV5K7R7TJMSH6S.jpg",
			"https://gts.example/fileserver/01F8MH1H7YV1Z7D2C8K2730QBF/header/original/01PFPMWK2FF0D9WMHEJHR07C3Q.jpg",
			[]string{"<p>hey yo this is my profile!</p>"}},
		{"lemmy/person.json", "https://lemmy.example/pictrs/image/ed9ej7.jpg", "https://lemmy.example/pictrs/image/XenaYI5hTn.png",
			[]string{"<p>Captain of the starship <strong>Enterprise</strong>.</p>"}},
		// Lemmy's sidebar markup is cut to Mastodon's strict set: the <hr> goes, the link gets our rel.
		{"lemmy/group.json", "https://lemmy.example/pictrs/image/waqyZwLAy4.webp", "https://lemmy.example/pictrs/image/Wt8zoMcCmE.jpg",
			[]string{"<p>Lounge and recreation facility</p>", `<a href="https://memory-alpha.fandom.com/wiki/USS_Enterprise_(NCC-1701-D)" rel="nofollow noopener noreferrer" target="_blank">Enterprise</a>`}},
		{"mobilizon/group.json",
			"https://mobilizon.example/media/a94f7f8da4b39f6b375f55bd8664abff4ae61d33496df7ee23ad6bf473c3632f.png?name=contribateliers%27s%20avatar.png",
			"https://mobilizon.example/media/7fe251dd5f8b5abcea10c31b655c09afee457efdd49f3087ba78b054b3f0dbeb.jpg?name=contribateliers%27s%20banner.jpg",
			[]string{"<p>Des ateliers pour contribuer au libre sans rien y connaître.</p>"}},
		{"mobilizon/person.json", "", "", nil}, // icon and image null, summary ""
	} {
		body, err := os.ReadFile("testdata/peers/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		a, err := parseActor(body)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if a.AvatarURL != c.avatar || a.HeaderURL != c.header {
			t.Errorf("%s: avatar %q, header %q; want %q, %q", c.file, a.AvatarURL, a.HeaderURL, c.avatar, c.header)
		}
		for _, want := range c.summary {
			if !strings.Contains(a.Summary, want) {
				t.Errorf("%s: summary %q lacks %q", c.file, a.Summary, want)
			}
		}
		if len(c.summary) == 0 && a.Summary != "" {
			t.Errorf("%s: summary %q, want none", c.file, a.Summary)
		}
		if strings.Contains(a.Summary, "<hr") {
			t.Errorf("%s: summary %q keeps markup outside the strict set", c.file, a.Summary)
		}
	}
}

// parseMastodonWith parses the recorded Mastodon actor with field set to value (removed when nil).
func parseMastodonWith(t *testing.T, field string, value any) *convene.RemoteActor {
	t.Helper()
	body, err := os.ReadFile("testdata/peers/mastodon/person.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	doc[field] = value
	if value == nil {
		delete(doc, field)
	}
	b, _ := json.Marshal(doc)
	a, err := parseActor(b)
	if err != nil {
		t.Fatalf("%s = %v: the actor is refused: %v", field, value, err)
	}
	return a
}

// TestParseActorImageShapes: icon and image come as a URL, an Image whose url is a URL, a
// Link or a list, or a list of Images; the first usable http(s) URL is kept. Anything an app
// or page must not load (javascript:, data:, relative, overlong) is dropped, and a picture we
// cannot read never costs the actor.
func TestParseActorImageShapes(t *testing.T) {
	const png = "https://files.example/a.png"
	long := "https://files.example/" + strings.Repeat("a", 3000) + ".png"
	for name, c := range map[string]struct {
		value any
		want  string
	}{
		"a string":                  {png, png},
		"an Image with a string":    {map[string]any{"type": "Image", "mediaType": "image/png", "url": png}, png},
		"an Image with a Link":      {map[string]any{"type": "Image", "url": map[string]any{"type": "Link", "href": png}}, png},
		"an Image with a URL list":  {map[string]any{"type": "Image", "url": []any{"javascript:alert(1)", png}}, png},
		"a list of Images":          {[]any{map[string]any{"type": "Image", "url": "/relative.png"}, map[string]any{"type": "Image", "url": png}}, png},
		"Links, the page first":     {map[string]any{"type": "Image", "url": []any{map[string]any{"type": "Link", "mediaType": "text/html", "href": "https://files.example/@a"}, map[string]any{"type": "Link", "mediaType": "image/png", "href": png}}}, png},
		"a javascript: string":      {"javascript:alert(document.cookie)", ""},
		"a javascript: Image url":   {map[string]any{"type": "Image", "url": "javascript:alert(document.cookie)"}, ""},
		"a data: URL":               {map[string]any{"type": "Image", "url": "data:image/svg+xml,<svg onload=alert(1)>"}, ""},
		"a relative URL":            {map[string]any{"type": "Image", "url": "/system/avatar.png"}, ""},
		"a scheme-relative URL":     {"//files.example/a.png", ""},
		"a URL with credentials":    {"https://user:pass@files.example/a.png", ""},
		"an overlong URL":           {long, ""},
		"a video":                   {map[string]any{"type": "Video", "mediaType": "video/mp4", "url": "https://files.example/a.mp4"}, ""},
		"a number":                  {42, ""},
		"an object without url":     {map[string]any{"type": "Image"}, ""},
		"a url of the wrong type":   {map[string]any{"type": "Image", "url": true}, ""},
		"nesting without end":       {[]any{[]any{[]any{[]any{[]any{[]any{png}}}}}}, ""},
		"absent":                    {nil, ""},
		"a list of nothing usable":  {[]any{nil, 1, "ftp://files.example/a.png"}, ""},
		"an Image with mediaType 1": {map[string]any{"type": "Image", "mediaType": 1, "url": png}, ""},
	} {
		for _, field := range []string{"icon", "image"} {
			a := parseMastodonWith(t, field, c.value)
			got := a.AvatarURL
			if field == "image" {
				got = a.HeaderURL
			}
			if got != c.want {
				t.Errorf("%s as %s: kept %q, want %q", name, field, got, c.want)
			}
		}
	}
}

// TestParseActorSummaryIsSanitized: a bio is shown by apps and pages as HTML, so it goes
// through the sanitizer of remote posts; a bio we cannot read is no bio.
func TestParseActorSummaryIsSanitized(t *testing.T) {
	a := parseMastodonWith(t, "summary", `<p onclick="steal()">Hi<script>alert(document.cookie)</script> `+
		`<a href="javascript:alert(1)">click</a> <a href="https://surrey.example/">Surrey</a><img src=x onerror=alert(1)></p>`)
	want := `<p>Hi click <a href="https://surrey.example/" rel="nofollow noopener noreferrer" target="_blank">Surrey</a></p>`
	if a.Summary != want {
		t.Errorf("summary = %q\nwant      %q", a.Summary, want)
	}
	for _, v := range []any{map[string]any{"en": "<p>Hi</p>"}, []any{"<p>Hi</p>"}, true} {
		if a := parseMastodonWith(t, "summary", v); a.Summary != "" {
			t.Errorf("summary %v kept as %q, want none", v, a.Summary)
		}
	}
}

// TestParseActorSummaryIsBounded: a bio is printed wherever the actor is shown, so a long one
// is cut to 5,000 characters and the cut leaves balanced, sanitized HTML.
func TestParseActorSummaryIsBounded(t *testing.T) {
	deep := strings.Repeat("<blockquote><ul><li><em>", 60) + strings.Repeat("Zoë & <b>Ann</b> ", 2000)
	for name, summary := range map[string]string{
		"long text":     "<p>" + strings.Repeat("Zoë grows food. ", 1000) + "</p>",
		"many links":    strings.Repeat(`<p><a href="https://surrey.example/`+strings.Repeat("x", 100)+`">Surrey</a></p>`, 200),
		"deep nesting":  deep,
		"a megabyte":    strings.Repeat("<p>Hello</p>", 100_000),
		"one long word": strings.Repeat("z", 20_000),
	} {
		a := parseMastodonWith(t, "summary", summary)
		n := utf8.RuneCountInString(a.Summary)
		if n > maxActorSummary || n < maxActorSummary/2 {
			t.Errorf("%s: summary of %d characters, want at most %d and not much less", name, n, maxActorSummary)
		}
		if SanitizeHTML(a.Summary) != a.Summary || !strings.Contains(a.Summary, "…") {
			t.Errorf("%s: the cut summary is not stable under sanitizing or not marked: %.200q…%q", name, a.Summary,
				a.Summary[max(0, len(a.Summary)-200):])
		}
	}
	short := "<p>" + strings.Repeat("z", maxActorSummary-7) + "</p>"
	if a := parseMastodonWith(t, "summary", short); a.Summary != short {
		t.Errorf("a bio of exactly %d characters was changed", maxActorSummary)
	}
}

// FuzzActorSummary: whatever a peer sends as a bio, what we keep is bounded and holds only
// the markup the sanitizer allows. (Not that sanitizing it again changes nothing: for some
// deeply nested links the HTML parser itself nests an <a> in an <a>, which a second parse
// splits; FuzzSanitizeHTML owns that property.)
func FuzzActorSummary(f *testing.F) {
	f.Add(`<p>Hi <a href="https://a.example/">there</a></p>`)
	f.Add(strings.Repeat("<b><i>x&amp;", 3000))
	f.Add("<p>" + strings.Repeat("é", 6000))
	f.Fuzz(func(t *testing.T, raw string) {
		s := actorSummary(raw)
		if n := utf8.RuneCountInString(s); n > maxActorSummary {
			t.Errorf("kept %d characters: %q", n, s)
		}
		assertAllowedMarkup(t, s)
	})
}

// FuzzActorImageURL: whatever a peer sends as an icon, we keep an http(s) URL or nothing.
func FuzzActorImageURL(f *testing.F) {
	f.Add(`{"type":"Image","url":[{"href":"javascript:x"},"https://a.example/a.png"]}`)
	f.Add(`[[[[[[["https://a.example/a.png"]]]]]]]`)
	f.Fuzz(func(t *testing.T, raw string) {
		if u := actorImageURL(json.RawMessage(raw)); u != "" && (!isHTTPURL(u) || len(u) > maxAttachmentURL) {
			t.Errorf("kept %q from %s", u, raw)
		}
	})
}
