package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// handleEvent serves /e/{id}: the Event (or Tombstone) for ActivityPub, its page for browsers.
func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) {
	e, err := s.svc.FindEvent(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if wantsAS2(r) {
		s.serveAS2(w, r, func() ([]byte, error) { return s.as2.Event(r.Context(), e) })
		return
	}
	page, err := s.eventPage(r, e)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, page)
}

func (s *Server) eventPage(r *http.Request, e *convene.Event) (*frontend.EventPage, error) {
	shares, err := s.svc.EventShares(r.Context(), e)
	if err != nil {
		return nil, err
	}
	page := &frontend.EventPage{
		Layout:    frontend.Layout{Title: e.Title, Instance: s.domain, AlternateAS2: e.IRI},
		Event:     eventView(e),
		Organizer: e.OrganizerIRI,
		Community: e.CommunityIRI,
		Content:   trustedHTML(e.Content),
		Summary:   federation.EventSummary(e),
		Calendar:  s.iris.Base() + "/e/" + e.ID + ".ics",
		MapURL:    mapURL(e.Place),
	}
	if !e.IsLocal() {
		page.Calendar = "" // a copy: its own server's calendar is the canonical one
	}
	page.Joinable = service.CheckJoinable(e) == nil
	if err := s.addEventPeople(r, e, page); err != nil {
		return nil, err
	}
	if sessionFrom(r.Context()) != nil {
		p, err := s.svc.MyParticipation(r.Context(), e.ID)
		switch {
		case err == nil:
			page.RSVP = string(p.State)
		case convene.ErrorCode(err) != convene.ENOTFOUND:
			return nil, err
		}
	}
	for _, sh := range shares {
		page.SharedIn = append(page.SharedIn, actorLink(s.svc.ActorName(r.Context(), sh.CommunityIRI)))
	}
	return page, nil
}

// eventView is what lists and pages show of an event.
func eventView(e *convene.Event) frontend.EventView {
	return frontend.EventView{Event: e, URL: e.URL, When: federation.EventSummary(e)}
}

// eventViews lists events for a viewer, each also in the viewer's own zone where its clock
// reads differently (viewerZone is empty for a visitor).
func eventViews(list []*convene.Event, viewerZone string) []frontend.EventView {
	views := make([]frontend.EventView, 0, len(list))
	for _, e := range list {
		v := eventView(e)
		v.Yours = frontend.NewEventTimes(e, viewerZone).Yours
		views = append(views, v)
	}
	return views
}

// mapURL links a place to OpenStreetMap: its coordinates, or a search for its address.
func mapURL(p convene.Place) string {
	if p.Latitude != nil && p.Longitude != nil {
		return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f",
			*p.Latitude, *p.Longitude, *p.Latitude, *p.Longitude)
	}
	var parts []string
	for _, v := range []string{p.Name, p.Street, p.PostalCode, p.Locality, p.Region, p.Country} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(strings.Join(parts, ", "))
}

// handleEventAttendees serves /e/{id}/attendees: how many are coming (FEP-8a8e), not who.
func (s *Server) handleEventAttendees(w http.ResponseWriter, r *http.Request) {
	e, err := s.svc.FindEvent(r.Context(), mux.Vars(r)["id"])
	if err != nil || !e.IsLocal() {
		s.Error(w, r, firstError(err, convene.Errorf(convene.ENOTFOUND, "event not found")))
		return
	}
	s.serveAS2(w, r, func() ([]byte, error) {
		return federation.CountCollectionToAS(s.iris.Attendees(e.IRI), e.AttendeeCount)
	})
}

// handleUpcomingEvents serves /c/{slug}/upcoming, the FEP-8a8e upcomingEvents collection:
// the community's events to come and those it shares from its own server, soonest first.
func (s *Server) handleUpcomingEvents(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.FindCommunity(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	group := s.iris.Group(c.Slug)
	events, err := s.svc.UpcomingEvents(r.Context(), group, 200)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var items []string
	for _, e := range events {
		if e.CommunityIRI == group || e.IsLocal() {
			items = append(items, e.IRI)
		}
	}
	s.serveAS2(w, r, func() ([]byte, error) { return federation.FullCollectionToAS(s.iris.UpcomingEvents(group), items) })
}

// handleEventCalendar serves /e/{id}.ics.
func (s *Server) handleEventCalendar(w http.ResponseWriter, r *http.Request) {
	e, err := s.svc.FindEvent(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.serveCalendar(w, r, frontend.Calendar{Name: e.Title, URL: e.URL}, []*convene.Event{e}, e.ID)
}

// handleCommunityCalendar serves /c/{slug}/events.ics: its events and those it shares.
func (s *Server) handleCommunityCalendar(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.FindCommunity(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	events, err := s.svc.CalendarEvents(r.Context(), s.iris.Group(c.Slug))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cal := frontend.Calendar{Name: c.Name, Description: "Events of " + c.Name + " on " + s.domain, URL: s.iris.Group(c.Slug)}
	s.serveCalendar(w, r, cal, events, c.Slug)
}

// handleInstanceCalendar serves /events.ics: every public event this instance knows.
func (s *Server) handleInstanceCalendar(w http.ResponseWriter, r *http.Request) {
	events, err := s.svc.CalendarEvents(r.Context(), "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cal := frontend.Calendar{Name: s.domain, Description: "Events on " + s.domain, URL: s.iris.Base()}
	s.serveCalendar(w, r, cal, events, "events")
}

func (s *Server) serveCalendar(w http.ResponseWriter, r *http.Request, cal frontend.Calendar, events []*convene.Event, name string) {
	cal.Now = time.Now().UTC()
	body, err := frontend.ICalendar(cal, events)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.ics"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// addCommunityEvents fills a community page's events and landscape.
func (s *Server) addCommunityEvents(r *http.Request, c *convene.Community, page *frontend.ActorPage) error {
	ctx := r.Context()
	group := s.iris.Group(c.Slug)
	page.CalendarURL, page.FeedURL = group+"/events.ics", group+"/feed.rss"
	upcoming, err := s.svc.UpcomingEvents(ctx, group, 20)
	if err != nil {
		return err
	}
	past, err := s.svc.PastEvents(ctx, group, 10)
	if err != nil {
		return err
	}
	page.Upcoming, page.Past = eventViews(upcoming, viewerZone(r)), eventViews(past, viewerZone(r))
	if may, err := s.svc.CanCreateEvent(ctx, c); err != nil {
		return err
	} else if may {
		page.NewEventURL = "/c/" + c.Slug + "/events/new"
	}
	land, err := s.svc.CommunityLandscape(ctx, c.Slug, 20)
	if err != nil {
		return err
	}
	names := s.svc.ActorNames(ctx, land.Communities)
	for _, iri := range land.Communities {
		page.Followed = append(page.Followed, actorLink(names[iri]))
	}
	for _, p := range land.Threads {
		page.FollowedThreads = append(page.FollowedThreads, frontend.PostLink{Title: p.Title, URL: p.IRI})
	}
	page.FollowedEvents = eventViews(land.Events, viewerZone(r))
	return nil
}
