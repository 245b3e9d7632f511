package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// eventRoutes mounts the pages that compose and manage events: the new-event form of a
// community, and the organiser's edit, cancel and delete (each behind a confirmation).
func (s *Server) eventRoutes(r, forms *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/c/{slug}/events/new", s.handleNewEventForm).Methods(get...)
	forms.HandleFunc("/c/{slug}/events/new", s.handleCreateEvent).Methods(http.MethodPost)
	r.HandleFunc("/e/{id}/edit", s.handleEditEventForm).Methods(get...)
	forms.HandleFunc("/e/{id}/edit", s.handleEditEvent).Methods(http.MethodPost)
	r.HandleFunc("/e/{id}/{action:cancel|delete}", s.handleConfirmEvent).Methods(get...)
	forms.HandleFunc("/e/{id}/cancel", s.handleCancelEvent).Methods(http.MethodPost)
	forms.HandleFunc("/e/{id}/delete", s.handleDeleteEvent).Methods(http.MethodPost)
}

// viewerZone is the signed-in viewer's time zone, empty for a visitor.
func viewerZone(r *http.Request) string {
	if ws := sessionFrom(r.Context()); ws != nil {
		return ws.account.Timezone
	}
	return ""
}

// handleNewEventForm serves /c/{slug}/events/new, its zone set to the organiser's own.
func (s *Server) handleNewEventForm(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	c, err := s.svc.FindCommunity(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.svc.CheckMayCreateEvent(r.Context(), c); err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.newEventPage(r, c, frontend.EventForm{Timezone: viewerZone(r), JoinMode: string(convene.JoinFree)})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, page)
}

// handleCreateEvent announces the event the form describes, with its cross-posts.
func (s *Server) handleCreateEvent(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.FindCommunity(r.Context(), mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	form := eventFormFrom(r)
	in, err := eventInput(form)
	if err == nil {
		in.Community, in.CrossPost = c.Slug, crossPostRefs(r)
		var e *convene.Event
		if e, err = s.svc.CreateEvent(r.Context(), in); err == nil {
			http.Redirect(w, r, "/e/"+e.ID, http.StatusSeeOther)
			return
		}
	}
	page, perr := s.newEventPage(r, c, form)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	s.renderFormError(w, r, err, page)
}

func (s *Server) newEventPage(r *http.Request, c *convene.Community, form frontend.EventForm) (*frontend.EventFormPage, error) {
	page := &frontend.EventFormPage{Layout: s.layoutTitled("New event in " + c.Name), Action: "/c/" + c.Slug + "/events/new",
		Community: c.Name, CommunityURL: "/c/" + c.Slug, Form: form}
	var err error
	page.CrossPost, err = s.crossPostOptions(r, c.Slug, nil)
	return page, err
}

// crossPostOptions is the picker: every choice the service offers, ticked as the form was
// sent, and those in shared ticked for good.
func (s *Server) crossPostOptions(r *http.Request, slug string, shared map[string]bool) ([]frontend.CrossPostOption, error) {
	choices, err := s.svc.CrossPostChoices(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	ticked := map[string]bool{}
	for _, iri := range r.PostForm["crosspost"] {
		ticked[iri] = true
	}
	opts := make([]frontend.CrossPostOption, 0, len(choices))
	for _, ch := range choices {
		opts = append(opts, frontend.CrossPostOption{IRI: ch.IRI, Name: ch.Name, Handle: ch.Handle, Local: ch.Local,
			NeedsApproval: ch.NeedsApproval, Checked: ticked[ch.IRI], Shared: shared[ch.IRI]})
	}
	return opts, nil
}

// crossPostRefs is where the form asks to share the event: the ticked boxes and the
// handles typed.
func crossPostRefs(r *http.Request) []string {
	refs := append([]string(nil), r.PostForm["crosspost"]...)
	return append(refs, strings.FieldsFunc(r.PostFormValue("crosspost_other"), func(c rune) bool {
		return c == ' ' || c == ',' || c == '\n' || c == '\r' || c == '\t'
	})...)
}

// handleEditEventForm serves /e/{id}/edit, filled in with the event's times in its own zone.
func (s *Server) handleEditEventForm(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	e, c, err := s.manageableEvent(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.editEventPage(r, e, c, eventFormOf(service.EventInputOf(e)))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, page)
}

// handleEditEvent saves the edit form, then shares the event with any newly ticked communities.
func (s *Server) handleEditEvent(w http.ResponseWriter, r *http.Request) {
	e, c, err := s.manageableEvent(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	form := eventFormFrom(r)
	in, err := eventInput(form)
	if err == nil {
		// Two use-cases: the edit, then the new cross-posts, which announce the edited event.
		if _, err = s.svc.EditEvent(r.Context(), e.ID, in); err == nil {
			if refs := crossPostRefs(r); len(refs) > 0 {
				_, err = s.svc.CrossPostEvent(r.Context(), e.ID, refs)
			}
		}
	}
	if err == nil {
		http.Redirect(w, r, "/e/"+e.ID, http.StatusSeeOther)
		return
	}
	page, perr := s.editEventPage(r, e, c, form)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	s.renderFormError(w, r, err, page)
}

func (s *Server) editEventPage(r *http.Request, e *convene.Event, c *convene.Community, form frontend.EventForm) (*frontend.EventFormPage, error) {
	shares, err := s.svc.EventShares(r.Context(), e)
	if err != nil {
		return nil, err
	}
	shared := map[string]bool{}
	for _, sh := range shares {
		shared[sh.CommunityIRI] = true
	}
	page := &frontend.EventFormPage{Layout: s.layoutTitled("Edit " + e.Title), Action: "/e/" + e.ID + "/edit",
		Community: c.Name, CommunityURL: "/c/" + c.Slug, EventURL: "/e/" + e.ID, Form: form}
	page.CrossPost, err = s.crossPostOptions(r, c.Slug, shared)
	return page, err
}

// manageableEvent loads the event of the request and its community, if the viewer may
// change it (the service's rule: ENOTFOUND or EFORBIDDEN otherwise).
func (s *Server) manageableEvent(r *http.Request) (*convene.Event, *convene.Community, error) {
	ctx := r.Context()
	e, err := s.svc.FindEvent(ctx, mux.Vars(r)["id"])
	if err != nil {
		return nil, nil, err
	}
	if may, err := s.svc.CanManageEvent(ctx, e); err != nil || !may {
		return nil, nil, firstError(err, convene.Errorf(convene.EFORBIDDEN, "only the organiser or a moderator may change this event"))
	}
	_, slug, _ := s.iris.LocalActor(e.CommunityIRI)
	c, err := s.svc.FindCommunity(ctx, slug)
	return e, c, err
}

// confirmations are what the cancel and delete pages ask and say.
var confirmations = map[string]struct{ question, consequence, button string }{
	"cancel": {"Cancel this event?", "It stays listed, marked cancelled, and everyone who said they are coming is told.", "Cancel the event"},
	"delete": {"Delete this event?", "It disappears from calendars and pages here and elsewhere, and attendees are told. This cannot be undone.", "Delete the event"},
}

// handleConfirmEvent serves /e/{id}/cancel and /e/{id}/delete: a page whose button does it.
func (s *Server) handleConfirmEvent(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	e, _, err := s.manageableEvent(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	action := mux.Vars(r)["action"]
	c := confirmations[action]
	s.renderPage(w, r, &frontend.EventConfirmPage{Layout: s.layoutTitled(c.question), Event: eventView(e),
		Action: "/e/" + e.ID + "/" + action, Question: c.question, Consequence: c.consequence, Button: c.button})
}

// handleCancelEvent marks the event cancelled.
func (s *Server) handleCancelEvent(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	_, err := s.svc.CancelEvent(r.Context(), id)
	s.redirectOr(w, r, err, "/e/"+id)
}

// handleDeleteEvent deletes the event and returns to its community.
func (s *Server) handleDeleteEvent(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	e, err := s.svc.FindEvent(r.Context(), id)
	if err == nil {
		err = s.svc.DeleteEvent(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	back := "/"
	if _, slug, ok := s.iris.LocalActor(e.CommunityIRI); ok {
		back = "/c/" + slug
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// eventFormFrom reads the event form as sent.
func eventFormFrom(r *http.Request) frontend.EventForm {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	return frontend.EventForm{Title: v("title"), Description: r.PostFormValue("description"),
		StartDate: v("start_date"), StartTime: v("start_time"), EndDate: v("end_date"), EndTime: v("end_time"),
		Timezone: v("timezone"), PlaceName: v("place_name"), Street: v("street"), PostalCode: v("postal_code"),
		Locality: v("locality"), Region: v("region"), Country: v("country"), Latitude: v("latitude"),
		Longitude: v("longitude"), OnlineURL: v("online_url"), Capacity: v("capacity"), JoinMode: v("join_mode"),
		ExternalURL: v("external_url"), Category: v("category"), Status: v("status"), CrossPostOther: v("crosspost_other")}
}

// eventInput turns the form's text into the service's input. Only the decoding of numbers
// can fail here; everything else the service checks.
func eventInput(f frontend.EventForm) (service.EventInput, error) {
	in := service.EventInput{Title: f.Title, Description: f.Description, Timezone: f.Timezone,
		Start: wallClock(f.StartDate, f.StartTime), End: wallClock(endDate(f.EndDate, f.StartDate, f.EndTime), f.EndTime),
		Place: convene.Place{Name: f.PlaceName, Street: f.Street, PostalCode: f.PostalCode, Locality: f.Locality,
			Region: f.Region, Country: f.Country},
		OnlineURL: f.OnlineURL, JoinMode: convene.JoinMode(f.JoinMode), ExternalURL: f.ExternalURL,
		Category: f.Category, Status: convene.EventStatus(f.Status)}
	var err error
	if f.Capacity != "" {
		if in.Capacity, err = strconv.Atoi(f.Capacity); err != nil {
			return in, convene.Errorf(convene.EINVALID, "places %q must be a whole number, or empty for no limit", f.Capacity)
		}
	}
	if in.Place.Latitude, err = coordinate("latitude", f.Latitude); err != nil {
		return in, err
	}
	in.Place.Longitude, err = coordinate("longitude", f.Longitude)
	return in, err
}

// endDate is the end's date: as given, or the start's when only an end time is.
func endDate(endDate, startDate, endTime string) string {
	if endDate == "" && endTime != "" {
		return startDate
	}
	return endDate
}

// wallClock joins a date field and a time field into the service's "2006-01-02T15:04".
// Both empty is no time at all; one alone is passed on for the service to refuse.
func wallClock(date, clock string) string {
	if date == "" && clock == "" {
		return ""
	}
	return date + "T" + clock
}

func coordinate(name, v string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
	if err != nil {
		return nil, convene.Errorf(convene.EINVALID, "%s %q must be a number such as 51.2362", name, v)
	}
	return &f, nil
}

// eventFormOf fills the form from an event's input, times split for the date and time fields.
func eventFormOf(in service.EventInput) frontend.EventForm {
	f := frontend.EventForm{Title: in.Title, Description: in.Description, Timezone: in.Timezone,
		PlaceName: in.Place.Name, Street: in.Place.Street, PostalCode: in.Place.PostalCode, Locality: in.Place.Locality,
		Region: in.Place.Region, Country: in.Place.Country, OnlineURL: in.OnlineURL, JoinMode: string(in.JoinMode),
		ExternalURL: in.ExternalURL, Category: in.Category, Status: string(in.Status)}
	f.StartDate, f.StartTime, _ = strings.Cut(in.Start, "T")
	f.EndDate, f.EndTime, _ = strings.Cut(in.End, "T")
	if in.Capacity > 0 {
		f.Capacity = strconv.Itoa(in.Capacity)
	}
	if in.Place.Latitude != nil && in.Place.Longitude != nil {
		f.Latitude = strconv.FormatFloat(*in.Place.Latitude, 'f', -1, 64)
		f.Longitude = strconv.FormatFloat(*in.Place.Longitude, 'f', -1, 64)
	}
	return f
}

// addEventPeople gives the event page its times for the viewer, its organiser's and
// community's names, and whether the viewer may manage it.
func (s *Server) addEventPeople(r *http.Request, e *convene.Event, page *frontend.EventPage) error {
	ctx := r.Context()
	page.Times = frontend.NewEventTimes(e, viewerZone(r))
	page.OrganizerName = s.svc.ActorName(ctx, e.OrganizerIRI).Name
	if e.CommunityIRI != "" {
		page.CommunityName = s.svc.ActorName(ctx, e.CommunityIRI).Name
	}
	var err error
	page.CanManage, err = s.svc.CanManageEvent(ctx, e)
	return err
}
