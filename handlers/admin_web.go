package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// signupsPerPage is how many pending sign-ups /admin/signups shows at once.
const signupsPerPage = 50

// adminRoutes mounts the administration pages. Who may use them is the service's decision
// (everyone but admins gets 403); visitors are first sent to sign in.
func (s *Server) adminRoutes(r, forms *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/admin", signInFirst(adminSection, s.handleAdmin)).Methods(get...)
	r.HandleFunc("/admin/signups", signInFirst(adminSection, s.handleAdminSignups)).Methods(get...)
	forms.HandleFunc("/admin/signups/{username}/approve", signInFirst(adminSection, s.handleApproveSignup)).Methods(http.MethodPost)
	forms.HandleFunc("/admin/signups/{username}/reject", signInFirst(adminSection, s.handleRejectSignup)).Methods(http.MethodPost)
	r.HandleFunc("/admin/domains", signInFirst(adminSection, s.handleAdminDomains)).Methods(get...)
	forms.HandleFunc("/admin/domains", signInFirst(adminSection, s.handleBlockDomain)).Methods(http.MethodPost)
	forms.HandleFunc("/admin/domains/unblock", signInFirst(adminSection, s.handleUnblockDomain)).Methods(http.MethodPost)
	r.HandleFunc("/admin/settings", signInFirst(adminSection, s.handleAdminSettings)).Methods(get...)
	forms.HandleFunc("/admin/settings", signInFirst(adminSection, s.handleSaveSettings)).Methods(http.MethodPost)
}

// adminSection is the page an admin form belongs to: /admin/signups for
// /admin/signups/ben/approve.
func adminSection(r *http.Request) string {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 3)
	return "/" + strings.Join(parts[:min(len(parts), 2)], "/")
}

// adminFormError shows a form again over bad input; anything else (a member's 403 above all)
// gets the error page, never the admin form.
func (s *Server) adminFormError(w http.ResponseWriter, r *http.Request, err error, page formPage) {
	if convene.ErrorCode(err) != convene.EINVALID {
		s.Error(w, r, err)
		return
	}
	s.renderFormError(w, r, err, page)
}

// handleAdmin is the overview: each section with its count.
func (s *Server) handleAdmin(w http.ResponseWriter, r *http.Request) {
	o, err := s.svc.AdminOverview(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, &frontend.AdminPage{Layout: s.layoutTitled("Administration"), PendingSignups: o.PendingSignups,
		DomainBlocks: o.DomainBlocks, Accounts: o.Accounts, Registration: s.svc.Registration()})
}

// handleAdminSignups lists the sign-ups waiting for approval, a page at a time.
func (s *Server) handleAdminSignups(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	accounts, err := s.svc.PendingAccounts(r.Context(), q.Get("before"), signupsPerPage)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &frontend.AdminSignupsPage{Layout: s.layoutTitled("Sign-ups"), Accounts: accounts, Registration: s.svc.Registration()}
	if len(accounts) == signupsPerPage {
		page.Older = "/admin/signups?before=" + url.QueryEscape(accounts[len(accounts)-1].ID)
	}
	// The notice names only a well-formed username, so a crafted link cannot make the page
	// say something else.
	if name := q.Get("approved"); convene.ValidateName("username", name) == nil {
		page.Notice = "@" + name + " is approved and may sign in now."
	} else if name := q.Get("rejected"); convene.ValidateName("username", name) == nil {
		page.Notice = "The sign-up of @" + name + " is rejected and deleted; the name is free again."
	}
	s.renderPage(w, r, page)
}

// handleApproveSignup lets a pending account sign in.
func (s *Server) handleApproveSignup(w http.ResponseWriter, r *http.Request) {
	a, err := s.svc.ApproveAccount(r.Context(), mux.Vars(r)["username"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/signups?approved="+url.QueryEscape(a.Username), http.StatusSeeOther)
}

// handleRejectSignup deletes a pending account.
func (s *Server) handleRejectSignup(w http.ResponseWriter, r *http.Request) {
	name := convene.NormalizeName(mux.Vars(r)["username"])
	if err := s.svc.RejectAccount(r.Context(), name); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/signups?rejected="+url.QueryEscape(name), http.StatusSeeOther)
}

// handleAdminDomains lists the blocked domains, with what the last block or unblock did.
func (s *Server) handleAdminDomains(w http.ResponseWriter, r *http.Request) {
	s.renderDomains(w, r, http.StatusOK, &frontend.AdminDomainsPage{}, r.URL.Query())
}

// renderDomains fills the domain blocks page with the list and renders it with status. The
// notice of a block or unblock is shown only if the list agrees with it.
func (s *Server) renderDomains(w http.ResponseWriter, r *http.Request, status int, page *frontend.AdminDomainsPage, q url.Values) {
	hosts, err := s.svc.DomainBlocks(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page.Layout, page.Hosts = s.layoutTitled("Domain blocks"), hosts
	if h := q.Get("blocked"); looksLikeHost(h) && slices.Contains(hosts, h) {
		removed, _ := strconv.Atoi(q.Get("removed"))
		page.Notice = h + " is blocked; " + plural(removed, "follow was", "follows were") + " removed."
	} else if h := q.Get("unblocked"); looksLikeHost(h) && !slices.Contains(hosts, h) {
		page.Notice = h + " is no longer blocked."
	}
	s.renderStatus(w, r, status, page)
}

// handleBlockDomain blocks a domain from the page's form.
func (s *Server) handleBlockDomain(w http.ResponseWriter, r *http.Request) {
	host := strings.TrimSpace(r.PostFormValue("host"))
	removed, err := s.svc.BlockDomain(r.Context(), host)
	if convene.ErrorCode(err) == convene.EINVALID {
		s.renderDomains(w, r, http.StatusUnprocessableEntity, &frontend.AdminDomainsPage{Host: host, FormError: frontend.FormError{Error: convene.ErrorMessage(err)}}, nil)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".") // as the service stored it
	http.Redirect(w, r, "/admin/domains?blocked="+url.QueryEscape(host)+"&removed="+strconv.Itoa(removed), http.StatusSeeOther)
}

// handleUnblockDomain lifts a block from the list's button.
func (s *Server) handleUnblockDomain(w http.ResponseWriter, r *http.Request) {
	host := strings.TrimSpace(r.PostFormValue("host"))
	if err := s.svc.UnblockDomain(r.Context(), host); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/domains?unblocked="+url.QueryEscape(host), http.StatusSeeOther)
}

// handleAdminSettings shows the instance settings form.
func (s *Server) handleAdminSettings(w http.ResponseWriter, r *http.Request) {
	set, def, err := s.svc.EditInstanceSettings(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, &frontend.AdminSettingsPage{Layout: s.layoutTitled("Instance settings"), Name: set.Name,
		Description: set.Description, Registration: set.Registration, Default: def, Saved: r.URL.Query().Has("saved")})
}

// handleSaveSettings saves the instance settings form.
func (s *Server) handleSaveSettings(w http.ResponseWriter, r *http.Request) {
	in := service.SettingsUpdate{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Registration: convene.RegistrationMode(r.PostFormValue("registration"))}
	if _, err := s.svc.UpdateInstanceSettings(r.Context(), in); err != nil {
		_, def, _ := s.svc.EditInstanceSettings(r.Context())
		s.adminFormError(w, r, err, &frontend.AdminSettingsPage{Layout: s.layoutTitled("Instance settings"),
			Name: in.Name, Description: in.Description, Registration: in.Registration, Default: def})
		return
	}
	http.Redirect(w, r, "/admin/settings?saved", http.StatusSeeOther)
}

// looksLikeHost: only what a domain name is made of, for a notice taken from a link.
func looksLikeHost(h string) bool {
	return h != "" && len(h) <= 253 && strings.Trim(h, "abcdefghijklmnopqrstuvwxyz0123456789.-") == ""
}

// plural is "1 follow was" or "3 follows were".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
