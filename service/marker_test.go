package service_test

import (
	"context"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

func TestMarkers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		if list, err := x.svc.Markers(as(x.mia), []string{"home", "notifications"}); err != nil || len(list) != 0 {
			t.Fatalf("markers before any save = %v, %v", list, err)
		}
		first, second := convene.NewID(), convene.NewID()
		if _, err := x.svc.SaveMarkers(as(x.mia), map[string]string{"home": first}); err != nil {
			t.Fatal(err)
		}
		saved, err := x.svc.SaveMarkers(as(x.mia), map[string]string{"home": second, "notifications": first})
		if err != nil || len(saved) != 2 || saved[0].LastReadID != second || saved[0].Version != 2 || saved[1].Version != 1 {
			t.Fatalf("saved = %+v, %v; want home at version 2 and notifications at 1", saved, err)
		}
		list, err := x.svc.Markers(as(x.mia), []string{"home", "bogus"})
		if err != nil || len(list) != 1 || list[0].Timeline != "home" || list[0].LastReadID != second {
			t.Errorf("home marker = %+v, %v", list, err)
		}
		if list, _ := x.svc.Markers(as(x.olga), []string{"home"}); len(list) != 0 {
			t.Error("olga sees mia's marker")
		}
		for _, bad := range []map[string]string{{"public": first}, {"home": "42"}} {
			if _, err := x.svc.SaveMarkers(as(x.mia), bad); convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%v: %v", bad, err)
			}
		}
		if _, err := x.svc.Markers(context.Background(), []string{"home"}); convene.ErrorCode(err) != convene.EUNAUTHORIZED {
			t.Errorf("anonymous markers: %v", err)
		}
	})
}
