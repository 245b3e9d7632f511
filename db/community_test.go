package db_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func TestCommunityRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		owner := mustCreateAccount(t, d, "alice")
		c := newCommunity("surrey", owner.ID)
		c.Summary, c.Region, c.FollowPolicy = "We *convene*.", "Surrey", convene.FollowApproval
		if err := d.CreateCommunity(ctx, c, testKeys("surrey")); err != nil {
			t.Fatal(err)
		}
		got, err := d.FindCommunityBySlug(ctx, "surrey")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("FindCommunityBySlug = %+v\nwant %+v", got, c)
		}
		if _, err := d.FindCommunityByID(ctx, c.ID); err != nil {
			t.Error(err)
		}
		_, err = d.FindCommunityBySlug(ctx, "alice") // an account's name is not a community
		wantCode(t, err, convene.ENOTFOUND)
	})
}

func TestCommunityRequiresExistingOwner(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.CreateCommunity(ctx, newCommunity("surrey", convene.NewID()), testKeys("x"))
		wantCode(t, err, convene.EINVALID)
		if n, _ := d.CountCommunities(ctx, convene.CommunityFilter{}); n != 0 {
			t.Errorf("communities = %d after failed create", n)
		}
	})
}

func TestModerators(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice := mustCreateAccount(t, d, "alice")
		bob := mustCreateAccount(t, d, "bob")
		c := newCommunity("surrey", alice.ID)
		if err := d.CreateCommunity(ctx, c, testKeys("surrey")); err != nil {
			t.Fatal(err)
		}
		if ok, _ := d.IsModerator(ctx, c.ID, alice.ID); !ok {
			t.Error("owner is not a moderator")
		}
		if ok, _ := d.IsModerator(ctx, c.ID, bob.ID); ok {
			t.Error("bob is a moderator before being added")
		}
		for range 2 { // idempotent
			if err := d.AddModerator(ctx, c.ID, bob.ID); err != nil {
				t.Fatal(err)
			}
		}
		mods, err := d.FindModerators(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := usernames(mods); !reflect.DeepEqual(got, []string{"alice", "bob"}) && !reflect.DeepEqual(got, []string{"bob", "alice"}) {
			t.Errorf("moderators = %v", got)
		}
		moderated, _ := d.FindCommunities(ctx, convene.CommunityFilter{ModeratorID: bob.ID})
		if len(moderated) != 1 || moderated[0].ID != c.ID {
			t.Errorf("communities moderated by bob = %v", moderated)
		}
		if err := d.RemoveModerator(ctx, c.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, d.RemoveModerator(ctx, c.ID, bob.ID), convene.ENOTFOUND)
		wantCode(t, d.AddModerator(ctx, c.ID, convene.NewID()), convene.EINVALID)
	})
}

func TestUpdateCommunity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice := mustCreateAccount(t, d, "alice")
		c := newCommunity("surrey", alice.ID)
		if err := d.CreateCommunity(ctx, c, testKeys("surrey")); err != nil {
			t.Fatal(err)
		}
		c.Name, c.FollowPolicy, c.UpdatedAt = "Surrey conveners", convene.FollowApproval, at.Add(1e9)
		if err := d.UpdateCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, _ := d.FindCommunityByID(ctx, c.ID)
		if !reflect.DeepEqual(got, c) {
			t.Errorf("after update = %+v\nwant %+v", got, c)
		}
	})
}
