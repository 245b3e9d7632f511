package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

func TestJoinLeaveAndJoinAgain(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // mia has joined surrey
		ctx := context.Background()
		if m, err := x.svc.CommunityMembership(as(x.mia), "surrey"); err != nil || m.Followers != 1 || m.Viewer != convene.FollowAccepted {
			t.Fatalf("mia's view before leaving = %+v, %v", m, err)
		}
		if err := x.svc.Leave(as(x.mia), "surrey"); err != nil {
			t.Fatal(err)
		}
		if m, err := x.svc.CommunityMembership(as(x.mia), "surrey"); err != nil || m.Followers != 0 || m.Viewer != "" {
			t.Fatalf("mia's view after leaving = %+v, %v", m, err)
		}
		// She may no longer start threads in a members-only community.
		if _, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Hi", Body: "Hi"}); err == nil {
			t.Error("mia started a thread after leaving")
		}
		wantCode(t, x.svc.Leave(as(x.mia), "surrey"), convene.ENOTFOUND)
		wantCode(t, x.svc.Leave(ctx, "surrey"), convene.EUNAUTHORIZED)
		wantCode(t, x.svc.Leave(as(x.otto), "nowhere"), convene.ENOTFOUND)
		if _, err := x.svc.Join(as(x.mia), "surrey"); err != nil {
			t.Fatalf("joining again: %v", err)
		}
		if m, err := x.svc.CommunityMembership(ctx, "surrey"); err != nil || m.Followers != 1 || m.Viewer != "" {
			t.Fatalf("a visitor's view after mia joined again = %+v, %v", m, err)
		}
	})
}

func TestLeaveWithdrawsAPendingRequest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		if _, err := x.svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "closed", Name: "Closed",
			FollowPolicy: convene.FollowApproval}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Join(as(x.otto), "closed"); err != nil {
			t.Fatal(err)
		}
		if m, _ := x.svc.CommunityMembership(as(x.otto), "closed"); m.Viewer != convene.FollowPending || m.Followers != 0 {
			t.Fatalf("otto's view of his request = %+v", m)
		}
		if err := x.svc.Leave(as(x.otto), "closed"); err != nil {
			t.Fatal(err)
		}
		if list, err := x.svc.PendingFollows(as(x.olga), "closed"); err != nil || len(list) != 0 {
			t.Errorf("pending requests after otto withdrew = %d, %v", len(list), err)
		}
	})
}

func TestRemoteFollowURL(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		var asked []string
		lookup := map[string]struct {
			tmpl string
			err  error
		}{
			"alice@mastodon.social": {tmpl: "https://mastodon.social/authorize_interaction?uri={uri}"},
			"bob@plain.example":     {err: convene.Errorf(convene.ENOTFOUND, "the server of bob@plain.example does not say where to follow from")},
			"carol@down.example":    {err: errors.New("dial tcp: connection refused")},
		}
		svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"), NewKeyPair: sharedKeys,
			InteractionTemplate: func(ctx context.Context, handle string) (string, error) {
				asked = append(asked, handle)
				return lookup[handle].tmpl, lookup[handle].err
			}})
		mustCreate(t, svc, "olga", convene.RoleAdmin)
		if _, err := svc.CreateCommunity(operator, service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		got, err := svc.RemoteFollowURL(ctx, "surrey", " @alice@Mastodon.Social ", "192.0.2.1")
		if want := "https://mastodon.social/authorize_interaction?uri=https%3A%2F%2Fconvene.test%2Fc%2Fsurrey"; err != nil || got != want {
			t.Errorf("alice = %q, %v; want %q", got, err, want)
		}
		for handle, want := range map[string]string{"bob@plain.example": "Search for @surrey@convene.test", "carol@down.example": "could not reach down.example"} {
			_, err := svc.RemoteFollowURL(ctx, "surrey", handle, "192.0.2.1")
			if convene.ErrorCode(err) != convene.EINVALID || !messageSays(convene.ErrorMessage(err), want, "@surrey@convene.test") {
				t.Errorf("%s: %v; want a helpful message with %q", handle, err, want)
			}
		}
		if _, err := svc.BlockDomain(as(mustCreate(t, svc, "ada", convene.RoleAdmin)), "blocked.example"); err != nil {
			t.Fatal(err)
		}
		asked = nil
		_, err = svc.RemoteFollowURL(ctx, "surrey", "eve@social.blocked.example", "192.0.2.1")
		wantCode(t, err, convene.EFORBIDDEN)
		_, err = svc.RemoteFollowURL(ctx, "surrey", "not a handle", "192.0.2.1")
		wantCode(t, err, convene.EINVALID)
		_, err = svc.RemoteFollowURL(ctx, "nowhere", "alice@mastodon.social", "192.0.2.1")
		wantCode(t, err, convene.ENOTFOUND)
		if len(asked) != 0 {
			t.Errorf("looked up %v; blocked and malformed handles must not be", asked)
		}
		// One address may look up only so many handles; others still may.
		for i := 0; ; i++ {
			_, err := svc.RemoteFollowURL(ctx, "surrey", "alice@mastodon.social", "198.51.100.7")
			if convene.ErrorCode(err) == convene.ETOOMANY {
				if i < 10 {
					t.Errorf("throttled after %d lookups", i)
				}
				break
			}
			if err != nil || i > 100 {
				t.Fatalf("lookup %d: %v; want a limit", i, err)
			}
		}
		if _, err := svc.RemoteFollowURL(ctx, "surrey", "alice@mastodon.social", "198.51.100.8"); err != nil {
			t.Errorf("another address is throttled too: %v", err)
		}
	})
}

func messageSays(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
