package service_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestCreateAccountRejectsInvalidInput(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	s := newService(t, d, convene.RegistrationApproval)
	valid := service.AccountCreate{Username: "alice", Email: "alice@example.org", Password: "correct horse battery"}
	tests := []struct {
		name   string
		change func(*service.AccountCreate)
		want   string // part of the message
	}{
		{"empty username", func(in *service.AccountCreate) { in.Username = "" }, "username is required"},
		{"space in username", func(in *service.AccountCreate) { in.Username = "al ice" }, "may contain only"},
		{"leading dash", func(in *service.AccountCreate) { in.Username = "-alice" }, "may contain only"},
		{"trailing dot", func(in *service.AccountCreate) { in.Username = "alice." }, "may contain only"},
		{"unicode", func(in *service.AccountCreate) { in.Username = "alïce" }, "may contain only"},
		{"31 characters", func(in *service.AccountCreate) { in.Username = strings.Repeat("a", 31) }, "longer than 30"},
		{"no email", func(in *service.AccountCreate) { in.Email = "" }, "email is required"},
		{"email with name", func(in *service.AccountCreate) { in.Email = "Alice <alice@example.org>" }, "not a valid address"},
		{"email without domain", func(in *service.AccountCreate) { in.Email = "alice" }, "not a valid address"},
		{"short password", func(in *service.AccountCreate) { in.Password = "short" }, "at least 8"},
		{"password is username", func(in *service.AccountCreate) { in.Password = "alice12345" }, "must not contain your username"},
		{"huge password", func(in *service.AccountCreate) { in.Password = strings.Repeat("x", 257) }, "at most 256"},
		{"unknown timezone", func(in *service.AccountCreate) { in.Timezone = "Mars/Olympus" }, "not an IANA name"},
		{"unknown role", func(in *service.AccountCreate) { in.Role = "owner" }, "must be admin, moderator or member"},
		{"long display name", func(in *service.AccountCreate) { in.DisplayName = strings.Repeat("é", 101) }, "limit is 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid
			tt.change(&in)
			_, err := s.CreateAccount(operator, in)
			wantCode(t, err, convene.EINVALID)
			if !strings.Contains(convene.ErrorMessage(err), tt.want) {
				t.Errorf("message %q does not contain %q", convene.ErrorMessage(err), tt.want)
			}
		})
	}
	if n, _ := s.CountAccounts(operator, convene.AccountFilter{}); n != 0 {
		t.Errorf("%d accounts created by invalid input", n)
	}
}

func TestUsernamesAreUniqueCaseInsensitively(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		a, err := s.CreateAccount(operator, service.AccountCreate{Username: " Alice ", Email: "a@Example.ORG", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Username != "alice" || a.Email != "a@example.org" || a.Timezone != "UTC" {
			t.Errorf("normalized = %q %q %q", a.Username, a.Email, a.Timezone)
		}
		_, err = s.CreateAccount(operator, service.AccountCreate{Username: "ALICE", Email: "b@example.org", Password: "correct horse battery"})
		wantCode(t, err, convene.ECONFLICT)
	})
}

func TestCreateAccountNeedsAnAdmin(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	s := newService(t, d, convene.RegistrationOpen)
	member := mustCreate(t, s, "member", convene.RoleMember)
	admin := mustCreate(t, s, "admin", convene.RoleAdmin)
	in := service.AccountCreate{Username: "new", Email: "new@example.org", Password: "correct horse battery"}
	_, err := s.CreateAccount(context.Background(), in)
	wantCode(t, err, convene.EFORBIDDEN)
	_, err = s.CreateAccount(as(member), in)
	wantCode(t, err, convene.EFORBIDDEN)
	if _, err := s.CreateAccount(as(admin), in); err != nil {
		t.Errorf("admin: %v", err)
	}
}

func TestSignUpFollowsRegistrationMode(t *testing.T) {
	for mode, want := range map[convene.RegistrationMode]convene.AccountState{
		convene.RegistrationOpen:     convene.AccountApproved,
		convene.RegistrationApproval: convene.AccountPending,
		convene.RegistrationClosed:   "",
	} {
		t.Run(string(mode), func(t *testing.T) {
			s := newService(t, dbtest.OpenSQLite(t), mode)
			a, err := s.SignUp(context.Background(), service.AccountCreate{
				Username: "bob", Email: "bob@example.org", Password: "correct horse battery", Role: convene.RoleAdmin,
			})
			if want == "" {
				wantCode(t, err, convene.EFORBIDDEN)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.State != want || a.Role != convene.RoleMember {
				t.Errorf("state, role = %s, %s; want %s, member (sign-up cannot choose a role)", a.State, a.Role, want)
			}
		})
	}
}

func TestAuthenticate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		alice := mustCreate(t, s, "alice", convene.RoleMember)
		ctx := context.Background()
		for _, login := range []string{"alice", "ALICE", "alice@example.org", "Alice@Example.org"} {
			a, err := s.Authenticate(ctx, login, "correct horse battery")
			if err != nil || a.ID != alice.ID {
				t.Errorf("Authenticate(%q) = %v, %v", login, a, err)
			}
		}
		_, err := s.Authenticate(ctx, "alice", "wrong horse battery")
		wantCode(t, err, convene.EUNAUTHORIZED)
		_, err = s.Authenticate(ctx, "nobody", "correct horse battery")
		wantCode(t, err, convene.EUNAUTHORIZED)

		if _, err := s.SignUp(ctx, service.AccountCreate{Username: "pat", Email: "pat@example.org", Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, "pat", "correct horse battery")
		wantCode(t, err, convene.EFORBIDDEN)
		if _, err := s.ApproveAccount(as(alice), "pat"); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Errorf("a member approved an account: %v", err)
		}
		if _, err := s.ApproveAccount(operator, "pat"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "pat", "correct horse battery"); err != nil {
			t.Errorf("after approval: %v", err)
		}
	})
}

func TestUpdateProfile(t *testing.T) {
	s := newService(t, dbtest.OpenSQLite(t), convene.RegistrationApproval)
	alice := mustCreate(t, s, "alice", convene.RoleMember)
	bob := mustCreate(t, s, "bob", convene.RoleMember)
	name, tz := "Alice A.", "Europe/London"
	a, err := s.UpdateProfile(as(alice), "alice", service.ProfileUpdate{DisplayName: &name, Timezone: &tz})
	if err != nil {
		t.Fatal(err)
	}
	if a.DisplayName != name || a.Timezone != tz {
		t.Errorf("profile = %q %q", a.DisplayName, a.Timezone)
	}
	_, err = s.UpdateProfile(as(bob), "alice", service.ProfileUpdate{DisplayName: &name})
	wantCode(t, err, convene.EFORBIDDEN)
	bad := "Nowhere/Land"
	_, err = s.UpdateProfile(as(alice), "alice", service.ProfileUpdate{Timezone: &bad})
	wantCode(t, err, convene.EINVALID)
}

// Other servers hear of what they show of a person (name, bio, whether they may be found);
// the time zone is private, and a person not yet approved is not published at all.
func TestProfileChangesGoToOtherServers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		x.outbox(t)
		name, tz, yes := "Olga O.", "Europe/Paris", true
		for _, c := range []struct {
			what   string
			update service.ProfileUpdate
			sent   bool
		}{
			{"a new name", service.ProfileUpdate{DisplayName: &name}, true},
			{"the same name again", service.ProfileUpdate{DisplayName: &name}, false},
			{"a time zone", service.ProfileUpdate{Timezone: &tz}, false},
			{"choosing to be found", service.ProfileUpdate{Discoverable: &yes}, true},
		} {
			a, err := x.svc.UpdateProfile(as(x.olga), "olga", c.update)
			if err != nil {
				t.Fatal(err)
			}
			list := x.outbox(t)
			if !c.sent && len(list) != 0 {
				t.Errorf("%s sent %v", c.what, activitiesBy(list))
			}
			if c.sent && (len(list) != 1 || list[0].Type != "Update" || list[0].Object != "https://convene.test/u/olga" ||
				list[0].Actor != list[0].Object || !slices.Contains(list[0].To, convene.PublicIRI) ||
				!slices.Contains(list[0].Cc, "https://convene.test/u/olga/followers")) {
				t.Errorf("%s sent %v, want one Update of olga to her followers", c.what, activitiesBy(list))
			}
			if c.update.Discoverable != nil && !a.Discoverable {
				t.Errorf("%s: not saved", c.what)
			}
		}
	})
}
