package service_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestBookmarksKeepWhatOneMaySee(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		open, _ := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Open", Body: "for all"})
		closed, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Closed", Body: "members",
			Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, x.svc.Bookmark(as(x.otto), closed.ID), convene.ENOTFOUND) // otto is no member
		for _, id := range []string{open.ID, closed.ID} {
			if err := x.svc.Bookmark(as(x.mia), id); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, x.svc.Bookmark(as(x.mia), open.ID), convene.ECONFLICT)
		if err := x.svc.Bookmark(as(x.otto), open.ID); err != nil {
			t.Fatal(err)
		}

		marks, err := x.svc.Bookmarks(as(x.mia), service.TimelineQuery{Limit: 10})
		if err != nil || len(marks) != 2 || marks[0].Post.ID != closed.ID || marks[1].Post.ID != open.ID {
			t.Fatalf("mia's bookmarks = %+v, %v; want newest first", marks, err)
		}
		older, err := x.svc.Bookmarks(as(x.mia), service.TimelineQuery{MaxID: marks[0].BookmarkID, Limit: 10})
		if err != nil || len(older) != 1 || older[0].Post.ID != open.ID {
			t.Errorf("older than the first bookmark = %+v, %v", older, err)
		}
		if saved, _ := x.svc.Bookmarked(as(x.otto), []string{open.ID, closed.ID}); !saved[open.ID] || saved[closed.ID] {
			t.Errorf("otto's saved = %v", saved)
		}

		// mia leaves: the members-only thread drops out of her list but stays saved.
		if err := x.svc.Leave(as(x.mia), "surrey"); err != nil {
			t.Fatal(err)
		}
		if marks, _ := x.svc.Bookmarks(as(x.mia), service.TimelineQuery{Limit: 10}); len(marks) != 1 || marks[0].Post.ID != open.ID {
			t.Errorf("after leaving = %+v", marks)
		}
		if err := x.svc.Unbookmark(as(x.mia), open.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, x.svc.Unbookmark(as(x.mia), open.ID), convene.ENOTFOUND)
		_, err = x.svc.Bookmarks(as(nil), service.TimelineQuery{})
		wantCode(t, err, convene.EUNAUTHORIZED)
	})
}

func TestVisiblePostsKeepsWhatThePrincipalMaySee(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		open, _ := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Open", Body: "for all"})
		closed, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Closed", Body: "members",
			Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{open.ID, closed.ID, convene.NewID()}
		for who, want := range map[*convene.Account]int{x.mia: 2, x.olga: 2, x.otto: 1} {
			if got, err := x.svc.VisiblePosts(as(who), ids); err != nil || len(got) != want {
				t.Errorf("%s sees %d of the posts (%v), want %d", who.Username, len(got), err, want)
			}
		}
	})
}

func TestEditHistoryKeepsTheLatestFiftyVersions(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "version 0"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 55; i++ {
		body := fmt.Sprintf("version %d", i)
		if _, err := x.svc.EditPost(as(x.mia), thread.ID, service.PostEdit{Body: &body}); err != nil {
			t.Fatal(err)
		}
	}
	_, history, err := x.svc.PostHistory(as(x.mia), thread.ID)
	if err != nil || len(history) != 51 || !strings.Contains(history[0].Content, "version 5") ||
		!strings.Contains(history[50].Content, "version 55") {
		t.Fatalf("history = %d versions (%v), from %q", len(history), err, history[0].Content)
	}
}
