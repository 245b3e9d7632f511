package handlers_test

import (
	"context"
	"net/http"
	"net/url"
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
		obj(me["source"])["note"] != "I *grow* apples." || me["discoverable"] != true || me["indexable"] != true {
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
