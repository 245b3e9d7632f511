package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

// discussion is a community surrey (owner olga) with a member mia and an outsider otto.
type discussion struct {
	svc             *service.Service
	store           *db.DB
	olga, mia, otto *convene.Account
}

func newDiscussion(t *testing.T, d *db.DB, policy convene.PostingPolicy) *discussion {
	t.Helper()
	svc := service.New(service.Config{Store: d, IRIs: federation.NewIRIs("https", "convene.test"),
		Now: time.Now, NewKeyPair: sharedKeys})
	x := &discussion{svc: svc, store: d}
	x.olga = mustCreate(t, svc, "olga", convene.RoleMember)
	x.mia = mustCreate(t, svc, "mia", convene.RoleMember)
	x.otto = mustCreate(t, svc, "otto", convene.RoleMember)
	if _, err := svc.CreateCommunity(as(x.olga), service.CommunityCreate{Slug: "surrey", Name: "Surrey", PostingPolicy: policy}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Join(as(x.mia), "surrey"); err != nil {
		t.Fatal(err)
	}
	return x
}

func (x *discussion) outbox(t *testing.T) []*convene.Activity {
	t.Helper()
	list, err := x.store.ClaimFanOut(context.Background(), time.Now().Add(time.Hour), 200, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestThreadsFollowThePostingPolicy(t *testing.T) {
	for policy, allowed := range map[convene.PostingPolicy]map[string]bool{
		convene.PostingMembers:    {"olga": true, "mia": true},
		convene.PostingFollowers:  {"olga": true, "mia": true},
		convene.PostingModerators: {"olga": true},
	} {
		t.Run(string(policy), func(t *testing.T) {
			dbtest.Run(t, func(t *testing.T, d *db.DB) {
				x := newDiscussion(t, d, policy)
				for _, a := range []*convene.Account{x.olga, x.mia, x.otto} {
					_, err := x.svc.CreateThread(as(a), service.ThreadCreate{Community: "surrey", Title: "Hello", Body: "Hi"})
					if (err == nil) != allowed[a.Username] {
						t.Errorf("%s starting a thread: %v, want allowed=%v", a.Username, err, allowed[a.Username])
					}
				}
			})
		})
	}
}

func TestThreadValidation(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	for _, in := range []service.ThreadCreate{
		{Community: "surrey", Title: "", Body: "B"},
		{Community: "surrey", Title: strings.Repeat("t", 201), Body: "B"},
		{Community: "surrey", Title: "T", Body: " "},
		{Community: "surrey", Title: "T", Body: "B", Visibility: "secret"},
	} {
		_, err := x.svc.CreateThread(as(x.mia), in)
		wantCode(t, err, convene.EINVALID)
	}
	_, err := x.svc.CreateThread(context.Background(), service.ThreadCreate{Community: "surrey", Title: "T", Body: "B"})
	wantCode(t, err, convene.EUNAUTHORIZED)
}

func TestRepliesAtAnyDepthAndTheirFederation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		thread, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Meetup?", Body: "Who is *in*?"})
		if err != nil {
			t.Fatal(err)
		}
		if thread.Content != "<p>Who is <em>in</em>?</p>\n" || thread.Source != "Who is *in*?" || thread.ThreadID != thread.ID {
			t.Errorf("thread = %+v", thread)
		}
		types := activityTypes(x.outbox(t))
		if types != "Create Announce(embed) Announce" {
			t.Errorf("a new public thread queued %q, want the Create, Announce{Create} and Announce{id}", types)
		}
		r1, err := x.svc.Reply(as(x.otto), thread.ID, "Me!") // anyone may reply to a public thread
		if err != nil {
			t.Fatal(err)
		}
		r2, err := x.svc.Reply(as(x.mia), r1.ID, "Great")
		if err != nil {
			t.Fatal(err)
		}
		if r2.ThreadID != thread.ID || r2.ParentID != r1.ID {
			t.Errorf("nested reply = %+v", r2)
		}
		outbox := x.outbox(t)
		if types := activityTypes(outbox); types != "Create Announce(embed,group-aware) Create Announce(embed,group-aware)" {
			t.Errorf("replies queued %q", types)
		}
		if to := strings.Join(outbox[2].To, " "); !strings.Contains(to, "https://convene.test/u/otto") {
			t.Errorf("the reply to otto is not addressed to him: %s", to)
		}
		if notes, _ := x.svc.Notifications(as(x.mia), "", 10); len(notes) != 1 || notes[0].PostID != r1.ID {
			t.Errorf("mia's notifications = %v, want otto's reply (not her own)", notes)
		}
		posts, err := x.svc.Thread(as(x.otto), thread.ID)
		if err != nil || len(posts) != 3 || posts[0].ReplyCount != 2 {
			t.Errorf("thread = %v posts (root %d replies), %v", len(posts), posts[0].ReplyCount, err)
		}
	})
}

func TestCommunityOnlyPostsStayInside(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		secret, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Inside", Body: "B",
			Visibility: convene.VisibilityCommunity})
		if err != nil {
			t.Fatal(err)
		}
		public, _ := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "Outside", Body: "B"})
		for who, ctx := range map[string]context.Context{"anonymous": context.Background(), "otto": as(x.otto)} {
			_, err := x.svc.FindPost(ctx, secret.ID)
			wantCode(t, err, convene.ENOTFOUND)
			_, err = x.svc.Reply(ctx, secret.ID, "let me in")
			if convene.ErrorCode(err) != convene.ENOTFOUND && convene.ErrorCode(err) != convene.EUNAUTHORIZED {
				t.Errorf("%s replied to a community-only thread: %v", who, err)
			}
			threads, _ := x.svc.CommunityThreads(ctx, "surrey", "", 50)
			if len(threads) != 1 || threads[0].ID != public.ID {
				t.Errorf("%s sees %d threads", who, len(threads))
			}
		}
		for _, a := range []*convene.Account{x.mia, x.olga} {
			if threads, _ := x.svc.CommunityThreads(as(a), "surrey", "", 50); len(threads) != 2 {
				t.Errorf("%s sees %d threads, want 2", a.Username, len(threads))
			}
		}
		for _, a := range x.outbox(t) {
			for _, to := range append(a.To, a.Cc...) {
				if to == convene.PublicIRI && a.Object == secret.IRI {
					t.Errorf("a community-only post was addressed to the public: %+v", a)
				}
			}
			if a.Object == secret.IRI && a.Type == "Announce" && !a.GroupAwareOnly && a.Embed == "" {
				t.Errorf("a community-only thread was boosted to microblog followers: %+v", a)
			}
		}
	})
}

func TestEditDeleteAndLike(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDiscussion(t, d, convene.PostingMembers)
		thread, _ := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "old"})
		body := "new **text**"
		_, err := x.svc.EditPost(as(x.otto), thread.ID, service.PostEdit{Body: &body})
		wantCode(t, err, convene.EFORBIDDEN)
		edited, err := x.svc.EditPost(as(x.mia), thread.ID, service.PostEdit{Body: &body})
		if err != nil || edited.EditedAt == nil || edited.Content != "<p>new <strong>text</strong></p>\n" {
			t.Fatalf("edit = %+v, %v", edited, err)
		}
		title := "T2"
		if _, err := x.svc.EditPost(as(x.mia), thread.ID, service.PostEdit{Title: &title}); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.EditPost(as(x.mia), thread.ID, service.PostEdit{Title: &title}); err != nil { // changes nothing
			t.Fatal(err)
		}
		_, history, err := x.svc.PostHistory(as(x.otto), thread.ID)
		if err != nil || len(history) != 3 || history[0].Content != "<p>old</p>\n" || history[0].Title != "T" ||
			history[1].Content != edited.Content || history[1].Title != "T" || history[2].Title != "T2" {
			t.Fatalf("history = %+v, %v; want old, new text, new title", history, err)
		}
		if err := x.svc.Like(as(x.otto), thread.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, x.svc.Like(as(x.otto), thread.ID), convene.ECONFLICT)
		if p, _ := x.svc.FindPost(as(x.otto), thread.ID); p.LikeCount != 1 {
			t.Errorf("likes = %d", p.LikeCount)
		}
		if err := x.svc.Unlike(as(x.otto), thread.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, x.svc.DeletePost(as(x.otto), thread.ID), convene.EFORBIDDEN)
		if err := x.svc.DeletePost(as(x.olga), thread.ID); err != nil { // the owner moderates
			t.Fatal(err)
		}
		p, _ := x.svc.FindPost(as(x.mia), thread.ID)
		if p.DeletedAt == nil || p.Content != "" || p.Title != "" {
			t.Errorf("deleted post = %+v", p)
		}
		_, _, err = x.svc.PostHistory(as(x.mia), thread.ID)
		wantCode(t, err, convene.ENOTFOUND) // its earlier versions went with it
		_, err = x.svc.Reply(as(x.mia), thread.ID, "too late")
		wantCode(t, err, convene.EINVALID)
		if types := activityTypes(x.outbox(t)); !strings.Contains(types, "Update") || !strings.Contains(types, "Like") ||
			!strings.Contains(types, "Undo") || !strings.Contains(types, "Delete") {
			t.Errorf("outbox = %s", types)
		}
	})
}

func activityTypes(list []*convene.Activity) string {
	var out []string
	for _, a := range list {
		s := a.Type
		var tags []string
		if a.Embed != "" {
			tags = append(tags, "embed")
		}
		if a.GroupAwareOnly {
			tags = append(tags, "group-aware")
		}
		if len(tags) > 0 {
			s += "(" + strings.Join(tags, ",") + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestMentionsOfLocalActorsBecomeLinksAndNotify(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	p, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T",
		Body: "Hello @otto, @Surrey@convene.test and @nobody; also @x@elsewhere.example and mail@otto.example"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="https://convene.test/u/otto">@otto</a>`, `<a href="https://convene.test/c/surrey">@surrey</a>`,
		"@nobody", "@x@elsewhere.example", "mail@otto.example"} {
		if !strings.Contains(p.Content, want) {
			t.Errorf("content lacks %q: %s", want, p.Content)
		}
	}
	if p.Mentions != "https://convene.test/u/otto https://convene.test/c/surrey" || p.Source != "Hello @otto, @Surrey@convene.test and @nobody; also @x@elsewhere.example and mail@otto.example" {
		t.Errorf("mentions = %q, source = %q", p.Mentions, p.Source)
	}
	notes, _ := x.svc.Notifications(as(x.otto), "", 10)
	if len(notes) != 1 || notes[0].Type != "mention" {
		t.Errorf("otto's notifications = %v", notes)
	}
}

func TestHashtagsBecomeLinksAndTagPages(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	p, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T",
		Body: "# Heading\n\nWalks in #Surrey and #Surrey again, #2026 is no tag, #café_culture is.\n"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Content, `<a href="https://convene.test/tags/surrey">#Surrey</a>`) || strings.Contains(p.Content, "/tags/2026") ||
		!strings.Contains(p.Content, "<h1>Heading</h1>") {
		t.Errorf("content = %s", p.Content)
	}
	tagged, err := x.svc.TaggedPosts(context.Background(), "#SURREY", "", 10)
	if err != nil || len(tagged) != 1 || tagged[0].ID != p.ID {
		t.Errorf("TaggedPosts = %v, %v", tagged, err)
	}
	if tagged, _ := x.svc.TaggedPosts(context.Background(), "café_culture", "", 10); len(tagged) != 1 {
		t.Error("a unicode tag was not stored")
	}
	newBody := "now about #hills"
	if _, err := x.svc.EditPost(as(x.mia), p.ID, service.PostEdit{Body: &newBody}); err != nil {
		t.Fatal(err)
	}
	if tagged, _ := x.svc.TaggedPosts(context.Background(), "surrey", "", 10); len(tagged) != 0 {
		t.Error("an edit left the old tag behind")
	}
	if tagged, _ := x.svc.TaggedPosts(context.Background(), "hills", "", 10); len(tagged) != 1 {
		t.Error("an edit did not add the new tag")
	}
	secret, _ := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "#surrey inside",
		Visibility: convene.VisibilityCommunity})
	if tagged, _ := x.svc.TaggedPosts(context.Background(), "surrey", "", 10); len(tagged) != 0 || secret == nil {
		t.Error("a community-only post is on the public tag page")
	}
}

func TestCommunityOnlyPostsMentionOnlyThoseWhoMayReadThem(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	p, err := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T",
		Body: "Hi @otto and @olga", Visibility: convene.VisibilityCommunity})
	if err != nil {
		t.Fatal(err)
	}
	if p.Mentions != "https://convene.test/u/olga" { // olga moderates; otto is not a member
		t.Errorf("mentions = %q", p.Mentions)
	}
	if notes, _ := x.svc.Notifications(as(x.otto), "", 10); len(notes) != 0 {
		t.Errorf("a non-member was notified of a community-only post: %v", notes)
	}
}

func TestAnEarlyDeleteKeepsOutOnlyItsOwnAuthorsPost(t *testing.T) {
	x := newDiscussion(t, dbtest.OpenSQLite(t), convene.PostingMembers)
	thread, _ := x.svc.CreateThread(as(x.mia), service.ThreadCreate{Community: "surrey", Title: "T", Body: "B"})
	iri := "https://social.example/users/eve/statuses/1"
	if err := x.svc.ReceivePostDelete(context.Background(), iri, "https://social.example/users/mallory", nil); err != nil {
		t.Fatal(err)
	}
	rp := service.RemotePost{IRI: iri, Author: "https://social.example/users/eve", Content: "<p>hi</p>",
		InReplyTo: thread.IRI, Public: true}
	if p, err := x.svc.ReceivePost(context.Background(), rp); err != nil || p == nil {
		t.Fatalf("eve's reply was kept out by mallory's Delete: %v, %v", p, err)
	}
	iri2 := "https://social.example/users/eve/statuses/2"
	x.svc.ReceivePostDelete(context.Background(), iri2, rp.Author, nil)
	rp.IRI = iri2
	if p, _ := x.svc.ReceivePost(context.Background(), rp); p != nil {
		t.Error("a post its author deleted before it arrived was filed")
	}
}
