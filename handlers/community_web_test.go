package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// settingsFixture is an instance whose first admin is ada, with members olga (owner of the
// community surrey) and mia, each signed in in a browser of their own.
type settingsFixture struct {
	h                    http.Handler
	svc                  *service.Service
	ada, olga, mia, anon *browser
}

func newSettingsFixture(t *testing.T) *settingsFixture {
	t.Helper()
	h, svc := newTestServer(t, testServer{newKeyPair: eventKeys})
	x := &settingsFixture{h: h, svc: svc, ada: signedIn(t, h), anon: newBrowser(t, h)}
	x.olga, x.mia = x.member(t, "olga"), x.member(t, "mia")
	olga, err := svc.FindAccount(context.Background(), "olga")
	if err != nil {
		t.Fatal(err)
	}
	asOlga := convene.WithPrincipal(context.Background(), convene.Principal{Account: olga})
	if _, err := svc.CreateCommunity(asOlga, service.CommunityCreate{Slug: "surrey", Name: "Surrey conveners"}); err != nil {
		t.Fatal(err)
	}
	return x
}

// member creates an approved member and signs them in in a new browser.
func (x *settingsFixture) member(t *testing.T, name string) *browser {
	t.Helper()
	_, err := x.svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{Username: name,
		Email: name + "@example.org", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, x.h)
	_, page := b.get("/login")
	resp, _ := b.post("/login", url.Values{"csrf": {b.formSecret(page)}, "login": {name}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s = %d", name, resp.StatusCode)
	}
	return b
}

// submit posts a form of the settings page (or any page at path) with the browser's secret.
func submit(t *testing.T, b *browser, page, action string, form url.Values) (*http.Response, string) {
	t.Helper()
	_, body := b.get(page)
	form.Set("csrf", b.formSecret(body))
	return b.post(action, form)
}

func wantRedirect(t *testing.T, what string, resp *http.Response, location string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != location {
		t.Fatalf("%s = %d to %q, want 303 to %q", what, resp.StatusCode, resp.Header.Get("Location"), location)
	}
}

func TestMemberCreatesACommunityFromTheWeb(t *testing.T) {
	x := newSettingsFixture(t)
	resp, _ := x.anon.get("/communities/new")
	wantRedirect(t, "a visitor asking for the form", resp, "/login?next=%2Fcommunities%2Fnew")
	if _, page := x.anon.get("/"); strings.Contains(page, `href="/communities/new"`) {
		t.Error("a visitor is offered to create a community")
	}
	if _, page := x.mia.get("/"); !strings.Contains(page, `href="/communities/new"`) {
		t.Error("the home page offers a member no way to create a community")
	}
	if resp, page := x.mia.get("/communities/new"); resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="/communities/new"`) {
		t.Fatalf("/communities/new = %d", resp.StatusCode)
	}

	form := url.Values{"slug": {"kent conveners"}, "name": {"Kent conveners"}, "summary": {"We *meet*."},
		"region": {"Kent"}, "follow_policy": {"approval"}, "posting_policy": {"moderators"}}
	resp, page := submit(t, x.mia, "/communities/new", "/communities/new", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `role="alert"`) ||
		!strings.Contains(page, `value="Kent conveners"`) || !strings.Contains(page, `value="approval" checked`) {
		t.Fatalf("an invalid slug = %d; want 422 with the error and the form as typed", resp.StatusCode)
	}
	form.Set("slug", "kent")
	resp, _ = submit(t, x.mia, "/communities/new", "/communities/new", form)
	wantRedirect(t, "creating kent", resp, "/c/kent")
	c, err := x.svc.FindCommunity(context.Background(), "kent")
	if err != nil {
		t.Fatal(err)
	}
	mia, _ := x.svc.FindAccount(context.Background(), "mia")
	if c.OwnerID != mia.ID || c.Name != "Kent conveners" || c.Region != "Kent" ||
		c.FollowPolicy != convene.FollowApproval || c.PostingPolicy != convene.PostingModerators {
		t.Errorf("created community = %+v, want mia's with the form's fields", c)
	}
	if _, page := x.mia.get("/c/kent"); !strings.Contains(page, `href="/c/kent/settings"`) {
		t.Error("the owner sees no Settings link on the community page")
	}
	if _, page := x.olga.get("/c/kent"); strings.Contains(page, `href="/c/kent/settings"`) {
		t.Error("a member who does not moderate sees the Settings link")
	}

	form.Set("name", "Another Kent")
	resp, page = submit(t, x.mia, "/communities/new", "/communities/new", form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `role="alert"`) {
		t.Errorf("a taken slug = %d, want 409 with the error", resp.StatusCode)
	}
	if c, _ := x.svc.FindCommunity(context.Background(), "kent"); c.Name != "Kent conveners" {
		t.Errorf("a taken slug changed the community: %+v", c)
	}
}

func TestCommunitySettingsAreForModeratorsAndAdmins(t *testing.T) {
	x := newSettingsFixture(t)
	resp, _ := x.anon.get("/c/surrey/settings")
	wantRedirect(t, "a visitor asking for settings", resp, "/login?next=%2Fc%2Fsurrey%2Fsettings")
	if resp, _ := x.mia.get("/c/surrey/settings"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a member who does not moderate = %d, want 403", resp.StatusCode)
	}
	for who, b := range map[string]*browser{"the owner": x.olga, "an admin": x.ada} {
		resp, page := b.get("/c/surrey/settings")
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="/c/surrey/settings"`) ||
			!strings.Contains(page, `value="Surrey conveners"`) {
			t.Errorf("settings for %s = %d, want the page with the profile form", who, resp.StatusCode)
		}
	}
	_, page := x.mia.get("/")
	resp, _ = x.mia.post("/c/surrey/settings", url.Values{"csrf": {x.mia.formSecret(page)}, "name": {"Taken over"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a member saving settings = %d, want 403", resp.StatusCode)
	}
	if resp, _ := x.olga.get("/c/nowhere/settings"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("settings of no community = %d, want 404", resp.StatusCode)
	}
	if c, _ := x.svc.FindCommunity(context.Background(), "surrey"); c.Name != "Surrey conveners" {
		t.Errorf("a member changed the community: %+v", c)
	}
}

func TestEditingProfileAndPolicy(t *testing.T) {
	x := newSettingsFixture(t)
	form := url.Values{"name": {"Surrey"}, "summary": {"Conveners in *Surrey*."}, "region": {"South East"},
		"follow_policy": {"approval"}, "posting_policy": {"moderators"}}
	resp, _ := submit(t, x.olga, "/c/surrey/settings", "/c/surrey/settings", form)
	wantRedirect(t, "saving the profile", resp, "/c/surrey/settings?done=profile#profile")
	c, err := x.svc.FindCommunity(context.Background(), "surrey")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Surrey" || c.Region != "South East" || c.FollowPolicy != convene.FollowApproval || c.PostingPolicy != convene.PostingModerators {
		t.Errorf("community after saving = %+v", c)
	}
	_, page := x.olga.get("/c/surrey/settings?done=profile")
	if !strings.Contains(page, `role="status"`) || !strings.Contains(page, `value="approval" checked`) ||
		!strings.Contains(page, `value="moderators" checked`) {
		t.Error("the settings page does not show the saved policies and a notice")
	}
	if _, page := x.anon.get("/c/surrey"); !strings.Contains(page, "<em>Surrey</em>") || !strings.Contains(page, "South East") {
		t.Error("the community page does not show the new profile")
	}

	form.Set("name", " ")
	form.Set("region", "Kent")
	resp, page = submit(t, x.olga, "/c/surrey/settings", "/c/surrey/settings", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, `value="Kent"`) {
		t.Errorf("an empty name = %d, want 422 with the error and the form as typed", resp.StatusCode)
	}
	if c, _ := x.svc.FindCommunity(context.Background(), "surrey"); c.Region != "South East" {
		t.Errorf("an invalid form changed the community: %+v", c)
	}
}

func TestAddingAndRemovingAModerator(t *testing.T) {
	x := newSettingsFixture(t)
	const settings = "/c/surrey/settings"
	resp, page := submit(t, x.olga, settings, settings+"/moderators", url.Values{"username": {"zed"}})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, `value="zed"`) {
		t.Errorf("adding an unknown account = %d, want 404 on the page with the name as typed", resp.StatusCode)
	}
	resp, _ = submit(t, x.olga, settings, settings+"/moderators", url.Values{"username": {"@mia"}})
	wantRedirect(t, "adding mia", resp, settings+"?done=moderator-added#moderators")
	if resp, page := x.mia.get(settings); resp.StatusCode != http.StatusOK {
		t.Fatalf("settings for the new moderator = %d", resp.StatusCode)
	} else if strings.Contains(page, `action="/c/surrey/settings/moderators"`) {
		t.Error("a moderator who is not the owner is offered to add moderators")
	}
	if _, page := x.olga.get(settings); !strings.Contains(page, `name="username" value="mia"`) || strings.Contains(page, `name="username" value="olga"`) {
		t.Error("the owner's list should offer to remove mia, and not the owner")
	}

	resp, page = submit(t, x.olga, settings, settings+"/moderators/remove", url.Values{"username": {"olga"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "always moderates") {
		t.Errorf("removing the owner = %d, want 422 saying why", resp.StatusCode)
	}
	resp, _ = submit(t, x.olga, settings, settings+"/moderators/remove", url.Values{"username": {"mia"}})
	wantRedirect(t, "removing mia", resp, settings+"?done=moderator-removed#moderators")
	if resp, _ := x.mia.get(settings); resp.StatusCode != http.StatusForbidden {
		t.Errorf("settings for the removed moderator = %d, want 403", resp.StatusCode)
	}
}

func TestApprovingAFollowRequest(t *testing.T) {
	x := newSettingsFixture(t)
	const settings = "/c/surrey/settings"
	submit(t, x.olga, settings, settings, url.Values{"name": {"Surrey conveners"}, "follow_policy": {"approval"}})
	for _, b := range []*browser{x.mia, x.ada} {
		_, page := b.get("/c/surrey")
		if resp, _ := b.post("/c/surrey/join", url.Values{"csrf": {b.formSecret(page)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("join = %d", resp.StatusCode)
		}
	}
	_, page := x.olga.get(settings)
	if !strings.Contains(page, "@mia@convene.test") || !strings.Contains(page, "@ada@convene.test") {
		t.Fatal("the settings page does not list the two requests")
	}
	resp, _ := submit(t, x.olga, settings, settings+"/follow-requests",
		url.Values{"actor": {"https://convene.test/u/mia"}, "decision": {"approve"}})
	wantRedirect(t, "approving mia", resp, settings+"?done=follow-approved#requests")
	resp, _ = submit(t, x.olga, settings, settings+"/follow-requests",
		url.Values{"actor": {"https://convene.test/u/ada"}, "decision": {"reject"}})
	wantRedirect(t, "rejecting ada", resp, settings+"?done=follow-rejected#requests")
	followers, err := x.svc.Followers(context.Background(), "https://convene.test/c/surrey", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(followers.Actors) != 1 || followers.Actors[0] != "https://convene.test/u/mia" {
		t.Errorf("followers = %v, want mia only", followers.Actors)
	}
	if _, page := x.olga.get(settings); strings.Contains(page, "@mia@convene.test") || strings.Contains(page, "@ada@convene.test") {
		t.Error("decided requests are still listed")
	}
	resp, _ = submit(t, x.olga, settings, settings+"/follow-requests",
		url.Values{"actor": {"https://convene.test/u/mia"}, "decision": {"approve"}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("approving an accepted follow again = %d, want 409", resp.StatusCode)
	}
}

func TestApprovingACrossPostedEvent(t *testing.T) {
	x := newSettingsFixture(t)
	const settings = "/c/surrey/settings"
	// mia runs kent and cross-posts an event to surrey, where she may not post: it waits.
	resp, _ := submit(t, x.mia, "/communities/new", "/communities/new", url.Values{"slug": {"kent"}, "name": {"Kent"}})
	wantRedirect(t, "creating kent", resp, "/c/kent")
	mia, _ := x.svc.FindAccount(context.Background(), "mia")
	asMia := convene.WithPrincipal(context.Background(), convene.Principal{Account: mia})
	e, err := x.svc.CreateEvent(asMia, service.EventInput{Community: "kent", Title: "Hedge laying day",
		Start: "2030-03-14T10:00", Timezone: "Europe/London", CrossPost: []string{"surrey"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, page := x.anon.get("/c/surrey"); strings.Contains(page, "Hedge laying day") {
		t.Fatal("the cross-post is on surrey's page before a moderator approved it")
	}
	_, page := x.olga.get(settings)
	if !strings.Contains(page, `href="`+e.URL+`">Hedge laying day</a>`) || !strings.Contains(page, "14 Mar 2030") ||
		!strings.Contains(page, `href="https://convene.test/u/mia"`) {
		t.Fatalf("the settings page does not show the pending event with its time and organiser")
	}
	pending, err := x.svc.PendingShares(convene.WithOperator(context.Background()), "surrey")
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending shares = %v, %v", pending, err)
	}
	resp, _ = submit(t, x.olga, settings, settings+"/cross-posts", url.Values{"share": {pending[0].ID}, "decision": {"maybe"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a decision that is neither = %d, want 422", resp.StatusCode)
	}
	resp, _ = submit(t, x.olga, settings, settings+"/cross-posts", url.Values{"share": {pending[0].ID}, "decision": {"approve"}})
	wantRedirect(t, "approving the cross-post", resp, settings+"?done=cross-post-approved#cross-posts")
	if _, page := x.anon.get("/c/surrey"); !strings.Contains(page, "Hedge laying day") {
		t.Error("the approved event is not on surrey's page")
	}
	if _, page := x.olga.get(settings); strings.Contains(page, `name="share"`) {
		t.Error("the approved cross-post is still listed")
	}
}

func TestFollowingAndUnfollowingACommunity(t *testing.T) {
	x := newSettingsFixture(t)
	const settings = "/c/surrey/settings"
	submit(t, x.ada, "/communities/new", "/communities/new", url.Values{"slug": {"hants"}, "name": {"Hampshire"}})
	resp, page := submit(t, x.olga, settings, settings+"/following", url.Values{"handle": {"@kent@elsewhere.example"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="@kent@elsewhere.example"`) {
		t.Errorf("a handle this server cannot look up = %d, want 422 with the handle as typed", resp.StatusCode)
	}
	resp, _ = submit(t, x.olga, settings, settings+"/following", url.Values{"handle": {"@hants@convene.test"}})
	wantRedirect(t, "following hants", resp, settings+"?done=followed#following")
	if _, page := x.olga.get(settings); !strings.Contains(page, "@hants@convene.test") {
		t.Error("the followed community is not listed")
	}
	if _, page := x.anon.get("/c/surrey"); !strings.Contains(page, `href="https://convene.test/c/hants"`) {
		t.Error("the community page's landscape does not name hants")
	}
	resp, _ = submit(t, x.olga, settings, settings+"/following/remove", url.Values{"actor": {"https://convene.test/c/hants"}})
	wantRedirect(t, "unfollowing hants", resp, settings+"?done=unfollowed#following")
	if _, page := x.olga.get(settings); strings.Contains(page, "@hants@convene.test") {
		t.Error("hants is still listed after unfollowing")
	}
}
