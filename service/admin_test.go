package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func signUp(t *testing.T, s *service.Service, name string) *convene.Account {
	t.Helper()
	a, err := s.SignUp(operator, service.AccountCreate{Username: name, Email: name + "@example.org",
		Password: "correct horse battery", Timezone: "Europe/Rome"})
	if err != nil {
		t.Fatalf("sign up %s: %v", name, err)
	}
	return a
}

func TestPendingAccountsListsSignUpsPagedForStaffOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		admin := mustCreate(t, s, "ada", convene.RoleAdmin)
		mod := mustCreate(t, s, "mo", convene.RoleModerator)
		member := mustCreate(t, s, "mel", convene.RoleMember)
		for _, name := range []string{"ben", "cat", "dan"} {
			signUp(t, s, name)
		}
		_, err := s.PendingAccounts(as(member), "", 0)
		wantCode(t, err, convene.EFORBIDDEN)
		first, err := s.PendingAccounts(as(admin), "", 2)
		if err != nil {
			t.Fatal(err)
		}
		rest, err := s.PendingAccounts(as(mod), first[len(first)-1].ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		// The test clock stands still, so the three ids share a timestamp and their order is
		// the ids' random part: the pages must still cover each sign-up exactly once.
		var names []string
		for _, a := range append(first, rest...) {
			names = append(names, a.Username)
		}
		slices.Sort(names)
		if got := strings.Join(names, " "); len(first) != 2 || got != "ben cat dan" {
			t.Errorf("pending accounts in two pages = %q (first page %d), want each of the three sign-ups once", got, len(first))
		}
	})
}

func TestRejectAccountFreesTheNameAndSparesApprovedAccounts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		admin := mustCreate(t, s, "ada", convene.RoleAdmin)
		member := mustCreate(t, s, "mel", convene.RoleMember)
		signUp(t, s, "ben")
		wantCode(t, s.RejectAccount(as(member), "ben"), convene.EFORBIDDEN)
		wantCode(t, s.RejectAccount(as(admin), "mel"), convene.ECONFLICT)
		wantCode(t, s.RejectAccount(as(admin), "nobody"), convene.ENOTFOUND)
		if err := s.RejectAccount(as(admin), "BEN"); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindAccount(operator, "ben")
		wantCode(t, err, convene.ENOTFOUND)
		if _, err := s.FindAccount(operator, "mel"); err != nil {
			t.Errorf("rejecting touched an approved account: %v", err)
		}
		signUp(t, s, "ben") // the same name and email again
	})
}

func TestAdminOverviewCountsForAdminsOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		admin := mustCreate(t, s, "ada", convene.RoleAdmin)
		mod := mustCreate(t, s, "mo", convene.RoleModerator)
		signUp(t, s, "ben")
		if _, err := s.BlockDomain(as(admin), "spam.example"); err != nil {
			t.Fatal(err)
		}
		_, err := s.AdminOverview(as(mod))
		wantCode(t, err, convene.EFORBIDDEN)
		got, err := s.AdminOverview(as(admin))
		want := service.AdminOverview{PendingSignups: 1, DomainBlocks: 1, Accounts: 2}
		if err != nil || got != want {
			t.Errorf("overview = %+v, %v; want %+v", got, err, want)
		}
	})
}

func TestInstanceSettingsOverrideTheConfiguredRegistration(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationOpen)
		admin := mustCreate(t, s, "ada", convene.RoleAdmin)
		member := mustCreate(t, s, "mel", convene.RoleMember)
		if set, err := s.InstanceSettings(operator); err != nil || set.Registration != convene.RegistrationOpen || set.Name != "" {
			t.Fatalf("settings before any save = %+v, %v; want the configured open mode", set, err)
		}
		closed := service.SettingsUpdate{Name: " Surrey conveners ", Description: "We *meet*.", Registration: convene.RegistrationClosed}
		_, err := s.UpdateInstanceSettings(as(member), closed)
		wantCode(t, err, convene.EFORBIDDEN)
		_, _, err = s.EditInstanceSettings(as(member))
		wantCode(t, err, convene.EFORBIDDEN)
		if _, err := s.UpdateInstanceSettings(as(admin), closed); err != nil {
			t.Fatal(err)
		}
		if s.Registration() != convene.RegistrationClosed || s.OpenRegistrations() {
			t.Errorf("registration after closing = %q", s.Registration())
		}
		_, err = s.SignUp(operator, service.AccountCreate{Username: "ben", Email: "ben@example.org", Password: "correct horse battery"})
		wantCode(t, err, convene.EFORBIDDEN)

		// Another process on the same database (a fresh Service) sees what was saved.
		other := newService(t, d, convene.RegistrationOpen)
		set, err := other.InstanceSettings(operator)
		if err != nil || set.Name != "Surrey conveners" || set.Description != "We *meet*." || set.Registration != convene.RegistrationClosed {
			t.Errorf("settings seen by another service = %+v, %v", set, err)
		}
		stored, def, err := other.EditInstanceSettings(as(admin))
		if err != nil || stored.Registration != convene.RegistrationClosed || def != convene.RegistrationOpen {
			t.Errorf("edit form = %+v, default %q, %v", stored, def, err)
		}

		// Approval makes sign-ups pending; an empty mode goes back to the configured one.
		if _, err := s.UpdateInstanceSettings(as(admin), service.SettingsUpdate{Registration: convene.RegistrationApproval}); err != nil {
			t.Fatal(err)
		}
		if a := signUp(t, s, "ben"); a.State != convene.AccountPending {
			t.Errorf("sign-up under approval is %q", a.State)
		}
		if _, err := s.UpdateInstanceSettings(as(admin), service.SettingsUpdate{}); err != nil {
			t.Fatal(err)
		}
		if a := signUp(t, s, "cat"); a.State != convene.AccountApproved {
			t.Errorf("sign-up under the configured open mode is %q", a.State)
		}
	})
}

func TestUpdateInstanceSettingsRejectsBadInputAndKeepsTheOld(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	s := newService(t, d, convene.RegistrationApproval)
	admin := mustCreate(t, s, "ada", convene.RoleAdmin)
	if _, err := s.UpdateInstanceSettings(as(admin), service.SettingsUpdate{Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []service.SettingsUpdate{
		{Name: strings.Repeat("n", 101)},
		{Description: strings.Repeat("d", 2001)},
		{Registration: "sometimes"},
	} {
		_, err := s.UpdateInstanceSettings(as(admin), in)
		wantCode(t, err, convene.EINVALID)
	}
	if set, _ := s.InstanceSettings(operator); set.Name != "Surrey" || set.Registration != convene.RegistrationApproval {
		t.Errorf("settings after bad input = %+v", set)
	}
}
