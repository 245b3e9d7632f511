package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

func TestClientAPIDecidesCommunityFollowRequests(t *testing.T) {
	w := newAPIWorld(t)
	b, app, alice, bob := w.b, w.app, w.alice, w.bob
	if _, err := w.svc.CreateCommunity(convene.WithOperator(context.Background()), service.CommunityCreate{Slug: "garden",
		Name: "Garden", Owner: "alice", FollowPolicy: convene.FollowApproval}); err != nil {
		t.Fatal(err)
	}
	mustCreateAccountH(t, w.svc, "carol")
	carol := b.tokenFor(app, "carol", "read write follow")
	_, v := b.apiJSON("GET", "/api/v1/accounts/lookup?acct=garden", "", "")
	garden := obj(v)["id"].(string)
	for _, token := range []string{bob, carol} {
		if _, v := b.apiJSON("POST", "/api/v1/accounts/"+garden+"/follow", "", token); obj(v)["requested"] != true {
			t.Fatalf("asking to join = %v", v)
		}
	}

	// alice, who owns garden, sees both requests, newest first, one per page here.
	resp, v := b.apiJSON("GET", "/api/v1/follow_requests?limit=1", "", alice)
	link := resp.Header.Get("Link")
	if list := arr(v); resp.StatusCode != 200 || len(list) != 1 || obj(list[0])["username"] != "carol" ||
		!strings.HasSuffix(link, `>; rel="next"`) || strings.Contains(link, "prev") {
		t.Fatalf("alice's follow requests = %d %v, Link %q", resp.StatusCode, v, link)
	}
	next := strings.TrimPrefix(link[:strings.Index(link, ">")], "<https://convene.test")
	if _, v := b.apiJSON("GET", next, "", alice); len(arr(v)) != 1 || obj(arr(v)[0])["username"] != "bob" {
		t.Errorf("the next page of requests = %v, want bob's", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/verify_credentials", "", alice); obj(obj(v)["source"])["follow_requests_count"] != 2.0 {
		t.Errorf("follow_requests_count = %v", obj(v)["source"])
	}
	if _, v := b.apiJSON("GET", "/api/v1/follow_requests", "", bob); len(arr(v)) != 0 {
		t.Errorf("bob moderates nothing, yet has requests %v", v)
	}
	_, v = b.apiJSON("GET", "/api/v1/accounts/lookup?acct=bob", "", "")
	bobID := obj(v)["id"].(string)
	_, v = b.apiJSON("GET", "/api/v1/accounts/lookup?acct=carol", "", "")
	carolID := obj(v)["id"].(string)
	if resp, _ := b.apiJSON("POST", "/api/v1/follow_requests/"+bobID+"/authorize", "", carol); resp.StatusCode != 404 {
		t.Errorf("carol deciding garden's requests = %d, want 404", resp.StatusCode)
	}
	if resp, v := b.apiJSON("POST", "/api/v1/follow_requests/"+bobID+"/authorize", "", alice); resp.StatusCode != 200 || obj(v)["id"] != bobID {
		t.Fatalf("authorize bob = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("POST", "/api/v1/follow_requests/"+carolID+"/reject", "", alice); resp.StatusCode != 200 {
		t.Fatalf("reject carol = %d", resp.StatusCode)
	}
	if resp, _ := b.apiJSON("POST", "/api/v1/follow_requests/"+carolID+"/reject", "", alice); resp.StatusCode != 404 {
		t.Errorf("rejecting again = %d, want 404", resp.StatusCode)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/relationships?id[]="+garden, "", bob); obj(arr(v)[0])["following"] != true {
		t.Errorf("bob and garden = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/accounts/relationships?id[]="+garden, "", carol); obj(arr(v)[0])["following"] != false ||
		obj(arr(v)[0])["requested"] != false {
		t.Errorf("carol and garden = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/follow_requests", "", alice); len(arr(v)) != 0 {
		t.Errorf("requests left = %v", v)
	}
}
