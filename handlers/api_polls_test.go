package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// pollOptionCounts lists a Poll entity's options as "title:count" ("title:null" when hidden).
func pollOptionCounts(poll map[string]any) string {
	var parts []string
	for _, o := range arr(poll["options"]) {
		parts = append(parts, fmt.Sprintf("%v:%v", obj(o)["title"], obj(o)["votes_count"]))
	}
	return strings.Join(parts, " ")
}

func TestClientAPICreatesPollsFromFormJSONAndQuery(t *testing.T) {
	w := newAPIWorld(t)
	b, alice := w.b, w.alice
	form := url.Values{"status": {"@surrey Lunch?"}, "poll[options][]": {"Pizza", "Soup"}, "poll[expires_in]": {"3600"}}.Encode()
	resp, v := b.apiJSON("POST", "/api/v1/statuses", form, alice)
	poll := obj(obj(v)["poll"])
	if resp.StatusCode != 200 || poll["id"] != obj(v)["id"] || pollOptionCounts(poll) != "Pizza:0 Soup:0" || poll["multiple"] != false ||
		poll["voters_count"] != nil || poll["votes_count"] != 0.0 || poll["expires_at"] == nil || poll["expired"] != false ||
		poll["voted"] != true || len(arr(poll["own_votes"])) != 0 || arr(poll["emojis"]) == nil {
		t.Fatalf("status with a form poll = %d %v", resp.StatusCode, v)
	}

	resp, v = b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Which?","poll":{"options":["A","B","C"],"expires_in":600,"multiple":true,"hide_totals":true}}`, alice)
	poll = obj(obj(v)["poll"])
	if resp.StatusCode != 200 || poll["multiple"] != true || poll["voters_count"] != 0.0 || pollOptionCounts(poll) != "A:<nil> B:<nil> C:<nil>" {
		t.Fatalf("status with a JSON poll = %d %v", resp.StatusCode, v)
	}

	query := url.Values{"status": {"@surrey Tea?"}, "poll[options][]": {"Yes", "No"}, "poll[expires_in]": {"300"}}.Encode()
	if resp, v := b.apiJSON("POST", "/api/v1/statuses?"+query, "", alice); resp.StatusCode != 200 || pollOptionCounts(obj(obj(v)["poll"])) != "Yes:0 No:0" {
		t.Fatalf("status with a poll in the query = %d %v", resp.StatusCode, v)
	}

	for name, body := range map[string]string{
		"poll and media": `{"status":"@surrey x","media_ids":["1"],"poll":{"options":["A","B"],"expires_in":600}}`,
		"one option":     `{"status":"@surrey x","poll":{"options":["A"],"expires_in":600}}`,
		"no duration":    `{"status":"@surrey x","poll":{"options":["A","B"]}}`,
		"too soon":       `{"status":"@surrey x","poll":{"options":["A","B"],"expires_in":60}}`,
	} {
		if resp, v := b.apiJSON("POST", "/api/v1/statuses", body, alice); resp.StatusCode != 422 || obj(v)["error"] == nil {
			t.Errorf("%s = %d %v, want 422", name, resp.StatusCode, v)
		}
	}
}

func TestClientAPIVotesAndShowsOwnVotes(t *testing.T) {
	w := newAPIWorld(t)
	b, alice, bob := w.b, w.alice, w.bob
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Lunch?","poll":{"options":["Pizza","Soup","Salad"],"expires_in":3600}}`, alice)
	single := obj(v)["id"].(string)
	_, v = b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Snacks?","poll":{"options":["Nuts","Fruit","Cake"],"expires_in":3600,"multiple":true}}`, alice)
	multi := obj(v)["id"].(string)

	if resp, v := b.apiJSON("GET", "/api/v1/polls/"+single, "", ""); resp.StatusCode != 200 || obj(v)["voted"] != false {
		t.Fatalf("anonymous GET poll = %d %v", resp.StatusCode, v)
	}
	resp, v := b.apiJSON("POST", "/api/v1/polls/"+single+"/votes", "choices[]=1", bob)
	if resp.StatusCode != 200 || obj(v)["voted"] != true || fmt.Sprint(obj(v)["own_votes"]) != "[1]" ||
		pollOptionCounts(obj(v)) != "Pizza:0 Soup:1 Salad:0" || obj(v)["votes_count"] != 1.0 {
		t.Fatalf("bob's vote = %d %v", resp.StatusCode, v)
	}
	if resp, v := b.apiJSON("POST", "/api/v1/polls/"+single+"/votes", "choices[]=0", bob); resp.StatusCode != 422 ||
		!strings.Contains(fmt.Sprint(obj(v)["error"]), "already voted") {
		t.Errorf("bob voting again = %d %v, want 422 already voted", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("POST", "/api/v1/polls/"+single+"/votes", "choices[]=0", alice); resp.StatusCode != 422 {
		t.Errorf("alice voting on her own poll = %d, want 422", resp.StatusCode)
	}
	if resp, _ := b.apiJSON("POST", "/api/v1/polls/"+multi+"/votes", `{"choices":["0","x"]}`, bob); resp.StatusCode != 422 {
		t.Errorf("a choice that is no number = %d, want 422", resp.StatusCode)
	}
	if resp, v := b.apiJSON("POST", "/api/v1/polls/"+multi+"/votes", `{"choices":[0,2]}`, bob); resp.StatusCode != 200 ||
		fmt.Sprint(obj(v)["own_votes"]) != "[0 2]" || obj(v)["voters_count"] != 1.0 {
		t.Errorf("bob's multiple-choice vote = %d %v", resp.StatusCode, v)
	}

	// Statuses carry the poll as the viewer sees it, one page at a time.
	_, v = b.apiJSON("GET", "/api/v1/statuses/"+single, "", bob)
	if poll := obj(obj(v)["poll"]); poll["voted"] != true || fmt.Sprint(poll["own_votes"]) != "[1]" {
		t.Errorf("status poll for bob = %v", poll)
	}
	_, v = b.apiJSON("GET", "/api/v1/timelines/public", "", bob)
	seen := map[string]string{}
	for _, st := range arr(v) {
		if poll := obj(obj(st)["poll"]); poll != nil {
			seen[obj(st)["id"].(string)] = fmt.Sprint(poll["own_votes"])
		}
	}
	if seen[single] != "[1]" || seen[multi] != "[0 2]" {
		t.Errorf("polls in the timeline = %v", seen)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/polls/"+bobMissing(), "", bob); resp.StatusCode != 404 {
		t.Errorf("GET of a poll that does not exist = %d", resp.StatusCode)
	}
}

func bobMissing() string { return "01ARZ3NDEKTSV4RRFFQ69G5FAV" }
