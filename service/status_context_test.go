package service_test

import (
	"context"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func postIDs(list []*convene.Post) []string {
	var ids []string
	for _, p := range list {
		ids = append(ids, p.ID)
	}
	return ids
}

func TestPostContext(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		root, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Seeds", Body: "Seeds?"})
		if err != nil {
			t.Fatal(err)
		}
		reply := func(parent string) string {
			t.Helper()
			p, err := x.svc.Reply(as(x.mia), parent, "answer")
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		a := reply(root.ID)
		b := reply(root.ID)
		a1 := reply(a)
		a1x := reply(a1)
		b1 := reply(b)
		got, err := x.svc.PostContext(context.Background(), a1)
		if err != nil {
			t.Fatal(err)
		}
		if !sameIDs(postIDs(got.Ancestors), root.ID, a) || !sameIDs(postIDs(got.Descendants), a1x) {
			t.Errorf("context of a1 = %v / %v", postIDs(got.Ancestors), postIDs(got.Descendants))
		}
		got, _ = x.svc.PostContext(context.Background(), root.ID)
		if len(got.Ancestors) != 0 || !sameIDs(postIDs(got.Descendants), a, b, a1, a1x, b1) {
			t.Errorf("context of the thread = %v / %v", postIDs(got.Ancestors), postIDs(got.Descendants))
		}
		members, err := x.svc.CreateThread(as(x.olga), service.ThreadCreate{Community: "surrey", Title: "Members",
			Body: "Members only", Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.PostContext(as(x.otto), members.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("a non-member reading a members-only thread's context: %v", err)
		}
	})
}
