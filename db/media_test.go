package db_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func mustCreatePost(t *testing.T, d *db.DB, c *convene.Community, author *convene.Account) *convene.Post {
	t.Helper()
	id := convene.NewID()
	p := &convene.Post{ID: id, IRI: "https://convene.test/p/" + id, CommunityID: c.ID, CommunityIRI: "https://convene.test/c/" + c.Slug,
		ThreadID: id, AuthorIRI: "https://convene.test/u/" + author.Username, AccountID: author.ID, Title: "T", Content: "<p>x</p>",
		Visibility: convene.VisibilityPublic, PublishedAt: at}
	if err := d.CreatePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func newUpload(owner string, created time.Time) *convene.Media {
	return &convene.Media{ID: convene.NewID(), AccountID: owner, Kind: convene.MediaImage, ContentType: "image/jpeg",
		Description: "A hedge", Blurhash: "U00000fQfQfQ", Width: 1200, Height: 800, Size: 12345, SmallWidth: 640,
		SmallHeight: 426, SmallSize: 2345, FileKey: convene.NewID() + ".jpg", SmallKey: convene.NewID() + ".jpg",
		FocusX: 0.25, FocusY: -0.5, CreatedAt: created}
}

func TestMediaAttachAndFind(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice, bob := mustCreateAccount(t, d, "alice"), mustCreateAccount(t, d, "bob")
		c := newCommunity("surrey", alice.ID)
		if err := d.CreateCommunity(ctx, c, testKeys("surrey")); err != nil {
			t.Fatal(err)
		}
		post := mustCreatePost(t, d, c, alice)
		m1, m2, bobs := newUpload(alice.ID, at), newUpload(alice.ID, at), newUpload(bob.ID, at)
		for _, m := range []*convene.Media{m1, m2, bobs} {
			if err := d.CreateMedia(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		got, err := d.FindMedia(ctx, m1.ID)
		if err != nil || !reflect.DeepEqual(got, m1) {
			t.Fatalf("FindMedia = %+v, %v\nwant %+v", got, err, m1)
		}
		if byKey, err := d.FindMediaByFileKey(ctx, m1.SmallKey); err != nil || byKey.ID != m1.ID {
			t.Errorf("FindMediaByFileKey(small) = %v, %v", byKey, err)
		}
		_, err = d.FindMediaByFileKey(ctx, "")
		wantCode(t, err, convene.ENOTFOUND)

		// Someone else's upload cannot be attached, and nothing changes.
		_, err = d.SetPostMedia(ctx, post.ID, alice.ID, []string{m1.ID, bobs.ID})
		wantCode(t, err, convene.ECONFLICT)
		if got, _ := d.FindMedia(ctx, m1.ID); got.PostID != "" {
			t.Errorf("a failed attach left %s attached", m1.ID)
		}
		if _, err := d.SetPostMedia(ctx, post.ID, alice.ID, []string{m2.ID, m1.ID}); err != nil {
			t.Fatal(err)
		}
		byPost, err := d.FindPostsMedia(ctx, []string{post.ID, "other"})
		if err != nil || len(byPost[post.ID]) != 2 || byPost[post.ID][0].ID != m2.ID || byPost[post.ID][1].ID != m1.ID {
			t.Fatalf("FindPostsMedia = %v, %v; want m2, m1", byPost, err)
		}
		// Editing keeps m1 and drops m2, which comes back for its files to go.
		removed, err := d.SetPostMedia(ctx, post.ID, alice.ID, []string{m1.ID})
		if err != nil || len(removed) != 1 || removed[0].ID != m2.ID {
			t.Fatalf("SetPostMedia dropped %v, %v; want m2", removed, err)
		}
		_, err = d.FindMedia(ctx, m2.ID)
		wantCode(t, err, convene.ENOTFOUND)

		// Another post cannot take m1.
		other := mustCreatePost(t, d, c, alice)
		_, err = d.SetPostMedia(ctx, other.ID, alice.ID, []string{m1.ID})
		wantCode(t, err, convene.ECONFLICT)

		m1.Description, m1.FocusX = "A hawthorn hedge", 1
		if err := d.UpdateMediaDescription(ctx, m1); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.FindMedia(ctx, m1.ID); got.Description != "A hawthorn hedge" || got.FocusX != 1 {
			t.Errorf("after update = %+v", got)
		}
		removed, err = d.DeletePostMedia(ctx, post.ID)
		if err != nil || len(removed) != 1 || removed[0].FileKey != m1.FileKey {
			t.Fatalf("DeletePostMedia = %v, %v", removed, err)
		}
	})
}

func TestMediaSweepAndOnlyMedia(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alice := mustCreateAccount(t, d, "alice")
		c := newCommunity("surrey", alice.ID)
		if err := d.CreateCommunity(ctx, c, testKeys("surrey")); err != nil {
			t.Fatal(err)
		}
		plain, pictured := mustCreatePost(t, d, c, alice), mustCreatePost(t, d, c, alice)
		old, attachedOld, fresh := newUpload(alice.ID, at.Add(-48*time.Hour)), newUpload(alice.ID, at.Add(-48*time.Hour)), newUpload(alice.ID, at)
		for _, m := range []*convene.Media{old, attachedOld, fresh} {
			if err := d.CreateMedia(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.SetPostMedia(ctx, pictured.ID, alice.ID, []string{attachedOld.ID}); err != nil {
			t.Fatal(err)
		}
		removed, err := d.DeleteUnattachedMedia(ctx, at.Add(-24*time.Hour), 100)
		if err != nil || len(removed) != 1 || removed[0].ID != old.ID {
			t.Fatalf("DeleteUnattachedMedia = %v, %v; want only the old unattached upload", removed, err)
		}
		list, err := d.FindTimelinePosts(ctx, convene.TimelineFilter{OnlyMedia: true})
		if err != nil || len(list) != 1 || list[0].ID != pictured.ID {
			t.Errorf("only_media timeline = %v, %v; want the pictured post alone (not %s)", list, err, plain.ID)
		}
		events, err := d.FindTimelineEvents(ctx, convene.TimelineFilter{OnlyMedia: true})
		if err != nil || len(events) != 0 {
			t.Errorf("only_media events = %v, %v", events, err)
		}
		// A remote attachment has no owner and no files.
		remote := &convene.Media{ID: convene.NewID(), PostID: plain.ID, Kind: convene.MediaVideo, ContentType: "video/mp4",
			RemoteURL: "https://mastodon.example/v.mp4", CreatedAt: at}
		if err := d.CreateMedia(ctx, remote); err != nil {
			t.Fatal(err)
		}
		if got, err := d.FindMedia(ctx, remote.ID); err != nil || !reflect.DeepEqual(got, remote) {
			t.Errorf("remote media = %+v, %v", got, err)
		}
	})
}
