package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// eventSite is an instance with ada (its admin, in Europe/London) signed in and two
// communities, surrey and kent.
type eventSite struct {
	h   http.Handler
	svc *service.Service
	ada *browser
}

func newEventSite(t *testing.T) *eventSite {
	t.Helper()
	h, svc := newServer(t, nil)
	x := &eventSite{h: h, svc: svc, ada: signedIn(t, h)}
	operator := convene.WithOperator(context.Background())
	for slug, name := range map[string]string{"surrey": "Surrey conveners", "kent": "Kent commons"} {
		if _, err := svc.CreateCommunity(operator, service.CommunityCreate{Slug: slug, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	zone := "Europe/London"
	if _, err := svc.UpdateProfile(operator, "ada", service.ProfileUpdate{Timezone: &zone}); err != nil {
		t.Fatal(err)
	}
	return x
}

// member makes an approved account in zone, a member of the communities given, and signs
// it in in a new browser.
func (x *eventSite) member(t *testing.T, name, zone string, communities ...string) *browser {
	t.Helper()
	a, err := x.svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{Username: name,
		Email: name + "@example.org", Password: "correct horse battery", Timezone: zone})
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range communities {
		if _, err := x.svc.Join(convene.WithPrincipal(context.Background(), convene.Principal{Account: a}), slug); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, x.h)
	_, page := b.get("/login")
	resp, _ := b.post("/login", url.Values{"csrf": {b.formSecret(page)}, "login": {name}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s signing in = %d", name, resp.StatusCode)
	}
	return b
}

// readingGroup is a filled-in new-event form.
func readingGroup(secret string) url.Values {
	return url.Values{"csrf": {secret}, "title": {"Reading group"}, "description": {"We read *Ostrom*."},
		"category":   {"BOOK_CLUBS"},
		"start_date": {"2030-02-05"}, "start_time": {"18:30"}, "end_date": {""}, "end_time": {"20:00"},
		"timezone": {"Europe/London"}, "place_name": {"Guildford Library"}, "street": {"77 North Street"},
		"postal_code": {"GU1 4AL"}, "locality": {"Guildford"}, "country": {"UK"},
		"online_url": {"https://meet.example/reading"}, "capacity": {"30"}, "join_mode": {"free"}}
}

// createEvent posts the form to a community and returns the new event's path.
func createEvent(t *testing.T, b *browser, slug string, edit func(url.Values)) string {
	t.Helper()
	_, page := b.get("/c/" + slug + "/events/new")
	form := readingGroup(b.formSecret(page))
	if edit != nil {
		edit(form)
	}
	resp, body := b.post("/c/"+slug+"/events/new", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/e/") {
		t.Fatalf("creating an event = %d to %q:\n%s", resp.StatusCode, loc, body)
	}
	return loc
}

func mustContain(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(page, want) {
			t.Errorf("%s lacks %s", what, want)
		}
	}
}

func TestEventFormCreatesAnEventOnTheCommunityPageAndCalendar(t *testing.T) {
	x := newEventSite(t)
	_, community := x.ada.get("/c/surrey")
	mustContain(t, "surrey's page", community, `href="/c/surrey/events/new"`)
	resp, page := x.ada.get("/c/surrey/events/new")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("new-event form = %d", resp.StatusCode)
	}
	// The zone defaults to ada's own; kent is offered for a cross-post, surrey is not.
	mustContain(t, "the new-event form", page,
		`name="timezone" list="ev-zones" required value="Europe/London"`, `<option value="Europe/Paris">`,
		`type="date"`, `type="time"`, `name="crosspost" value="https://convene.test/c/kent"`)
	if strings.Contains(page, `value="https://convene.test/c/surrey"`) {
		t.Error("the form offers to cross-post an event to its own community")
	}

	path := createEvent(t, x.ada, "surrey", func(f url.Values) { f.Set("crosspost", "https://convene.test/c/kent") })
	for _, slug := range []string{"surrey", "kent"} {
		if _, page := x.ada.get("/c/" + slug); !strings.Contains(page, `>Reading group</a>`) {
			t.Errorf("%s's page does not list the new event", slug)
		}
	}
	_, page = x.ada.get(path)
	mustContain(t, "the event page", page, "<h1 class=\"p-name\">Reading group</h1>", "<em>Ostrom</em>",
		"Tue 5 Feb 2030, 18:30</time>–", ">20:00</time> Europe/London", "Guildford Library", "GU1 4AL",
		`href="https://www.openstreetmap.org/search?query=`, `href="https://meet.example/reading"`,
		"0 of 30 going", "Book clubs", `class="p-organizer" href="https://convene.test/u/ada">ada</a>`,
		`>Surrey conveners</a>`, `href="`+path+`/edit"`, `href="`+path+`/cancel"`, `href="`+path+`/delete"`,
		"Also shared in", `href="https://convene.test/c/kent"`)
	if strings.Contains(page, "your time") {
		t.Error("the page converts times for a viewer already in the event's zone")
	}
	_, cal := x.ada.get(path + ".ics")
	mustContain(t, "the event's calendar", cal, "SUMMARY:Reading group", "DTSTART;TZID=Europe/London:20300205T183000",
		"DTEND;TZID=Europe/London:20300205T200000")
}

func TestEventFormKeepsEverythingWhenATimeFallsInADSTGap(t *testing.T) {
	x := newEventSite(t)
	_, page := x.ada.get("/c/surrey/events/new")
	form := readingGroup(x.ada.formSecret(page))
	form.Set("start_date", "2030-03-31") // London's clocks go from 01:00 to 02:00
	form.Set("start_time", "01:30")
	form.Set("end_time", "")
	form.Set("join_mode", "restricted")
	form.Set("crosspost", "https://convene.test/c/kent")
	resp, page := x.ada.post("/c/surrey/events/new", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a start in the DST gap = %d, want 422", resp.StatusCode)
	}
	mustContain(t, "the form sent back", page, `role="alert"`, "does not exist in Europe/London",
		`value="Reading group"`, "We read *Ostrom*.", `value="2030-03-31"`, `value="01:30"`, `value="Europe/London"`,
		`value="Guildford Library"`, `value="77 North Street"`, `value="GU1 4AL"`, `value="https://meet.example/reading"`,
		`value="30"`, `value="restricted" checked`, `value="BOOK_CLUBS" selected`,
		`value="https://convene.test/c/kent" checked`)
	if _, page := x.ada.get("/c/surrey"); strings.Contains(page, "Reading group") {
		t.Error("a refused event was made anyway")
	}
	form.Set("capacity", "lots")
	form.Set("start_time", "18:30")
	if resp, page := x.ada.post("/c/surrey/events/new", form); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "whole number") || !strings.Contains(page, `value="lots"`) {
		t.Errorf("a capacity that is not a number = %d", resp.StatusCode)
	}
}

func TestVisitorsAreSentToSignInAndNonMembersAreRefused(t *testing.T) {
	x := newEventSite(t)
	visitor := newBrowser(t, x.h)
	resp, _ := visitor.get("/c/surrey/events/new")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fc%2Fsurrey%2Fevents%2Fnew" {
		t.Errorf("a visitor's new-event form = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := visitor.get("/c/surrey"); strings.Contains(page, "/events/new") {
		t.Error("a visitor is offered the new-event form")
	}
	ben := x.member(t, "ben", "")
	if _, page := ben.get("/c/surrey"); strings.Contains(page, "/events/new") {
		t.Error("a non-member is offered the new-event form")
	}
	if resp, page := ben.get("/c/surrey/events/new"); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "join") {
		t.Errorf("a non-member's new-event form = %d", resp.StatusCode)
	}
}

func TestCrossPostToACommunityWhereTheOrganiserMayNotPostWaitsForItsModerators(t *testing.T) {
	x := newEventSite(t)
	ben := x.member(t, "ben", "Europe/London", "surrey")
	if _, page := ben.get("/c/surrey"); !strings.Contains(page, `href="/c/surrey/events/new"`) {
		t.Error("a member is not offered the new-event form")
	}
	_, page := ben.get("/c/surrey/events/new")
	mustContain(t, "ben's form", page, "a moderator there approves it first")
	createEvent(t, ben, "surrey", func(f url.Values) { f.Set("crosspost", "https://convene.test/c/kent") })
	ada, err := x.svc.FindAccount(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := x.svc.PendingShares(convene.WithPrincipal(context.Background(), convene.Principal{Account: ada}), "kent")
	if err != nil || len(pending) != 1 {
		t.Fatalf("kent's pending cross-posts = %v, %v; want ben's event", pending, err)
	}
	if _, page := ben.get("/c/kent"); strings.Contains(page, "Reading group") {
		t.Error("kent lists a cross-post its moderators have not accepted")
	}
}

func TestOrganiserEditsCancelsAndDeletesOthersCannot(t *testing.T) {
	x := newEventSite(t)
	path := createEvent(t, x.ada, "surrey", func(f url.Values) { f.Set("timezone", "America/New_York") })
	ben := x.member(t, "ben", "Europe/Paris", "surrey")

	// ben sees the event in his zone too, but no way to change it.
	_, page := ben.get(path)
	mustContain(t, "ben's view of the event", page, "18:30</time>–", "20:00</time> America/New_York",
		"(Wed 6 Feb 2030, 00:30–02:00 your time, Europe/Paris)")
	for _, action := range []string{"/edit", "/cancel", "/delete"} {
		if strings.Contains(page, `href="`+path+action+`"`) {
			t.Errorf("a non-organiser is offered %s", action)
		}
		if resp, _ := ben.get(path + action); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a non-organiser's GET %s = %d, want 403", action, resp.StatusCode)
		}
		form := readingGroup(ben.formSecret(page))
		if resp, _ := ben.post(path+action, form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a non-organiser's POST %s = %d, want 403", action, resp.StatusCode)
		}
	}

	// The edit form shows the times in the event's zone, not ada's.
	_, page = x.ada.get(path + "/edit")
	mustContain(t, "the edit form", page, `value="2030-02-05"`, `value="18:30"`, `value="20:00"`,
		`value="America/New_York"`, `value="Reading group"`, `value="30"`, `value="free" checked`)
	form := readingGroup(x.ada.formSecret(page))
	form.Set("timezone", "America/New_York")
	form.Set("start_time", "19:00")
	form.Set("end_time", "21:00")
	form.Set("status", "scheduled")
	if resp, _ := x.ada.post(path+"/edit", form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("saving the edit = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = x.ada.get(path)
	mustContain(t, "the edited event", page, "Tue 5 Feb 2030, 19:00</time>–", "21:00</time> America/New_York",
		"(Wed 6 Feb 2030, 00:00–02:00 your time, Europe/London)")

	// Cancel, after a confirmation page.
	_, page = x.ada.get(path + "/cancel")
	mustContain(t, "the cancel confirmation", page, `action="`+path+`/cancel"`, "Cancel the event")
	if resp, _ := x.ada.post(path+"/cancel", url.Values{"csrf": {x.ada.formSecret(page)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d", resp.StatusCode)
	}
	_, page = x.ada.get(path)
	mustContain(t, "the cancelled event", page, "This event is cancelled.")
	if strings.Contains(page, `href="`+path+`/cancel"`) {
		t.Error("a cancelled event still offers to cancel it")
	}

	// Delete returns to the community, which no longer lists it.
	_, page = x.ada.get(path + "/delete")
	mustContain(t, "the delete confirmation", page, `action="`+path+`/delete"`, "cannot be undone")
	resp, _ := x.ada.post(path+"/delete", url.Values{"csrf": {x.ada.formSecret(page)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/c/surrey" {
		t.Fatalf("delete = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := x.ada.get("/c/surrey"); strings.Contains(page, "Reading group") {
		t.Error("the community still lists a deleted event")
	}
	if _, page := x.ada.get(path); !strings.Contains(page, "This event was deleted.") || regexp.MustCompile(`href="/e/[^"]+/edit"`).MatchString(page) {
		t.Error("a deleted event's page does not say so, or still offers to edit it")
	}
}
