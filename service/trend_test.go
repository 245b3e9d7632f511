package service_test

import (
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestTrendsCountPeopleThenUses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers) // mia is a member of surrey, olga owns it
		post := func(who *convene.Account, body string, v convene.Visibility) *convene.Post {
			t.Helper()
			p, err := x.svc.CreateThread(as(who), service.ThreadCreate{Community: "surrey", Title: "T", Body: body, Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		for range 3 {
			post(x.mia, "#apples", convene.VisibilityPublic)
		}
		seeds := post(x.mia, "#seeds", convene.VisibilityPublic)
		post(x.olga, "#Seeds too", convene.VisibilityPublic)
		for range 5 {
			post(x.mia, "#secret", convene.VisibilityCommunity)
		}

		trends, err := x.svc.TrendingTags(as(nil), 10, 0)
		if err != nil || len(trends) != 2 || trends[0].Tag != "seeds" || trends[1].Tag != "apples" {
			t.Fatalf("trends = %+v, %v; want seeds (two people) before apples (one), no members-only tag", trends, err)
		}
		if h := trends[0].History; len(h) != 7 || h[0].Uses != 2 || h[0].Accounts != 2 || h[1].Uses != 0 || !h[0].Day.After(h[1].Day) {
			t.Errorf("seeds' history = %+v", h)
		}
		if next, _ := x.svc.TrendingTags(as(nil), 10, 1); len(next) != 1 || next[0].Tag != "apples" {
			t.Errorf("from the second = %+v", next)
		}

		// The ranking is counted at most once a minute: a new hashtag waits for the next count.
		post(x.olga, "#fresh", convene.VisibilityPublic)
		if again, _ := x.svc.TrendingTags(as(nil), 10, 0); len(again) != 2 {
			t.Errorf("within the minute = %+v, want the ranking as counted", again)
		}

		if posts, err := x.svc.TrendingPosts(as(nil), 10, 0); err != nil || len(posts) != 0 {
			t.Errorf("trending posts before anyone liked one = %+v, %v", posts, err)
		}
		if err := x.svc.Like(as(x.otto), seeds.ID); err != nil {
			t.Fatal(err)
		}
		if posts, _ := x.svc.TrendingPosts(as(nil), 10, 0); len(posts) != 1 || posts[0].ID != seeds.ID {
			t.Errorf("trending posts = %+v, want the liked one", posts)
		}
	})
}
