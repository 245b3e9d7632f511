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

// pollThread is a thread of ben's in surrey with a poll.
func (x *threadFixture) pollThread(t *testing.T, multiple, hide bool) *convene.Post {
	t.Helper()
	p, err := x.svc.CreateThread(asAccount(x.ben), service.ThreadCreate{Community: "surrey", Title: "Lunch", Body: "Where?",
		Poll: &service.PollCreate{Options: []string{"Pizza", "Soup", "Salad"}, ExpiresIn: 7200, Multiple: multiple, HideTotals: hide}})
	if err != nil {
		t.Fatal(err)
	}
	x.thread = p
	return p
}

func TestThreadPageShowsPollAndTakesAVote(t *testing.T) {
	x := newThreadFixture(t)
	p := x.pollThread(t, false, false)

	// A visitor sees the results, and how long the poll runs.
	anon := postHTML(t, x.page(t, newBrowser(t, x.h)), p.ID)
	for _, want := range []string{`aria-labelledby="poll-` + p.ID + `"`, "Pizza", "0 people voted", "Ends in 2 hours", "<meter"} {
		if !strings.Contains(anon, want) {
			t.Errorf("visitor's poll lacks %q: %s", want, anon)
		}
	}
	if strings.Contains(anon, `/vote"`) {
		t.Error("a visitor is offered a vote form")
	}
	// The author sees results only; another member gets radio buttons in a fieldset.
	if own := postHTML(t, x.page(t, x.signIn(t, "ben")), p.ID); strings.Contains(own, `/vote"`) {
		t.Errorf("the author may vote on their own poll: %s", own)
	}
	cara := x.signIn(t, "cara")
	page := x.page(t, cara)
	form := postHTML(t, page, p.ID)
	for _, want := range []string{`action="/p/` + p.ID + `/vote"`, "<fieldset>", "<legend>Choose one answer</legend>",
		`type="radio" id="poll-` + p.ID + `-1" name="choice" value="1"`, `<label for="poll-` + p.ID + `-1">Soup</label>`} {
		if !strings.Contains(form, want) {
			t.Errorf("vote form lacks %q: %s", want, form)
		}
	}
	resp, _ := cara.post("/p/"+p.ID+"/vote", url.Values{"csrf": {cara.formSecret(page)}, "choice": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/p/"+p.ID+"#p-"+p.ID {
		t.Fatalf("vote = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	after := postHTML(t, x.page(t, cara), p.ID)
	for _, want := range []string{`class="chosen"`, "Soup <span class=\"poll-mine\">(your choice)</span>", "100% · 1 vote", "1 person voted",
		`aria-label="Soup: 100 percent"`} {
		if !strings.Contains(after, want) {
			t.Errorf("after voting, the poll lacks %q: %s", want, after)
		}
	}
	// No form secret, no vote; a second vote is refused.
	if resp, _ := cara.post("/p/"+p.ID+"/vote", url.Values{"choice": {"0"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("vote without the form secret = %d", resp.StatusCode)
	}
	if resp, _ := cara.post("/p/"+p.ID+"/vote", url.Values{"csrf": {cara.formSecret(page)}, "choice": {"0"}}); resp.StatusCode < 400 {
		t.Errorf("second vote = %d", resp.StatusCode)
	}
}

func TestHiddenTotalsStayHiddenAndCheckboxesForMultipleChoice(t *testing.T) {
	x := newThreadFixture(t)
	p := x.pollThread(t, true, true)
	cara := x.signIn(t, "cara")
	page := x.page(t, cara)
	if form := postHTML(t, page, p.ID); !strings.Contains(form, `type="checkbox"`) || !strings.Contains(form, "Choose one or more answers") {
		t.Fatalf("multiple-choice form: %s", form)
	}
	if resp, _ := cara.post("/p/"+p.ID+"/vote", url.Values{"csrf": {cara.formSecret(page)}, "choice": {"0", "2"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("vote = %d", resp.StatusCode)
	}
	after := postHTML(t, x.page(t, cara), p.ID)
	if strings.Contains(after, "<meter") || strings.Contains(after, "votes") || !strings.Contains(after, "results are shown when the poll ends") ||
		strings.Count(after, "(your choice)") != 2 {
		t.Errorf("hidden totals: %s", after)
	}
}

func TestNewThreadFormMayCarryAPoll(t *testing.T) {
	h, svc := newServer(t, nil)
	b := signedIn(t, h)
	if _, err := svc.CreateCommunity(convene.WithOperator(context.Background()), service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/c/surrey")
	for _, want := range []string{`<legend>Poll: fill in two to four answers</legend>`, `<label for="poll-option-4">Answer 4</label>`,
		`<label for="poll-expires">Voting ends after</label>`} {
		if !strings.Contains(page, want) {
			t.Errorf("new-thread form lacks %q", want)
		}
	}
	secret := b.formSecret(page)
	b.post("/c/surrey/join", url.Values{"csrf": {secret}})
	form := url.Values{"csrf": {secret}, "title": {"Lunch"}, "body": {"Where?"}, "poll_option": {"Pizza", " ", "Soup", ""},
		"poll_expires_in": {"3600"}, "poll_multiple": {"1"}}
	resp, _ := b.post("/c/surrey/threads", form)
	thread := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new thread with a poll = %d", resp.StatusCode)
	}
	if _, page := b.get(thread); !strings.Contains(page, "Pizza") || !strings.Contains(page, "Soup") || !strings.Contains(page, `class="poll"`) {
		t.Errorf("the thread page lacks its poll")
	}
	form.Set("poll_option", "Only one")
	form.Set("title", "Bad poll")
	if resp, _ := b.post("/c/surrey/threads", form); resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a one-answer poll = %d, want refused", resp.StatusCode)
	}
}
