package federation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

func TestParseActivityShapes(t *testing.T) {
	for name, tt := range map[string]struct {
		body            string
		typ, actor, obj string
		embedded        bool
	}{
		"object as IRI":   {`{"id":"https://a.example/1","type":"Follow","actor":"https://a.example/u","object":"https://b.example/c"}`, "Follow", "https://a.example/u", "https://b.example/c", false},
		"embedded object": {`{"id":"https://a.example/2","type":"Undo","actor":"https://a.example/u","object":{"id":"https://a.example/1","type":"Follow","actor":"https://a.example/u","object":"https://b.example/c"}}`, "Undo", "https://a.example/u", "https://a.example/1", true},
		"type as array":   {`{"id":"https://a.example/3","type":["Accept"],"actor":["https://a.example/u"],"object":["https://b.example/f"]}`, "Accept", "https://a.example/u", "https://b.example/f", false},
		"actor as object": {`{"id":"https://a.example/4","type":"Delete","actor":{"id":"https://a.example/u","type":"Person"},"object":"https://a.example/u"}`, "Delete", "https://a.example/u", "https://a.example/u", false},
	} {
		a, err := parseActivity([]byte(tt.body))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(a.Type) != tt.typ || a.Actor.ID != tt.actor || a.Object.ID != tt.obj || (a.Object.Object != nil) != tt.embedded {
			t.Errorf("%s: parsed %+v", name, a)
		}
	}
	for _, bad := range []string{`[]`, `"x"`, `{"type":"Follow"}`, `{"id":"https://a.example/1","actor":"https://a.example/u"}`,
		`{"id":"ftp://a.example/1","type":"Follow","actor":"https://a.example/u"}`,
		`{"id":"https://a.example/1","type":"Follow","actor":"javascript:alert(1)"}`,
		`{"id":"https://u:p@a.example/1","type":"Follow","actor":"https://a.example/u"}`} {
		if _, err := parseActivity([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func FuzzParseActivity(f *testing.F) {
	files, _ := filepath.Glob("testdata/peers/*/*.json")
	for _, file := range files {
		if body, err := os.ReadFile(file); err == nil {
			f.Add(body)
		}
	}
	f.Add([]byte(`{"id":"https://a.example/1","type":[],"actor":[[]],"object":{"object":{"object":null}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseActivity(body)
		if err != nil {
			return
		}
		if a.Type == "" || !isHTTPURL(a.ID) || !isHTTPURL(a.Actor.ID) {
			t.Errorf("accepted an activity without an http id, type and actor: %s", body)
		}
	})
}

func TestParseRecordedActors(t *testing.T) {
	for _, file := range []string{"mastodon/person.json", "gotosocial/person.json", "lemmy/person.json", "lemmy/group.json",
		"mobilizon/person.json", "mobilizon/group.json", "mobilizon/application.json"} {
		body, err := os.ReadFile("testdata/peers/" + file)
		if err != nil {
			t.Fatal(err)
		}
		a, err := parseActor(body)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if a.Inbox == "" || a.KeyID == "" || a.Username == "" || a.Domain == "" {
			t.Errorf("%s: parsed %+v", file, a)
		}
		if _, err := parsePublicKey(a.PublicKeyPEM); err != nil {
			t.Errorf("%s: public key: %v", file, err)
		}
	}
}

// TestParseActorKeepsOnlyHTTPProfileURL: an actor's url is shown as a link on our pages and
// returned to Mastodon apps, so a javascript: or data: one is dropped.
func TestParseActorKeepsOnlyHTTPProfileURL(t *testing.T) {
	body, err := os.ReadFile("testdata/peers/mastodon/person.json")
	if err != nil {
		t.Fatal(err)
	}
	for url, want := range map[string]string{
		"javascript:alert(document.cookie)":        "",
		"data:text/html,<script>alert(1)</script>": "",
		"//evil.example/x":                         "",
		"https://mastodon.example/@alice":          "https://mastodon.example/@alice",
	} {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		doc["url"] = url
		b, _ := json.Marshal(doc)
		a, err := parseActor(b)
		if err != nil {
			t.Fatal(err)
		}
		if a.URL != want {
			t.Errorf("url %q parsed as %q, want %q", url, a.URL, want)
		}
	}
}

// TestParseActorBoundsNamesAndAddresses: an actor's name and handle are printed on every
// page that lists it (200 follow requests on a settings page), so a server cannot make them
// megabytes long; its addresses are bounded like the URLs of events.
func TestParseActorBoundsNamesAndAddresses(t *testing.T) {
	body, err := os.ReadFile("testdata/peers/mastodon/person.json")
	if err != nil {
		t.Fatal(err)
	}
	parse := func(field, value string) (*convene.RemoteActor, error) {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		doc[field] = value
		b, _ := json.Marshal(doc)
		return parseActor(b)
	}
	a, err := parse("name", strings.Repeat("Zoë ", 100_000))
	if err != nil || utf8.RuneCountInString(a.Name) > 200 {
		t.Errorf("a name of 400,000 characters parsed as %d characters, %v", utf8.RuneCountInString(a.Name), err)
	}
	if _, err := parse("preferredUsername", strings.Repeat("z", 1000)); err == nil {
		t.Error("a username of 1000 characters was accepted")
	}
	if _, err := parse("inbox", "https://mastodon.example/"+strings.Repeat("i", 3000)); err == nil {
		t.Error("an inbox of 3000 bytes was accepted")
	}
}
