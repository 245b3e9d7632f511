package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

func TestFollowFromElsewhereSendsAFollow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		garden := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://lemmy.example/c/garden", Type: "Group", Username: "garden",
			Domain: "lemmy.example", Name: "Garden", Inbox: "https://lemmy.example/c/garden/inbox", KeyID: "https://lemmy.example/c/garden#main-key",
			PublicKeyPEM: "-", FetchedAt: now, CreatedAt: now}
		if err := d.UpsertRemoteActor(context.Background(), garden); err != nil {
			t.Fatal(err)
		}
		svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"), Now: time.Now, NewKeyPair: sharedKeys,
			ResolveActor: func(ctx context.Context, iri string) (*convene.RemoteActor, error) {
				if iri == garden.IRI {
					return garden, nil
				}
				return nil, errors.New("fetch: HTTP status 404")
			}})
		mia := mustCreate(t, svc, "mia", convene.RoleMember)
		ada := mustCreate(t, svc, "ada", convene.RoleAdmin)
		_, err := svc.RemoteActorToFollow(context.Background(), garden.IRI)
		wantCode(t, err, convene.EUNAUTHORIZED)
		if _, f, err := svc.FollowFromElsewhere(as(mia), garden.IRI); err != nil || f.State != convene.FollowPending ||
			f.Follower != "https://convene.test/u/mia" || f.Followee != garden.IRI {
			t.Fatalf("follow = %+v, %v", f, err)
		}
		out, err := d.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 10, time.Minute)
		if err != nil || len(out) != 1 || out[0].Type != "Follow" || out[0].Object != garden.IRI {
			t.Fatalf("outbox = %+v, %v; want one Follow of garden", out, err)
		}
		_, _, err = svc.FollowFromElsewhere(as(mia), garden.IRI)
		wantCode(t, err, convene.ECONFLICT)
		for iri, code := range map[string]string{
			"https://lemmy.example/c/nothing": convene.EINVALID,
			"https://convene.test/c/surrey":   convene.EINVALID,
			"javascript:alert(1)":             convene.EINVALID,
			"https://x@lemmy.example/c/g":     convene.EINVALID,
		} {
			_, err := svc.RemoteActorToFollow(as(mia), iri)
			wantCode(t, err, code)
		}
		if _, err := svc.BlockDomain(as(ada), "lemmy.example"); err != nil {
			t.Fatal(err)
		}
		_, err = svc.RemoteActorToFollow(as(mia), garden.IRI)
		wantCode(t, err, convene.EFORBIDDEN)
	})
}

// TestRemoteActorToFollowIsThrottled: each lookup can make this server fetch (signed) from
// any address a member types, so one account may not repeat it at will.
func TestRemoteActorToFollowIsThrottled(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		fetches := 0
		svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"), Now: time.Now, NewKeyPair: sharedKeys,
			ResolveActor: func(ctx context.Context, iri string) (*convene.RemoteActor, error) {
				fetches++
				return nil, errors.New("fetch: HTTP status 404")
			}})
		mia := mustCreate(t, svc, "mia", convene.RoleMember)
		_, err := svc.RemoteActorToFollow(as(mia), "https://target.example/"+strings.Repeat("x", 3000))
		if wantCode(t, err, convene.EINVALID); fetches != 0 {
			t.Error("an address of 3000 bytes was fetched")
		}
		for i := range 100 {
			_, err := svc.RemoteActorToFollow(as(mia), fmt.Sprintf("https://target.example/%d", i))
			if convene.ErrorCode(err) == convene.ETOOMANY {
				break
			}
		}
		if fetches > 30 {
			t.Errorf("one account made the server fetch %d addresses in a moment", fetches)
		}
		ben := mustCreate(t, svc, "ben", convene.RoleMember)
		if _, err := svc.RemoteActorToFollow(as(ben), "https://target.example/ben"); convene.ErrorCode(err) == convene.ETOOMANY {
			t.Error("another account is throttled too")
		}
	})
}
