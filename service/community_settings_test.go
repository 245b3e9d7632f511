package service_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

const (
	surreyIRI = "https://convene.test/c/surrey"
	kentIRI   = "https://kent.example/c/kent"
	zedIRI    = "https://kent.example/u/zed"
)

// newSettingsCommunity is a community surrey (owner olga) with a member mia, on a service
// whose handle lookup knows @kent@kent.example (a Group) and @zed@kent.example (a Person),
// both already fetched as the federation resolver leaves them.
func newSettingsCommunity(t *testing.T, d *db.DB) *discussion {
	t.Helper()
	handles := map[string]string{"@kent@kent.example": kentIRI, "@zed@kent.example": zedIRI}
	svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"),
		Now: time.Now, NewKeyPair: sharedKeys,
		ResolveHandle: func(_ context.Context, handle string) (string, error) {
			if iri, ok := handles[handle]; ok {
				return iri, nil
			}
			return "", errors.New("webfinger: 404")
		}})
	x := &discussion{svc: svc, store: d}
	x.olga = mustCreate(t, svc, "olga", convene.RoleMember)
	x.mia = mustCreate(t, svc, "mia", convene.RoleMember)
	x.otto = mustCreate(t, svc, "otto", convene.RoleAdmin)
	if _, err := svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Join(as(x.mia), "surrey"); err != nil {
		t.Fatal(err)
	}
	for iri, typ := range map[string]string{kentIRI: "Group", zedIRI: "Person"} {
		now := time.Now().UTC()
		err := d.UpsertRemoteActor(context.Background(), &convene.RemoteActor{ID: convene.NewID(), IRI: iri, Type: typ,
			Username: "x", Domain: "kent.example", Inbox: iri + "/inbox", FetchedAt: now, CreatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func TestUpdateCommunity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newSettingsCommunity(t, d)
		x.outbox(t) // drain what setting up queued
		upd := service.CommunityUpdate{Name: "Surrey conveners", Summary: "We *meet*.", Region: "South East",
			FollowPolicy: convene.FollowApproval, PostingPolicy: convene.PostingModerators}
		_, err := x.svc.UpdateCommunity(as(x.mia), "surrey", upd)
		wantCode(t, err, convene.EFORBIDDEN)
		_, err = x.svc.UpdateCommunity(context.Background(), "surrey", upd)
		wantCode(t, err, convene.EFORBIDDEN)

		if _, err := x.svc.UpdateCommunity(as(x.olga), "surrey", upd); err != nil {
			t.Fatal(err)
		}
		c, err := x.svc.FindCommunity(context.Background(), "surrey")
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Surrey conveners" || c.Summary != "We *meet*." || c.Region != "South East" ||
			c.FollowPolicy != convene.FollowApproval || c.PostingPolicy != convene.PostingModerators {
			t.Errorf("stored community = %+v", c)
		}
		out := x.outbox(t)
		if len(out) != 1 || out[0].Type != "Update" || out[0].Actor != surreyIRI || out[0].Object != surreyIRI ||
			!slices.Contains(out[0].Cc, surreyIRI+"/followers") {
			t.Errorf("outbox after the change = %+v, want one Update of the Group to its followers", out)
		}

		for name, bad := range map[string]service.CommunityUpdate{
			"no name":        {Name: " "},
			"follow policy":  {Name: "S", FollowPolicy: "invite"},
			"posting policy": {Name: "S", PostingPolicy: "anyone"},
			"long region":    {Name: "S", Region: string(make([]byte, 101))},
		} {
			_, err := x.svc.UpdateCommunity(as(x.olga), "surrey", bad)
			if convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%s: error = %v, want invalid", name, err)
			}
		}
		if c, _ := x.svc.FindCommunity(context.Background(), "surrey"); c.Name != "Surrey conveners" {
			t.Errorf("invalid input changed the community: %+v", c)
		}
		if len(x.outbox(t)) != 0 {
			t.Error("invalid input queued an activity")
		}
		// An admin may too; empty policies keep the current ones.
		c, err = x.svc.UpdateCommunity(as(x.otto), "surrey", service.CommunityUpdate{Name: "Surrey"})
		if err != nil || c.FollowPolicy != convene.FollowApproval || c.PostingPolicy != convene.PostingModerators {
			t.Errorf("admin's change = %+v, %v", c, err)
		}
	})
}

func TestOpeningACommunityAcceptsWaitingFollows(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newSettingsCommunity(t, d)
		if _, err := x.svc.UpdateCommunity(as(x.olga), "surrey", service.CommunityUpdate{Name: "Surrey", FollowPolicy: convene.FollowApproval}); err != nil {
			t.Fatal(err)
		}
		if err := x.svc.ReceiveFollow(context.Background(), zedIRI+"/follows/1", zedIRI, surreyIRI); err != nil {
			t.Fatal(err)
		}
		if pending, err := x.svc.PendingFollows(as(x.olga), "surrey"); err != nil || len(pending) != 1 {
			t.Fatalf("pending follows = %v, %v", pending, err)
		}
		x.outbox(t)
		if _, err := x.svc.UpdateCommunity(as(x.olga), "surrey", service.CommunityUpdate{Name: "Surrey", FollowPolicy: convene.FollowOpen}); err != nil {
			t.Fatal(err)
		}
		if pending, _ := x.svc.PendingFollows(as(x.olga), "surrey"); len(pending) != 0 {
			t.Errorf("still pending after opening: %v", pending)
		}
		out := x.outbox(t)
		if !slices.ContainsFunc(out, func(a *convene.Activity) bool { return a.Type == "Accept" && slices.Contains(a.To, zedIRI) }) {
			t.Errorf("outbox = %+v, want an Accept to zed", out)
		}
	})
}

func TestFollowCommunity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newSettingsCommunity(t, d)
		x.outbox(t)
		_, err := x.svc.FollowCommunity(as(x.mia), "surrey", "@kent@kent.example")
		wantCode(t, err, convene.EFORBIDDEN)

		f, err := x.svc.FollowCommunity(as(x.olga), "surrey", " @kent@kent.example ")
		if err != nil {
			t.Fatal(err)
		}
		if f.Follower != surreyIRI || f.Followee != kentIRI || f.State != convene.FollowPending {
			t.Errorf("follow = %+v, want surrey pending on kent", f)
		}
		kentFollow := f.ActivityIRI
		out := x.outbox(t)
		if len(out) != 1 || out[0].Type != "Follow" || out[0].Actor != surreyIRI || out[0].Object != kentIRI {
			t.Errorf("outbox = %+v, want surrey's Follow of kent", out)
		}
		_, err = x.svc.FollowCommunity(as(x.olga), "surrey", "@kent@kent.example")
		wantCode(t, err, convene.ECONFLICT)
		for _, bad := range []string{"", "@zed@kent.example", "@nobody@kent.example", "@surrey@convene.test"} {
			_, err := x.svc.FollowCommunity(as(x.olga), "surrey", bad)
			if convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("following %q: error = %v, want invalid", bad, err)
			}
		}

		// A community here is followed at once (it is open), with nothing to send.
		if _, err := x.svc.CreateCommunity(as(x.otto), service.CommunityCreate{Slug: "hants", Name: "Hampshire"}); err != nil {
			t.Fatal(err)
		}
		x.outbox(t)
		f, err = x.svc.FollowCommunity(as(x.otto), "surrey", "@hants@convene.test")
		if err != nil || f.State != convene.FollowAccepted || f.Followee != "https://convene.test/c/hants" {
			t.Fatalf("following hants = %+v, %v", f, err)
		}
		if out := x.outbox(t); len(out) != 0 {
			t.Errorf("a local follow queued %+v", out)
		}
		settings, err := x.svc.CommunitySettings(as(x.olga), "surrey")
		if err != nil {
			t.Fatal(err)
		}
		var following []string
		for _, fv := range settings.Following {
			following = append(following, fv.Actor.Handle+" "+string(fv.Follow.State))
		}
		slices.Sort(following)
		if want := []string{"@hants@convene.test accepted", "@x@kent.example pending"}; !slices.Equal(following, want) {
			t.Errorf("settings list following %v, want %v", following, want)
		}

		// Unfollowing kent withdraws the Follow it received.
		wantCode(t, x.svc.UnfollowCommunity(as(x.mia), "surrey", kentIRI), convene.EFORBIDDEN)
		if err := x.svc.UnfollowCommunity(as(x.olga), "surrey", kentIRI); err != nil {
			t.Fatal(err)
		}
		out = x.outbox(t)
		if len(out) != 1 || out[0].Type != "Undo" || out[0].Inner == nil || out[0].Inner.IRI != kentFollow ||
			out[0].Inner.Type != "Follow" || out[0].Inner.Object != kentIRI || !slices.Contains(out[0].To, kentIRI) {
			t.Errorf("outbox after unfollowing = %+v, want Undo{Follow} to kent", out)
		}
		wantCode(t, x.svc.UnfollowCommunity(as(x.olga), "surrey", kentIRI), convene.ENOTFOUND)
	})
}

// TestCommunityLookupFailureHidesNetworkDetails: why a handle could not be looked up (a
// dial error naming an internal address the fetcher refused) goes to the log, not to the
// member who typed it, who could otherwise map names inside the server's network.
func TestCommunityLookupFailureHidesNetworkDetails(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"),
			Now: time.Now, NewKeyPair: sharedKeys,
			ResolveHandle: func(context.Context, string) (string, error) {
				return "", errors.New("webfinger x@intranet.example: dial tcp 10.1.2.3:443: address not allowed: 10.1.2.3")
			}})
		olga := mustCreate(t, svc, "olga", convene.RoleMember)
		if _, err := svc.CreateCommunity(as(olga), service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
			t.Fatal(err)
		}
		_, err := svc.FollowCommunity(as(olga), "surrey", "@x@intranet.example")
		wantCode(t, err, convene.EINVALID)
		if msg := convene.ErrorMessage(err); strings.Contains(msg, "10.1.2.3") || strings.Contains(msg, "dial") {
			t.Errorf("the member is told %q", msg)
		}
		_, err = svc.CreateEvent(as(olga), service.EventInput{Community: "surrey", Title: "Walk", Start: "2030-05-01T10:00",
			Timezone: "Europe/London", CrossPost: []string{"@x@intranet.example"}})
		wantCode(t, err, convene.EINVALID)
		if msg := convene.ErrorMessage(err); strings.Contains(msg, "10.1.2.3") || strings.Contains(msg, "dial") {
			t.Errorf("the organiser is told %q", msg)
		}
	})
}
