package federation

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestRecordedMastodonNoteWithMediaKeepsItsAttachments(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	mia := member(t, env, "mia")
	thread, _ := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "Which laptop?", Body: "Advice welcome"})
	p := newPeer(t, "mastodon")
	bob := p.addActor("person.json")
	create := recorded(t, "mastodon/create_note_with_media.json",
		"https://mastodon.madrid/users/felix", bob["id"].(string),
		"https://mastodon.madrid", p.srv.URL,
		"https://mamot.fr/users/retiolus/statuses/107224244380204526", thread.IRI,
		"https://mamot.fr/users/retiolus", "https://convene.test/u/mia")
	if err := p.post(env, create, keyIDOf(bob)); err != nil {
		t.Fatal(err)
	}
	env.applyAll()
	posts, _ := env.svc.Thread(context.Background(), thread.ID)
	if len(posts) != 2 {
		t.Fatalf("thread = %d posts, want the reply filed", len(posts))
	}
	views, err := env.svc.PostViews(context.Background(), posts[1:])
	if err != nil {
		t.Fatal(err)
	}
	media := views[posts[1].ID].Media
	if len(media) != 2 {
		t.Fatalf("%d attachments kept, want the image and the video (not the javascript: one)", len(media))
	}
	img, video := media[0], media[1]
	if img.Kind != convene.MediaImage || img.ContentType != "image/jpeg" || img.Width != 1200 || img.Height != 900 ||
		img.Description != "A ThinkPad X220 open on a wooden desk" || img.Blurhash != "UFG*]j~q00IUD%of-;WB4nRj%MRjM{j[RjWB" ||
		!strings.HasPrefix(img.RemoteURL, "https://files.mastodon.madrid/") || img.FileKey != "" {
		t.Errorf("image = %+v", img)
	}
	if video.Kind != convene.MediaVideo || video.Description != "" || !strings.HasSuffix(video.RemoteURL, ".mp4") {
		t.Errorf("video = %+v", video)
	}
}

func TestAttachmentsParseLeniently(t *testing.T) {
	long := strings.Repeat("a", 3000)
	var n noteDoc
	body := `{"type":"Note","attachment":{"type":"Image","url":{"type":"Link","href":"https://gts.example/f.png","mediaType":"image/png"},
		"name":"` + long + `","blurhash":"not a hash!","width":"wide"}}`
	if err := json.Unmarshal([]byte(body), &n); err != nil {
		t.Fatalf("one odd attachment broke the note: %v", err)
	}
	if len(n.Attachment) != 1 {
		t.Fatalf("attachments = %+v", n.Attachment)
	}
	a := n.Attachment[0]
	if a.URL != "https://gts.example/f.png" || a.MediaType != "image/png" || len([]rune(a.Name)) != convene.MaxMediaDescription || a.Blurhash != "" {
		t.Errorf("attachment = %+v", a)
	}
	var many noteDoc
	items := strings.Repeat(`{"type":"Document","url":"https://m.example/x.jpg"},`, 12)
	if err := json.Unmarshal([]byte(`{"attachment":[`+items+`{"type":"Link","href":"https://lemmy.example/"}]}`), &many); err != nil {
		t.Fatal(err)
	}
	if len(many.Attachment) != service.MaxRemoteMedia {
		t.Errorf("%d attachments kept of 12, want %d", len(many.Attachment), service.MaxRemoteMedia)
	}
	// Lemmy's image post: its link says it is an image, so it is shown as one.
	var lemmy noteDoc
	if err := json.Unmarshal([]byte(`{"type":"Page","attachment":[{"href":"https://lemmy.example/pictrs/image/a.jpeg",
		"mediaType":"image/jpeg","type":"Link"}]}`), &lemmy); err != nil || len(lemmy.Attachment) != 1 ||
		lemmy.Attachment[0].URL != "https://lemmy.example/pictrs/image/a.jpeg" {
		t.Errorf("Lemmy image post = %+v, %v", lemmy.Attachment, err)
	}
}

func TestOutboundNoteCarriesAttachments(t *testing.T) {
	env := newTestEnv(t, dbtest.OpenSQLite(t))
	mia := member(t, env, "mia")
	thread, err := env.svc.CreateThread(mia, service.ThreadCreate{Community: "surrey", Title: "Hedges", Body: "Look"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m := &convene.Media{ID: convene.NewID(), AccountID: thread.AccountID, Kind: convene.MediaImage, ContentType: "image/jpeg",
		Description: "A hawthorn hedge in flower", Blurhash: "U00000fQfQfQfQfQfQfQfQfQfQfQfQfQfQfQ", Width: 1200, Height: 800,
		FileKey: "abcdef.jpg", SmallKey: "ghijkl.jpg", FocusX: 0.5, FocusY: -0.25, CreatedAt: thread.PublishedAt}
	if err := env.store.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.SetPostMedia(ctx, thread.ID, thread.AccountID, []string{m.ID}); err != nil {
		t.Fatal(err)
	}
	body, err := NewRenderer(env.iris, env.store).Note(ctx, thread)
	if err != nil {
		t.Fatal(err)
	}
	var note struct {
		Context    []any            `json:"@context"`
		Attachment []map[string]any `json:"attachment"`
	}
	if err := json.Unmarshal(body, &note); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "Document", "mediaType": "image/jpeg", "url": "https://convene.test/media/abcdef.jpg",
		"name": "A hawthorn hedge in flower", "blurhash": m.Blurhash, "width": 1200.0, "height": 800.0,
		"focalPoint": []any{0.5, -0.25}}
	if len(note.Attachment) != 1 {
		t.Fatalf("attachment = %s", body)
	}
	for k, v := range want {
		if got, _ := json.Marshal(note.Attachment[0][k]); string(got) != attachmentJSON(v) {
			t.Errorf("attachment %s = %s, want %s", k, got, attachmentJSON(v))
		}
	}
	if !strings.Contains(string(body), `"blurhash":"toot:blurhash"`) {
		t.Error("the @context does not define blurhash")
	}
	// The Create that federation sends carries the same attachment, and so does the
	// community's Announce of it, which group-aware peers read instead.
	activities, err := env.store.ClaimFanOut(ctx, thread.PublishedAt.Add(1e12), 50, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	carrying := map[string]int{}
	for _, a := range activities {
		if a.Type != "Create" && (a.Type != "Announce" || a.Embed == "") {
			continue
		}
		out, err := NewRenderer(env.iris, env.store).Activity(ctx, a)
		if err != nil || !strings.Contains(string(out), `"url":"https://convene.test/media/abcdef.jpg"`) {
			t.Errorf("%s = %s, %v", a.Type, out, err)
		}
		carrying[a.Type]++
	}
	if carrying["Create"] != 1 || carrying["Announce"] != 1 {
		t.Errorf("rendered %v; want one Create and one Announce{Create}", carrying)
	}
}

func attachmentJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// FuzzAttachments: whatever a peer puts in attachment, the note still parses, and what is
// kept is bounded and points at http(s).
func FuzzAttachments(f *testing.F) {
	f.Add(`[{"type":"Document","mediaType":"image/jpeg","url":"https://m.example/a.jpg","name":"x","blurhash":"U00000fQfQfQ","width":1,"height":2}]`)
	f.Add(`{"type":"Image","url":[{"type":"Link","href":"https://m.example/b.png"}]}`)
	f.Add(`[{"type":"Video","url":"javascript:alert(1)"},null,1,"x"]`)
	f.Fuzz(func(t *testing.T, attachment string) {
		var n noteDoc
		if err := json.Unmarshal([]byte(`{"type":"Note","attachment":`+attachment+`}`), &n); err != nil {
			return // not JSON at all: the whole note is malformed, as before attachments existed
		}
		if len(n.Attachment) > service.MaxRemoteMedia {
			t.Fatalf("%d attachments kept", len(n.Attachment))
		}
		for _, a := range n.Attachment {
			if !isHTTPURL(a.URL) || len(a.URL) > maxAttachmentURL || len([]rune(a.Name)) > convene.MaxMediaDescription ||
				a.Width < 0 || a.Height < 0 || (a.Blurhash != "" && !validBlurhash(a.Blurhash)) {
				t.Fatalf("kept %+v", a)
			}
		}
	})
}
