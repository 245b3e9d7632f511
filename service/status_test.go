package service_test

import (
	"context"
	"sync"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestPostStatusStartsAThreadInTheMentionedCommunity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		p, err := x.svc.PostStatus(as(x.mia), service.StatusCreate{Text: "@surrey@convene.test Seed swap on Saturday?\nBring beans."})
		if err != nil {
			t.Fatal(err)
		}
		if p.CommunityIRI != "https://convene.test/c/surrey" || p.ParentID != "" || p.Title != "Seed swap on Saturday?" ||
			p.Visibility != convene.VisibilityPublic {
			t.Errorf("status became %+v; want a public thread in surrey titled by its first line", p)
		}
		// A content warning titles the thread; "private" is for the community's members.
		p, err = x.svc.PostStatus(as(x.mia), service.StatusCreate{Text: "Minutes attached @surrey", SpoilerText: "March minutes",
			Visibility: "private"})
		if err != nil || p.Title != "March minutes" || p.Visibility != convene.VisibilityCommunity {
			t.Errorf("private status with a CW = %+v, %v", p, err)
		}
		// A reply joins the thread, whatever it mentions.
		r, err := x.svc.PostStatus(as(x.olga), service.StatusCreate{Text: "I'll come", InReplyToID: p.ID})
		if err != nil || r.ThreadID != p.ID || r.ParentID != p.ID {
			t.Errorf("reply = %+v, %v", r, err)
		}
		for _, in := range []service.StatusCreate{
			{Text: "No community mentioned here"},
			{Text: "@surrey@elsewhere.example is not ours"},
			{Text: "@surrey hello", Visibility: "direct"},
			{Text: "@surrey hello", Visibility: "secret"},
		} {
			if _, err := x.svc.PostStatus(as(x.mia), in); convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%+v: err = %v, want EINVALID", in, err)
			}
		}
		if _, err := x.svc.PostStatus(context.Background(), service.StatusCreate{Text: "@surrey hi"}); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("anonymous status: %v", err)
		}
	})
}

func TestPostStatusIdempotencyKeyMakesOnePost(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		in := service.StatusCreate{Text: "@surrey Retried post", IdempotencyKey: "3f1c2a7e-key"}
		// A phone retrying at once, several times: one thread, every answer the same.
		var wg sync.WaitGroup
		ids := make([]string, 4)
		errs := make([]error, 4)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if p, err := x.svc.PostStatus(as(x.mia), in); err == nil {
					ids[i] = p.ID
				} else {
					errs[i] = err
				}
			}()
		}
		wg.Wait()
		made := ""
		for i := range ids {
			switch {
			case errs[i] != nil && convene.ErrorCode(errs[i]) != convene.ECONFLICT:
				t.Fatalf("retry %d: %v", i, errs[i])
			case ids[i] != "" && made != "" && ids[i] != made:
				t.Fatalf("retries made two posts: %s and %s", made, ids[i])
			case ids[i] != "":
				made = ids[i]
			}
		}
		again, err := x.svc.PostStatus(as(x.mia), in)
		if err != nil || again.ID != made {
			t.Fatalf("a later retry = %v, %v; want %s", again, err, made)
		}
		threads, err := x.svc.CommunityThreads(context.Background(), "surrey", "", 10)
		if err != nil || len(threads) != 1 {
			t.Errorf("surrey has %d threads, want 1", len(threads))
		}
		// The same key from someone else is theirs; a failed request frees its key.
		if p, err := x.svc.PostStatus(as(x.olga), in); err != nil || p.ID == made {
			t.Errorf("olga's post under mia's key = %v, %v", p, err)
		}
		bad := service.StatusCreate{Text: "no community", IdempotencyKey: "k2"}
		if _, err := x.svc.PostStatus(as(x.mia), bad); convene.ErrorCode(err) != convene.EINVALID {
			t.Fatal(err)
		}
		bad.Text = "@surrey now with one"
		if _, err := x.svc.PostStatus(as(x.mia), bad); err != nil {
			t.Errorf("retrying a failed request with its key: %v", err)
		}
	})
}
