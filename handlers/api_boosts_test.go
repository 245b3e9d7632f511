package handlers_test

import "testing"

func TestClientAPIHomeShowsBoostsOfPeopleFollowed(t *testing.T) {
	w := newAPIWorld(t)
	b, app, alice, bob := w.b, w.app, w.alice, w.bob
	mustCreateAccountH(t, w.svc, "carol")
	carol := b.tokenFor(app, "carol", "read write follow")
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Apple day on Saturday"}`, alice)
	thread := obj(v)["id"].(string)
	_, v = b.apiJSON("GET", "/api/v1/accounts/lookup?acct=bob", "", "")
	b.apiJSON("POST", "/api/v1/accounts/"+obj(v)["id"].(string)+"/follow", "", carol)

	_, v = b.apiJSON("POST", "/api/v1/statuses/"+thread+"/reblog", "", bob)
	boost := obj(v)["id"].(string)
	resp, v := b.apiJSON("GET", "/api/v1/timelines/home", "", carol)
	if home := arr(v); resp.StatusCode != 200 || len(home) != 1 || obj(home[0])["id"] != boost ||
		obj(obj(home[0])["account"])["username"] != "bob" || obj(obj(home[0])["reblog"])["id"] != thread ||
		obj(obj(obj(home[0])["reblog"])["account"])["username"] != "alice" {
		t.Fatalf("carol's home = %d %v; want bob's boost of alice's thread", resp.StatusCode, v)
	}
	if resp, v := b.apiJSON("GET", "/api/v1/statuses/"+boost, "", carol); resp.StatusCode != 200 || obj(obj(v)["reblog"])["id"] != thread {
		t.Errorf("the boost by its id = %d %v", resp.StatusCode, v)
	}
	if _, v := b.apiJSON("GET", "/api/v1/statuses/"+thread+"/reblogged_by", "", ""); len(arr(v)) != 1 || obj(arr(v)[0])["username"] != "bob" {
		t.Errorf("reblogged_by = %v", v)
	}
	b.apiJSON("POST", "/api/v1/statuses/"+thread+"/favourite", "", carol)
	if _, v := b.apiJSON("GET", "/api/v1/statuses/"+thread+"/favourited_by", "", ""); len(arr(v)) != 1 || obj(arr(v)[0])["username"] != "carol" {
		t.Errorf("favourited_by = %v", v)
	}
	b.apiJSON("POST", "/api/v1/statuses/"+thread+"/unreblog", "", bob)
	if _, v := b.apiJSON("GET", "/api/v1/timelines/home", "", carol); len(arr(v)) != 0 {
		t.Errorf("carol's home after the unboost = %v", v)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/statuses/"+boost, "", carol); resp.StatusCode != 404 {
		t.Errorf("a withdrawn boost by its id = %d, want 404", resp.StatusCode)
	}
}
