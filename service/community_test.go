package service_test

import (
	"context"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestCreateCommunity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		alice := mustCreate(t, s, "alice", convene.RoleMember)
		c, err := s.CreateCommunity(operator, service.CommunityCreate{
			Slug: "Surrey", Name: " Surrey conveners ", Summary: "We *meet*.", Region: "Surrey", Owner: "alice",
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.Slug != "surrey" || c.Name != "Surrey conveners" || c.OwnerID != alice.ID || c.FollowPolicy != convene.FollowOpen {
			t.Errorf("community = %+v", c)
		}
		if c.PublicKeyPEM == "" {
			t.Error("community has no public key")
		}
		mods, err := s.FindModerators(operator, "surrey")
		if err != nil || len(mods) != 1 || mods[0].ID != alice.ID {
			t.Errorf("moderators = %v, %v; want the owner", mods, err)
		}
		_, err = s.CreateCommunity(operator, service.CommunityCreate{Slug: "surrey", Name: "Again", Owner: "alice"})
		wantCode(t, err, convene.ECONFLICT)
		_, err = s.CreateCommunity(operator, service.CommunityCreate{Slug: "alice", Name: "Clash", Owner: "alice"})
		wantCode(t, err, convene.ECONFLICT)
	})
}

func TestCreateCommunityRejectsInvalidInput(t *testing.T) {
	s := newService(t, dbtest.OpenSQLite(t), convene.RegistrationApproval)
	mustCreate(t, s, "alice", convene.RoleAdmin)
	for name, in := range map[string]service.CommunityCreate{
		"bad slug":       {Slug: "surrey conveners", Name: "S"},
		"no name":        {Slug: "surrey", Name: "  "},
		"bad policy":     {Slug: "surrey", Name: "S", FollowPolicy: "invite"},
		"long region":    {Slug: "surrey", Name: "S", Region: string(make([]byte, 101))},
		"unknown owner":  {Slug: "surrey", Name: "S", Owner: "zed"},
		"invalid region": {Slug: "surrey", Name: "S", Region: "a\x00b"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.CreateCommunity(operator, in)
			if code := convene.ErrorCode(err); code != convene.EINVALID && code != convene.ENOTFOUND {
				t.Errorf("error = %v, want invalid or not found", err)
			}
		})
	}
	if list, _ := s.FindCommunities(operator, convene.CommunityFilter{}); len(list) != 0 {
		t.Errorf("%d communities created by invalid input", len(list))
	}
}

func TestCommunityOwnerDefaultsToTheSoleAdmin(t *testing.T) {
	s := newService(t, dbtest.OpenSQLite(t), convene.RegistrationApproval)
	in := service.CommunityCreate{Slug: "surrey", Name: "Surrey"}
	_, err := s.CreateCommunity(operator, in)
	wantCode(t, err, convene.EINVALID) // no admin at all

	admin := mustCreate(t, s, "root", convene.RoleAdmin)
	c, err := s.CreateCommunity(operator, in)
	if err != nil || c.OwnerID != admin.ID {
		t.Fatalf("CreateCommunity = %v, %v; want owned by the sole admin", c, err)
	}
	mustCreate(t, s, "root2", convene.RoleAdmin)
	_, err = s.CreateCommunity(operator, service.CommunityCreate{Slug: "kent", Name: "Kent"})
	wantCode(t, err, convene.EINVALID) // two admins: ambiguous
}

func TestWhoMayCreateCommunities(t *testing.T) {
	s := newService(t, dbtest.OpenSQLite(t), convene.RegistrationApproval)
	alice := mustCreate(t, s, "alice", convene.RoleMember)
	mustCreate(t, s, "bob", convene.RoleMember)
	pending, err := s.SignUp(context.Background(), service.AccountCreate{Username: "pat", Email: "pat@example.org", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}

	_, err = s.CreateCommunity(context.Background(), service.CommunityCreate{Slug: "a", Name: "A"})
	wantCode(t, err, convene.EUNAUTHORIZED)
	_, err = s.CreateCommunity(as(pending), service.CommunityCreate{Slug: "b", Name: "B"})
	wantCode(t, err, convene.EFORBIDDEN)
	_, err = s.CreateCommunity(as(alice), service.CommunityCreate{Slug: "c", Name: "C", Owner: "bob"})
	wantCode(t, err, convene.EFORBIDDEN)
	c, err := s.CreateCommunity(as(alice), service.CommunityCreate{Slug: "d", Name: "D"})
	if err != nil || c.OwnerID != alice.ID {
		t.Errorf("member creating own community = %v, %v", c, err)
	}
}

func TestModeratorChangesNeedTheOwner(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, convene.RegistrationApproval)
		alice := mustCreate(t, s, "alice", convene.RoleMember)
		bob := mustCreate(t, s, "bob", convene.RoleMember)
		carol := mustCreate(t, s, "carol", convene.RoleMember)
		c, err := s.CreateCommunity(as(alice), service.CommunityCreate{Slug: "surrey", Name: "Surrey"})
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.CanModerate(as(bob), c); ok {
			t.Error("bob can moderate before being added")
		}
		wantCode(t, s.AddModerator(as(bob), "surrey", "bob"), convene.EFORBIDDEN)
		if err := s.AddModerator(as(alice), "surrey", "bob"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.CanModerate(as(bob), c); !ok {
			t.Error("bob cannot moderate after being added")
		}
		wantCode(t, s.AddModerator(as(bob), "surrey", "carol"), convene.EFORBIDDEN) // moderators are not owners
		wantCode(t, s.RemoveModerator(as(alice), "surrey", "alice"), convene.EINVALID)
		wantCode(t, s.RemoveModerator(as(alice), "surrey", carol.Username), convene.ENOTFOUND)
		if err := s.RemoveModerator(operator, "surrey", "bob"); err != nil {
			t.Fatal(err)
		}
	})
}
