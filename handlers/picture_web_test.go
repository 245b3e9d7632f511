package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

var pictureURL = regexp.MustCompile(`https://convene\.test(/media/[a-z0-9]+\.(?:jpg|png))`)

func TestWebAvatarsAndHeaders(t *testing.T) {
	h, svc := newServer(t, nil)
	b := signedIn(t, h) // ada
	if _, err := svc.CreateCommunity(convene.WithOperator(context.Background()), service.CommunityCreate{Slug: "surrey",
		Name: "Surrey conveners", Owner: "ada"}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/settings")
	if !strings.Contains(page, `action="/settings/picture" enctype="multipart/form-data"`) || !strings.Contains(page, `id="picture-avatar"`) {
		t.Fatal("the settings page offers no avatar form")
	}
	secret := b.formSecret(page)
	resp := b.postMultipart("/settings/picture", map[string]string{"csrf": secret, "picture": "avatar"}, testPNG(t, 120, 80))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=pictures#settings-pictures" {
		t.Fatalf("uploading an avatar = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = b.get("/settings?saved=pictures")
	if !strings.Contains(page, "Saved. Other servers are told.") || !strings.Contains(page, "Remove avatar") {
		t.Error("the settings page does not show the saved avatar")
	}
	_, profile := newBrowser(t, h).get("/u/ada")
	avatar := pictureURL.FindStringSubmatch(profile)
	if avatar == nil || !strings.Contains(profile, `class="avatar" width="64" height="64"`) {
		t.Fatalf("the profile shows no avatar:\n%s", profile)
	}
	if resp, body := b.get(avatar[1]); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
		t.Errorf("GET %s = %d %s", avatar[1], resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	ada, _ := svc.FindAccount(context.Background(), "ada")
	thread, err := svc.CreateThread(convene.WithPrincipal(context.Background(), convene.Principal{Account: ada}),
		service.ThreadCreate{Community: "surrey", Title: "Hello", Body: "Hi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, page := newBrowser(t, h).get("/p/" + thread.ID); !strings.Contains(page, `<img src="`+avatar[0]+`" alt="" class="avatar-small"`) {
		t.Error("the thread page shows no avatar beside its author")
	}

	// Not a picture: the settings page says so beside the picture forms.
	resp = b.postMultipart("/settings/picture", map[string]string{"csrf": secret, "picture": "avatar"}, []byte("plain text"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a text file as avatar = %d, want 422", resp.StatusCode)
	}
	b.postMultipart("/settings/picture", map[string]string{"csrf": secret, "picture": "avatar", "remove": "1"}, nil)
	if a, _ := svc.FindAccount(context.Background(), "ada"); a.AvatarKey != "" {
		t.Error("removing the avatar did not")
	}

	// A community's moderators change its pictures from its settings; its page shows them.
	_, page = b.get("/c/surrey/settings")
	if !strings.Contains(page, `action="/c/surrey/settings/picture"`) {
		t.Fatal("the community settings offer no picture forms")
	}
	resp = b.postMultipart("/c/surrey/settings/picture", map[string]string{"csrf": secret, "picture": "header"}, testPNG(t, 600, 200))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?done=pictures#pictures") {
		t.Fatalf("uploading a community header = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := newBrowser(t, h).get("/c/surrey"); !strings.Contains(page, `class="header-picture"`) {
		t.Error("the community page shows no header")
	}

	// Someone else may not, and a visitor's upload is refused before it is read.
	mustCreateAccountH(t, svc, "bob")
	bob := signIn(t, h, "bob", "correct horse battery")
	_, bobPage := bob.get("/settings")
	resp = bob.postMultipart("/c/surrey/settings/picture", map[string]string{"csrf": bob.formSecret(bobPage), "picture": "avatar"}, testPNG(t, 50, 50))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("bob changing surrey's avatar = %d, want 403", resp.StatusCode)
	}
	visitor := newBrowser(t, h)
	if resp := visitor.postMultipart("/settings/picture", map[string]string{"picture": "avatar"}, testPNG(t, 50, 50)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a visitor's upload = %d, want 401", resp.StatusCode)
	}
}
