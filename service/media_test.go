package service_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/media"
	"github.com/convene-social/convene/service"
)

// pngBytes is a small real picture.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 12, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mediaWorld is the surrey discussion with uploads on disk and a clock the test moves.
type mediaWorld struct {
	*discussion
	clock *time.Time
	files *media.Disk
	dir   string // where files keeps its files
}

func newMediaWorld(t *testing.T, d *db.DB) *mediaWorld {
	t.Helper()
	dir := t.TempDir()
	files, err := media.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := now
	svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"), NewKeyPair: sharedKeys,
		Now: func() time.Time { return clock }, MediaFiles: files})
	x := &discussion{svc: svc, store: d}
	x.olga = mustCreate(t, svc, "olga", convene.RoleMember)
	x.mia = mustCreate(t, svc, "mia", convene.RoleMember)
	x.otto = mustCreate(t, svc, "otto", convene.RoleMember)
	if _, err := svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Join(as(x.mia), "surrey"); err != nil {
		t.Fatal(err)
	}
	return &mediaWorld{discussion: x, clock: &clock, files: files, dir: dir}
}

func (w *mediaWorld) upload(t *testing.T, a *convene.Account) *convene.Media {
	t.Helper()
	m, err := w.svc.UploadMedia(as(a), service.MediaUpload{File: bytes.NewReader(pngBytes(t)), Description: "A hedge"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fileExists reports whether a file is still on disk.
func (w *mediaWorld) fileExists(t *testing.T, key string) bool {
	t.Helper()
	f, err := w.files.Open(context.Background(), key)
	if err == nil {
		f.Close()
		return true
	}
	if convene.ErrorCode(err) != convene.ENOTFOUND {
		t.Fatal(err)
	}
	return false
}

func TestMediaAttachRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newMediaWorld(t, d)
		ctx := context.Background()
		var mine []string
		for range 5 {
			mine = append(mine, w.upload(t, w.mia).ID)
		}
		ottos := w.upload(t, w.otto)
		thread := func(ids ...string) (*convene.Post, error) {
			return w.svc.CreateThread(as(w.mia), service.ThreadCreate{Community: "surrey", Title: "Hedges", MediaIDs: ids})
		}
		_, err := thread(mine[0], ottos.ID)
		wantCode(t, err, convene.EINVALID)
		_, err = thread(mine...)
		wantCode(t, err, convene.EINVALID) // five is one too many
		_, err = thread(mine[0], mine[0])
		wantCode(t, err, convene.EINVALID)
		_, err = thread()
		wantCode(t, err, convene.EINVALID) // neither text nor files

		p, err := thread(mine[1], mine[0]) // files alone make a post
		if err != nil {
			t.Fatal(err)
		}
		views, err := w.svc.PostViews(ctx, []*convene.Post{p})
		if err != nil || len(views[p.ID].Media) != 2 || views[p.ID].Media[0].ID != mine[1] {
			t.Fatalf("post's media = %v, %v; want mine[1], mine[0]", views[p.ID].Media, err)
		}
		_, err = w.svc.ReplyWith(as(w.mia), service.ReplyCreate{ParentID: p.ID, Body: "Again", MediaIDs: []string{mine[0]}})
		wantCode(t, err, convene.EINVALID) // already on the thread

		_, err = w.svc.OwnMedia(as(w.otto), mine[2])
		wantCode(t, err, convene.ENOTFOUND)
		desc := "Hawthorn"
		_, err = w.svc.UpdateMedia(as(w.mia), mine[0], service.MediaEdit{Description: &desc})
		wantCode(t, err, convene.EINVALID) // posted: the post's edit changes it
		if m, err := w.svc.UpdateMedia(as(w.mia), mine[2], service.MediaEdit{Description: &desc}); err != nil || m.Description != desc {
			t.Errorf("updating an unposted upload = %v, %v", m, err)
		}

		// An edit keeps mine[1], adds mine[2] and drops mine[0], whose files go.
		dropped, _ := w.svc.OwnMedia(as(w.mia), mine[0])
		ids := []string{mine[2], mine[1]}
		if _, err := w.svc.EditPost(as(w.mia), p.ID, service.PostEdit{MediaIDs: &ids}); err != nil {
			t.Fatal(err)
		}
		views, _ = w.svc.PostViews(ctx, []*convene.Post{p})
		if got := views[p.ID].Media; len(got) != 2 || got[0].ID != mine[2] || got[1].ID != mine[1] {
			t.Errorf("after the edit: %v", got)
		}
		if w.fileExists(t, dropped.FileKey) || w.fileExists(t, dropped.SmallKey) {
			t.Error("a file dropped by the edit is still stored")
		}

		// Its author deleting the post leaves its files unattached for a redraft, as Mastodon
		// does; a redraft takes them, and what it does not take the sweep removes a day later.
		kept, _ := w.svc.OwnMedia(as(w.mia), mine[1])
		other, _ := w.svc.OwnMedia(as(w.mia), mine[2])
		if err := w.svc.DeletePost(as(w.mia), p.ID); err != nil {
			t.Fatal(err)
		}
		redraft, err := w.svc.CreateThread(as(w.mia), service.ThreadCreate{Community: "surrey", Title: "Hedges again", MediaIDs: []string{mine[1]}})
		if err != nil {
			t.Fatalf("a redraft with the deleted post's file: %v", err)
		}
		*w.clock = w.clock.Add(25 * time.Hour)
		if _, err := w.svc.SweepMedia(ctx); err != nil {
			t.Fatal(err)
		}
		if !w.fileExists(t, kept.FileKey) || w.fileExists(t, other.FileKey) {
			t.Error("after the sweep, the redraft's file should stay and the file left behind should go")
		}

		// Deleting with its files (the web, or delete_media) removes them at once.
		if err := w.svc.DeletePostAndMedia(as(w.mia), redraft.ID); err != nil {
			t.Fatal(err)
		}
		if w.fileExists(t, kept.FileKey) {
			t.Error("a post deleted with its files still has them stored")
		}
		// A moderator's deletion leaves the author nothing to redraft: the files go at once.
		last := w.upload(t, w.mia)
		removed, err := w.svc.CreateThread(as(w.mia), service.ThreadCreate{Community: "surrey", Title: "Off topic", MediaIDs: []string{last.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DeletePost(as(w.olga), removed.ID); err != nil {
			t.Fatal(err)
		}
		if w.fileExists(t, last.FileKey) {
			t.Error("a post a moderator removed still has its files stored")
		}
	})
}

func TestMediaSweepRemovesUploadsNeverPosted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newMediaWorld(t, d)
		old := w.upload(t, w.mia)
		posted := w.upload(t, w.mia)
		if _, err := w.svc.CreateThread(as(w.mia), service.ThreadCreate{Community: "surrey", Title: "Hedges", Body: "Look",
			MediaIDs: []string{posted.ID}}); err != nil {
			t.Fatal(err)
		}
		*w.clock = w.clock.Add(23 * time.Hour)
		fresh := w.upload(t, w.mia)
		*w.clock = w.clock.Add(2 * time.Hour)
		n, err := w.svc.SweepMedia(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v; want 1", n, err)
		}
		if w.fileExists(t, old.FileKey) || !w.fileExists(t, fresh.FileKey) || !w.fileExists(t, posted.FileKey) {
			t.Error("the sweep removed the wrong files")
		}
		_, err = w.svc.OwnMedia(as(w.mia), old.ID)
		wantCode(t, err, convene.ENOTFOUND)
	})
}

func TestMediaUploadsAreLimitedPerAccount(t *testing.T) {
	w := newMediaWorld(t, dbtest.OpenSQLite(t))
	for range 30 {
		w.upload(t, w.mia)
	}
	_, err := w.svc.UploadMedia(as(w.mia), service.MediaUpload{File: bytes.NewReader(pngBytes(t))})
	wantCode(t, err, convene.ETOOMANY)
	w.upload(t, w.otto) // others are not held up
	*w.clock = w.clock.Add(31 * time.Minute)
	w.upload(t, w.mia)
}

func TestMediaRefusedWithoutStorageOrAccount(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	svc := newService(t, d, convene.RegistrationOpen)
	a := mustCreate(t, svc, "mia", convene.RoleMember)
	_, err := svc.UploadMedia(as(a), service.MediaUpload{File: bytes.NewReader(pngBytes(t))})
	wantCode(t, err, convene.EINVALID)
	_, err = svc.UploadMedia(context.Background(), service.MediaUpload{File: bytes.NewReader(pngBytes(t))})
	wantCode(t, err, convene.EUNAUTHORIZED)
}

// TestFilesOrPollNotBoth: Mastodon apps expect a post to carry one or the other, whichever
// way it is made.
func TestFilesOrPollNotBoth(t *testing.T) {
	w := newMediaWorld(t, dbtest.OpenSQLite(t))
	poll := &service.PollCreate{Options: []string{"Yes", "No"}, ExpiresIn: 3600}
	_, err := w.svc.CreateThread(as(w.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "B",
		MediaIDs: []string{w.upload(t, w.mia).ID}, Poll: poll})
	wantCode(t, err, convene.EINVALID)
	withPoll, err := w.svc.CreateThread(as(w.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "B", Poll: poll})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.ReplyWith(as(w.mia), service.ReplyCreate{ParentID: withPoll.ID, Body: "R",
		MediaIDs: []string{w.upload(t, w.mia).ID}, Poll: poll})
	wantCode(t, err, convene.EINVALID)
	files := []string{w.upload(t, w.mia).ID}
	_, err = w.svc.EditPost(as(w.mia), withPoll.ID, service.PostEdit{MediaIDs: &files})
	wantCode(t, err, convene.EINVALID)
}
