package handlers_test

import (
	"context"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

func TestClientAPIDirectoryAndSuggestions(t *testing.T) {
	w := newAPIWorld(t) // alice owns surrey; bob
	b, alice, bob := w.b, w.alice, w.bob
	if _, err := w.svc.CreateCommunity(convene.WithOperator(context.Background()), service.CommunityCreate{Slug: "garden",
		Name: "Garden", Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Pruning day"}`, alice)

	acct := func(list []any) []string {
		var out []string
		for _, a := range list {
			out = append(out, obj(a)["acct"].(string))
		}
		return out
	}
	// People are listed once they choose to be found; communities always.
	if _, v := b.apiJSON("GET", "/api/v1/directory", "", ""); len(acct(arr(v))) != 2 {
		t.Errorf("directory before anyone chose to be found = %v", acct(arr(v)))
	}
	for _, token := range []string{alice, bob} {
		b.apiJSON("PATCH", "/api/v1/accounts/update_credentials", `{"discoverable":true}`, token)
	}
	// Active first: alice and surrey posted; then the rest, newest first.
	resp, v := b.apiJSON("GET", "/api/v1/directory", "", "")
	if got := acct(arr(v)); resp.StatusCode != 200 || len(got) != 4 || got[0] != "surrey" || got[1] != "alice" {
		t.Errorf("directory = %d %v", resp.StatusCode, got)
	}
	if _, v := b.apiJSON("GET", "/api/v1/directory?order=new&limit=1&offset=2", "", ""); len(arr(v)) != 1 || acct(arr(v))[0] != "bob" {
		t.Errorf("the third newest = %v", acct(arr(v)))
	}

	// bob joined neither community: both are suggested, the active one first; once he joins
	// surrey, only garden.
	if _, v := b.apiJSON("GET", "/api/v2/suggestions", "", bob); len(arr(v)) != 2 ||
		obj(obj(arr(v)[0])["account"])["acct"] != "surrey" || obj(arr(v)[0])["sources"] == nil {
		t.Errorf("bob's suggestions = %v", v)
	}
	_, v = b.apiJSON("GET", "/api/v1/accounts/lookup?acct=surrey", "", "")
	b.apiJSON("POST", "/api/v1/accounts/"+obj(v)["id"].(string)+"/follow", "", bob)
	if _, v := b.apiJSON("GET", "/api/v1/suggestions", "", bob); len(arr(v)) != 1 || acct(arr(v))[0] != "garden" {
		t.Errorf("bob's suggestions after joining surrey = %v", acct(arr(v)))
	}
	if resp, _ := b.apiJSON("GET", "/api/v2/suggestions", "", ""); resp.StatusCode != 401 {
		t.Errorf("suggestions without a token = %d", resp.StatusCode)
	}
}

func TestClientAPITrends(t *testing.T) {
	w := newAPIWorld(t)
	b, alice, bob := w.b, w.alice, w.bob
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Apple day #apples"}`, alice)
	thread := obj(v)["id"].(string)
	b.apiJSON("POST", "/api/v1/statuses/"+thread+"/favourite", "", bob)

	resp, v := b.apiJSON("GET", "/api/v1/trends/tags", "", "")
	tags := arr(v)
	if resp.StatusCode != 200 || len(tags) != 1 || obj(tags[0])["name"] != "apples" || len(arr(obj(tags[0])["history"])) != 7 ||
		obj(arr(obj(tags[0])["history"])[0])["uses"] != "1" {
		t.Errorf("trends/tags = %d %v", resp.StatusCode, v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/trends", "", ""); len(arr(v)) != 1 {
		t.Errorf("trends = %v", v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/trends/statuses", "", ""); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != thread {
		t.Errorf("trends/statuses = %v", v)
	}
	if resp, v := b.apiJSON("GET", "/api/v1/trends/links", "", ""); resp.StatusCode != 200 || v == nil || len(arr(v)) != 0 {
		t.Errorf("trends/links = %d %v", resp.StatusCode, v)
	}
}
