package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/convene-social/convene"
)

func TestClientAPIUpdateCredentials(t *testing.T) {
	w := newAPIWorld(t)
	b, alice := w.b, w.alice

	_, v := b.apiJSON("GET", "/api/v1/accounts/verify_credentials", "", alice)
	if obj(v)["discoverable"] != false || obj(v)["indexable"] != false {
		t.Errorf("a new account is discoverable: %v", v)
	}
	resp, v := b.apiJSON("PATCH", "/api/v1/accounts/update_credentials",
		`{"display_name":"Alice Smith","note":"I *grow* apples.","discoverable":true,"locked":false,"bot":false,"source":{"privacy":"public"}}`, alice)
	me := obj(v)
	if resp.StatusCode != 200 || me["display_name"] != "Alice Smith" || strings.TrimSpace(me["note"].(string)) != "<p>I <em>grow</em> apples.</p>" ||
		obj(me["source"])["note"] != "I *grow* apples." || me["discoverable"] != true || me["indexable"] != true ||
		obj(me["source"])["discoverable"] != true || obj(me["source"])["indexable"] != true {
		t.Fatalf("update_credentials = %d %v", resp.StatusCode, v)
	}
	if a, _ := w.svc.FindAccount(context.Background(), "alice"); a.DisplayName != "Alice Smith" || !a.Discoverable {
		t.Errorf("saved: %+v", a)
	}

	// A form as Tusky sends it, with the editor's empty field rows: only what is sent changes.
	resp, v = b.apiJSON("PATCH", "/api/v1/accounts/update_credentials",
		"indexable=false&fields_attributes[0][name]=&fields_attributes[0][value]=", alice)
	if me := obj(v); resp.StatusCode != 200 || me["display_name"] != "Alice Smith" || me["discoverable"] != false {
		t.Errorf("form update = %d %v", resp.StatusCode, v)
	}

	for body, why := range map[string]string{
		`{"locked":true}`:                  "locked accounts",
		`{"bot":true}`:                     "bot accounts",
		`{"source":{"privacy":"private"}}`: "a private default",
		"fields_attributes[0][name]=Web&fields_attributes[0][value]=x":    "profile fields",
		`{"display_name":"x","note":"` + strings.Repeat("a", 6000) + `"}`: "a bio over the limit",
	} {
		if resp, v := b.apiJSON("PATCH", "/api/v1/accounts/update_credentials", body, alice); resp.StatusCode != 422 || obj(v)["error"] == "" {
			t.Errorf("%s = %d %v, want 422", why, resp.StatusCode, v)
		}
	}
	if a, _ := w.svc.FindAccount(context.Background(), "alice"); a.DisplayName != "Alice Smith" {
		t.Errorf("a refused update changed the name to %q", a.DisplayName)
	}
}

// pictureForm is an update_credentials form as apps send it: fields and a picture file.
func pictureForm(t *testing.T, field string, data []byte, fields ...string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	part, err := w.CreateFormFile(field, "me.png")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func (b *browser) patchForm(path, token, contentType string, body []byte) (*http.Response, map[string]any) {
	b.t.Helper()
	return b.sendJSON(http.MethodPatch, path, bytes.NewReader(body), "Content-Type", contentType, "Authorization", "Bearer "+token)
}

// sendJSON sends a request with the given headers (name, value, …) and decodes the JSON
// object it answers.
func (b *browser) sendJSON(method, path string, body io.Reader, header ...string) (*http.Response, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.srv.URL+path, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		b.t.Fatalf("%s %s = %d, not JSON", method, path, resp.StatusCode)
	}
	return resp, v
}

func TestClientAPIAvatarAndHeader(t *testing.T) {
	w := newAPIWorld(t)
	b, alice := w.b, w.alice
	_, v := b.apiJSON("GET", "/api/v1/accounts/verify_credentials", "", alice)
	defaultAvatar := obj(v)["avatar"].(string)

	ct, body := pictureForm(t, "avatar", testPNG(t, 200, 120), "display_name", "Alice")
	resp, me := b.patchForm("/api/v1/accounts/update_credentials", alice, ct, body)
	avatar, _ := me["avatar"].(string)
	if resp.StatusCode != 200 || avatar == defaultAvatar || !strings.HasPrefix(avatar, "https://convene.test/media/") ||
		me["avatar_static"] != avatar || me["display_name"] != "Alice" || me["header"] == avatar {
		t.Fatalf("update_credentials with an avatar = %d %v", resp.StatusCode, me)
	}
	if resp, _ := b.get(strings.TrimPrefix(avatar, "https://convene.test")); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("the avatar is served as %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The community account and the actor document show it too.
	if _, v := b.apiJSON("GET", "/api/v1/accounts/"+me["id"].(string), "", ""); obj(v)["avatar"] != avatar {
		t.Errorf("GET the account: avatar = %v", obj(v)["avatar"])
	}
	if icon, _ := b.as2("/u/alice")["icon"].(map[string]any); icon["url"] != avatar || icon["type"] != "Image" || icon["mediaType"] != "image/png" {
		t.Errorf("the Person's icon = %v", icon)
	}

	// A picture that is not one: 422, and nothing else in the form is saved.
	ct, body = pictureForm(t, "header", []byte("text"), "display_name", "Changed")
	if resp, v := b.patchForm("/api/v1/accounts/update_credentials", alice, ct, body); resp.StatusCode != 422 || v["error"] == "" {
		t.Errorf("a text file as header = %d %v", resp.StatusCode, v)
	}
	if a, _ := w.svc.FindAccount(context.Background(), "alice"); a.DisplayName != "Alice" {
		t.Errorf("the refused form changed the name to %q", a.DisplayName)
	}

	resp, v = b.apiJSON("DELETE", "/api/v1/profile/avatar", "", alice)
	if resp.StatusCode != 200 || obj(v)["avatar"] != defaultAvatar {
		t.Errorf("DELETE /api/v1/profile/avatar = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.get(strings.TrimPrefix(avatar, "https://convene.test")); resp.StatusCode != 404 {
		t.Errorf("the removed avatar is still served: %d", resp.StatusCode)
	}
}

// as2 fetches path as ActivityPub peers do.
func (b *browser) as2(path string) map[string]any {
	b.t.Helper()
	_, v := b.sendJSON(http.MethodGet, path, nil, "Accept", "application/activity+json")
	return v
}

// A profile form is all or nothing; it carries only an avatar and a header; and its files
// do not outlive the request, even where they were spooled to disk.
func TestClientAPIProfileFormIsAllOrNothingAndLeavesNoFiles(t *testing.T) {
	w := newAPIWorld(t)
	b, alice := w.b, w.alice
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where multipart spools files over its memory limit
	big := append(testPNG(t, 64, 64), make([]byte, 3<<20)...)

	ct, body := pictureForm(t, "avatar", big, "display_name", strings.Repeat("x", 101))
	if resp, v := b.patchForm("/api/v1/accounts/update_credentials", alice, ct, body); resp.StatusCode != 422 {
		t.Errorf("an avatar with a name too long = %d %v, want 422", resp.StatusCode, v)
	}
	if a, _ := w.svc.FindAccount(context.Background(), "alice"); a.AvatarKey != "" {
		t.Error("the refused form changed the avatar")
	}
	ct, body = pictureForm(t, "attachment", big)
	if resp, _ := b.patchForm("/api/v1/accounts/update_credentials", alice, ct, body); resp.StatusCode != 422 {
		t.Errorf("a file that is neither avatar nor header = %d, want 422", resp.StatusCode)
	}
	ct, body = pictureForm(t, "avatar", big, "discoverable", "true", "indexable", "false")
	resp, me := b.patchForm("/api/v1/accounts/update_credentials", alice, ct, body)
	if resp.StatusCode != 200 || me["discoverable"] != false {
		t.Errorf("discoverable but not indexable = %d %v, want not discoverable", resp.StatusCode, me["discoverable"])
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("files left behind in the temporary directory: %v", left)
	}
}

// TestClientAPIShowsARemoteAccountsOwnProfile: once a community elsewhere is known here, apps
// show it with the avatar, header and bio its server published (the bio sanitized), not with
// our default pictures and an empty note.
func TestClientAPIShowsARemoteAccountsOwnProfile(t *testing.T) {
	h, _ := newTestServer(t, testServer{allowLoopback: true})
	garden := groupPeer(t)
	b := signedIn(t, h)
	// Opening the follow confirmation fetches the group and keeps it.
	if resp, _ := b.get("/authorize_interaction?uri=" + url.QueryEscape(garden)); resp.StatusCode != http.StatusOK {
		t.Fatalf("the follow confirmation = %d", resp.StatusCode)
	}
	token := b.tokenFor(b.registerApp(convene.OOBRedirectURI), "ada", "read")
	_, v := b.apiJSON("GET", "/api/v2/search?q="+url.QueryEscape(garden), "", token)
	found := arr(obj(v)["accounts"])
	if len(found) != 1 {
		t.Fatalf("search for %s = %v", garden, v)
	}
	id, _ := obj(found[0])["id"].(string)
	_, v = b.apiJSON("GET", "/api/v1/accounts/"+id, "", "")
	for name, a := range map[string]map[string]any{"search": obj(found[0]), "accounts/:id": obj(v)} {
		if a["avatar"] != gardenAvatar || a["avatar_static"] != gardenAvatar || a["header"] != gardenHeader ||
			a["header_static"] != gardenHeader || a["note"] != gardenNote || a["group"] != true {
			t.Errorf("%s: garden = avatar %v (static %v), header %v (static %v), note %v, group %v", name, a["avatar"],
				a["avatar_static"], a["header"], a["header_static"], a["note"], a["group"])
		}
	}
}
