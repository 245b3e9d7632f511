package mastodon_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/handlers/mastodon"
	"github.com/convene-social/convene/service"
)

// The shapes below are research/mastodon-client-api.md §3: what Tusky's and Ice Cubes'
// strict decoders require. Kinds: string, url (absolute, non-empty), bool, number, array
// (then the path "x[]" checks each element), object, datetime (".000Z"), date, and any of
// them "|null" when the field may be null. A field missing from the JSON always fails.

var accountShape = map[string]string{
	"id": "string", "username": "string", "acct": "string", "display_name": "string", "locked": "bool",
	"bot": "bool", "group": "bool", "discoverable": "bool|null", "created_at": "datetime", "note": "string",
	"url": "url", "uri": "url", "avatar": "url", "avatar_static": "url", "header": "url", "header_static": "url",
	"followers_count": "number", "following_count": "number", "statuses_count": "number",
	"last_status_at": "date|null", "emojis": "array", "fields": "array",
}

var statusShape = map[string]string{
	"id": "string", "uri": "url", "url": "url|null", "created_at": "datetime", "edited_at": "datetime|null",
	"account": "object", "content": "string", "visibility": "string", "sensitive": "bool", "spoiler_text": "string",
	"media_attachments": "array", "mentions": "array", "tags": "array", "emojis": "array",
	"reblogs_count": "number", "favourites_count": "number", "replies_count": "number",
	"in_reply_to_id": "string|null", "in_reply_to_account_id": "string|null", "reblog": "object|null",
	"poll": "object|null", "card": "object|null", "language": "string|null",
	"favourited": "bool", "reblogged": "bool", "bookmarked": "bool", "muted": "bool", "pinned": "bool",
}

var (
	datetimeRule = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	dateRule     = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
)

// decodeEntity marshals v and decodes it generically, as a client would see it.
func decodeEntity(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

// checkShape fails for every field of shape that m lacks or holds with the wrong JSON type.
func checkShape(t *testing.T, what string, m map[string]any, shape map[string]string) {
	t.Helper()
	for field, kinds := range shape {
		v, ok := m[field]
		if !ok {
			t.Errorf("%s: %q is missing", what, field)
			continue
		}
		if err := checkKind(v, kinds); err != nil {
			t.Errorf("%s.%s = %#v: %v", what, field, v, err)
		}
	}
}

func checkKind(v any, kinds string) error {
	for _, kind := range strings.Split(kinds, "|") {
		if kindOf(v, kind) {
			return nil
		}
	}
	return fmt.Errorf("want %s", kinds)
}

func kindOf(v any, kind string) bool {
	switch kind {
	case "null":
		return v == nil
	case "string":
		_, ok := v.(string)
		return ok
	case "url":
		s, ok := v.(string)
		return ok && (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && len(s) > len("https://x")
	case "datetime":
		s, ok := v.(string)
		return ok && datetimeRule.MatchString(s)
	case "date":
		s, ok := v.(string)
		return ok && dateRule.MatchString(s)
	case "bool":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	panic("unknown kind " + kind)
}

func obj(t *testing.T, m map[string]any, field string) map[string]any {
	t.Helper()
	o, ok := m[field].(map[string]any)
	if !ok {
		t.Fatalf("%s = %#v, want an object", field, m[field])
	}
	return o
}

// fixture is a small world: the instance convene.test with a person, two communities, remote
// actors, a thread with a reply, and an event.
type fixture struct {
	conv      mastodon.Converter
	iris      federation.IRIs
	mia       *convene.Account
	surrey    *convene.Community
	rae, lemm *convene.RemoteActor
	thread    *convene.Post
	reply     *convene.Post
	event     *convene.Event
}

var (
	created = time.Date(2026, 1, 2, 3, 4, 5, 678_901_000, time.UTC)
	later   = created.Add(90 * time.Minute)
)

func newFixture(t *testing.T) fixture {
	t.Helper()
	render, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	iris := federation.NewIRIs("https", "convene.test")
	conv, err := mastodon.NewConverter(iris, render)
	if err != nil {
		t.Fatal(err)
	}
	threadID := convene.NewIDAt(created)
	edited := later
	f := fixture{conv: conv, iris: iris,
		mia: &convene.Account{ID: convene.NewIDAt(created), Username: "mia", DisplayName: "Mia Moss", Bio: "Gardener *and* convener",
			Role: convene.RoleMember, State: convene.AccountApproved, CreatedAt: created},
		surrey: &convene.Community{ID: convene.NewIDAt(created), Slug: "surrey", Name: "Surrey Growers", Summary: "Growing **together**",
			FollowPolicy: convene.FollowApproval, CreatedAt: created},
		rae: &convene.RemoteActor{ID: convene.NewIDAt(created), IRI: "https://mastodon.example/users/rae", Type: "Person",
			Username: "rae", Domain: "mastodon.example", Name: "Rae", URL: "https://mastodon.example/@rae", CreatedAt: created},
		lemm: &convene.RemoteActor{ID: convene.NewIDAt(created), IRI: "https://lemmy.example/c/gardens", Type: "Group",
			Username: "gardens", Domain: "lemmy.example", Name: "Gardens", ManuallyApproves: false, CreatedAt: created},
		thread: &convene.Post{ID: threadID, IRI: iris.Post(threadID), ThreadID: threadID, Title: "Seed swap <soon>",
			Content: `<p>Bring seeds <a href="https://convene.test/tags/seeds">#seeds</a></p>`, Tags: []string{"seeds"},
			Visibility: convene.VisibilityPublic, ReplyCount: 1, LikeCount: 2, PublishedAt: created, EditedAt: &edited},
	}
	replyID := convene.NewIDAt(later)
	f.reply = &convene.Post{ID: replyID, IRI: iris.Post(replyID), ThreadID: threadID, ParentID: threadID,
		Content: "<p>I'm in</p>", Visibility: convene.VisibilityCommunity, PublishedAt: later}
	eventID := convene.NewIDAt(created)
	end := time.Date(2026, 2, 3, 20, 0, 0, 0, time.UTC)
	f.event = &convene.Event{ID: eventID, IRI: iris.Event(eventID), Title: "Spring planting", Content: "<p>Bring gloves.</p>",
		StartsAt: time.Date(2026, 2, 3, 18, 30, 0, 0, time.UTC), EndsAt: &end, Timezone: "Europe/London",
		Place:  convene.Place{Name: "Guildford Library", Street: "77 North Street", Locality: "Guildford", Country: "UK"},
		Status: convene.EventScheduled, Public: true, PublishedAt: created, UpdatedAt: created}
	return f
}

var stats = service.ActorStats{Followers: 3, Following: 1, Statuses: 7, LastStatusAt: later}

func TestAccountsHaveEveryFieldStrictClientsRequire(t *testing.T) {
	f := newFixture(t)
	for name, a := range map[string]mastodon.Account{
		"local":        f.conv.LocalAccount(f.mia, stats),
		"community":    f.conv.CommunityAccount(f.surrey, service.ActorStats{}),
		"remote":       f.conv.RemoteAccount(f.rae),
		"remote group": f.conv.RemoteAccount(f.lemm),
	} {
		m := decodeEntity(t, a)
		checkShape(t, name, m, accountShape)
		if name != "community" && name != "local" && m["discoverable"] != nil {
			t.Errorf("%s: discoverable = %v, want null (unknown)", name, m["discoverable"])
		}
		for _, list := range []string{"emojis", "fields"} {
			if l, _ := m[list].([]any); len(l) != 0 {
				t.Errorf("%s: %s = %v, want []", name, list, l)
			}
		}
	}
	m := decodeEntity(t, f.conv.LocalAccount(f.mia, stats))
	if m["created_at"] != "2026-01-02T03:04:05.678Z" || m["last_status_at"] != "2026-01-02" {
		t.Errorf("created_at %v, last_status_at %v", m["created_at"], m["last_status_at"])
	}
	if m := decodeEntity(t, f.conv.CommunityAccount(f.surrey, service.ActorStats{})); m["last_status_at"] != nil {
		t.Errorf("a community with no threads has last_status_at %v, want null", m["last_status_at"])
	}
}

func TestCredentialAccountCarriesSource(t *testing.T) {
	f := newFixture(t)
	m := decodeEntity(t, f.conv.CredentialAccount(f.mia, stats, 2))
	checkShape(t, "credential account", m, accountShape)
	src := obj(t, m, "source")
	checkShape(t, "source", src, map[string]string{"privacy": "string", "sensitive": "bool", "language": "string",
		"note": "string", "fields": "array", "follow_requests_count": "number"})
	if src["note"] != "Gardener *and* convener" || src["follow_requests_count"] != 2.0 || src["privacy"] != "public" {
		t.Errorf("source = %v, want the bio as typed and 2 follow requests", src)
	}
}

func TestLocalAccountConversion(t *testing.T) {
	f := newFixture(t)
	a := f.conv.LocalAccount(f.mia, stats)
	if a.ID != f.mia.ID || a.Username != "mia" || a.Acct != "mia" || a.DisplayName != "Mia Moss" || a.Group || a.Locked {
		t.Errorf("account = %+v", a)
	}
	if a.URL != "https://convene.test/u/mia" || a.Note != "<p>Gardener <em>and</em> convener</p>\n" {
		t.Errorf("url %q, note %q", a.URL, a.Note)
	}
	if a.FollowersCount != 3 || a.FollowingCount != 1 || a.StatusesCount != 7 {
		t.Errorf("counts = %d %d %d", a.FollowersCount, a.FollowingCount, a.StatusesCount)
	}
	if !strings.HasPrefix(a.Avatar, "https://convene.test/static/avatar.") || !strings.HasSuffix(a.Avatar, ".png") ||
		!strings.HasPrefix(a.Header, "https://convene.test/static/header.") || a.AvatarStatic != a.Avatar {
		t.Errorf("avatar %q, header %q: want the fingerprinted default images", a.Avatar, a.Header)
	}
}

func TestCommunityIsAGroupAccountLockedWhenFollowsNeedApproval(t *testing.T) {
	f := newFixture(t)
	a := f.conv.CommunityAccount(f.surrey, stats)
	if !a.Group || !a.Locked || a.ID != f.surrey.ID || a.Acct != "surrey" || a.DisplayName != "Surrey Growers" ||
		a.URL != "https://convene.test/c/surrey" || a.Note != "<p>Growing <strong>together</strong></p>\n" {
		t.Errorf("community account = %+v", a)
	}
	f.surrey.FollowPolicy = convene.FollowOpen
	if f.conv.CommunityAccount(f.surrey, stats).Locked {
		t.Error("an open community is locked")
	}
}

func TestRemoteActorsAreAccountsWithTheirDomain(t *testing.T) {
	f := newFixture(t)
	rae := f.conv.RemoteAccount(f.rae)
	if rae.Acct != "rae@mastodon.example" || rae.Username != "rae" || rae.Group || rae.ID != f.rae.ID ||
		rae.URL != "https://mastodon.example/@rae" || rae.URI != f.rae.IRI {
		t.Errorf("remote person = %+v", rae)
	}
	lemm := f.conv.RemoteAccount(f.lemm)
	if !lemm.Group || lemm.Acct != "gardens@lemmy.example" || lemm.URL != f.lemm.IRI {
		t.Errorf("remote group = %+v", lemm)
	}
	f.rae.ManuallyApproves, f.rae.Type = true, "Service"
	if a := f.conv.RemoteAccount(f.rae); !a.Locked || !a.Bot {
		t.Errorf("a locked service = %+v, want locked and bot", a)
	}
}

// TestRemoteAccountShowsItsOwnProfile: apps show someone elsewhere with the avatar, header
// and bio their server published, and with our default pictures when it published none.
func TestRemoteAccountShowsItsOwnProfile(t *testing.T) {
	f := newFixture(t)
	f.rae.AvatarURL = "https://files.mastodon.example/avatars/rae.png"
	f.rae.HeaderURL = "https://files.mastodon.example/headers/rae.jpg"
	f.rae.Summary = `<p>Growing food in Surrey</p>`
	m := decodeEntity(t, f.conv.RemoteAccount(f.rae))
	if m["avatar"] != f.rae.AvatarURL || m["avatar_static"] != f.rae.AvatarURL || m["header"] != f.rae.HeaderURL ||
		m["header_static"] != f.rae.HeaderURL || m["note"] != f.rae.Summary {
		t.Errorf("remote account = avatar %v (static %v), header %v (static %v), note %v", m["avatar"], m["avatar_static"],
			m["header"], m["header_static"], m["note"])
	}
	local := f.conv.LocalAccount(f.mia, stats)
	lemm := f.conv.RemoteAccount(f.lemm)
	if lemm.Avatar != local.Avatar || lemm.AvatarStatic != local.Avatar || lemm.Header != local.Header || lemm.Note != "" {
		t.Errorf("a remote group without pictures = avatar %q, header %q, note %q; want the defaults %q, %q", lemm.Avatar,
			lemm.Header, lemm.Note, local.Avatar, local.Header)
	}
}

func TestStatusesHaveEveryFieldStrictClientsRequire(t *testing.T) {
	f := newFixture(t)
	author := f.conv.LocalAccount(f.mia, stats)
	refs := mastodon.StatusRefs{Account: author}
	thread := f.conv.PostStatus(f.thread, refs)
	for name, s := range map[string]mastodon.Status{
		"thread": thread,
		"reply":  f.conv.PostStatus(f.reply, mastodon.StatusRefs{Account: author, InReplyToAccountID: author.ID}),
		"event":  f.conv.EventStatus(f.event, mastodon.StatusRefs{Account: f.conv.CommunityAccount(f.surrey, stats)}),
		"boost":  mastodon.Boost(convene.NewID(), "https://convene.test/a/1", later, f.conv.CommunityAccount(f.surrey, stats), thread),
	} {
		m := decodeEntity(t, s)
		checkShape(t, name, m, statusShape)
		checkShape(t, name+".account", obj(t, m, "account"), accountShape)
		for _, list := range []string{"media_attachments", "emojis"} {
			if l, _ := m[list].([]any); len(l) != 0 {
				t.Errorf("%s: %s = %v, want []", name, list, l)
			}
		}
	}
	m := decodeEntity(t, thread)
	if m["created_at"] != "2026-01-02T03:04:05.678Z" || m["edited_at"] != "2026-01-02T04:34:05.678Z" {
		t.Errorf("created_at %v, edited_at %v", m["created_at"], m["edited_at"])
	}
	tags := m["tags"].([]any)
	if len(tags) != 1 {
		t.Fatalf("tags = %v", tags)
	}
	checkShape(t, "tag", tags[0].(map[string]any), map[string]string{"name": "string", "url": "url"})
	boost := decodeEntity(t, mastodon.Boost("B", "https://convene.test/a/1", later, author, thread))
	checkShape(t, "boost.reblog", obj(t, boost, "reblog"), statusShape)

	withMention := f.conv.PostStatus(f.thread, mastodon.StatusRefs{Account: author,
		Mentions: []mastodon.Mention{mastodon.MentionOf(f.conv.RemoteAccount(f.rae))}})
	mentions := decodeEntity(t, withMention)["mentions"].([]any)
	if len(mentions) != 1 {
		t.Fatalf("mentions = %v", mentions)
	}
	checkShape(t, "mention", mentions[0].(map[string]any), map[string]string{"id": "string", "username": "string", "acct": "string", "url": "url"})
}

func TestThreadAndReplyStatuses(t *testing.T) {
	f := newFixture(t)
	author := f.conv.LocalAccount(f.mia, stats)
	s := f.conv.PostStatus(f.thread, mastodon.StatusRefs{Account: author, Viewer: mastodon.ViewerState{Favourited: true}})
	if s.ID != f.thread.ID || s.URI != f.thread.IRI || *s.URL != f.thread.IRI || s.Visibility != "public" ||
		s.InReplyToID != nil || s.InReplyToAccountID != nil || !s.Favourited {
		t.Errorf("thread status = %+v", s)
	}
	if want := `<p><strong>Seed swap &lt;soon&gt;</strong></p>` + f.thread.Content; s.Content != want {
		t.Errorf("content = %q, want the escaped title then the stored HTML %q", s.Content, want)
	}
	if s.FavouritesCount != 2 || s.RepliesCount != 1 || s.ReblogsCount != 0 {
		t.Errorf("counts = %d favourites, %d replies", s.FavouritesCount, s.RepliesCount)
	}
	if len(s.Tags) != 1 || s.Tags[0] != (mastodon.Tag{Name: "seeds", URL: "https://convene.test/tags/seeds"}) {
		t.Errorf("tags = %v", s.Tags)
	}

	r := f.conv.PostStatus(f.reply, mastodon.StatusRefs{Account: author, InReplyToAccountID: "PARENTAUTHOR"})
	if r.InReplyToID == nil || *r.InReplyToID != f.thread.ID || r.InReplyToAccountID == nil || *r.InReplyToAccountID != "PARENTAUTHOR" {
		t.Errorf("reply points at %v / %v, want the thread and its author", r.InReplyToID, r.InReplyToAccountID)
	}
	if r.Visibility != "private" || r.Content != "<p>I'm in</p>" || r.EditedAt.Valid {
		t.Errorf("community-only reply = visibility %q, content %q, edited %v", r.Visibility, r.Content, r.EditedAt)
	}
}

func TestEventStatusGivesTitleDateZonePlaceAndLinksThePage(t *testing.T) {
	f := newFixture(t)
	group := f.conv.CommunityAccount(f.surrey, stats)
	s := f.conv.EventStatus(f.event, mastodon.StatusRefs{Account: group})
	for _, want := range []string{
		"<strong>Spring planting</strong>",
		"Tue 3 Feb 2026, 18:30–20:00",    // date and time in the event's zone (GMT in February)
		"Europe/London",                  // the zone named
		"Guildford Library",              // the place
		"77 North Street, Guildford, UK", // and its address
		"<p>Bring gloves.</p>",           // the description
		`href="` + f.event.IRI + `"`,     // the event page
	} {
		if !strings.Contains(s.Content, want) {
			t.Errorf("event content lacks %q:\n%s", want, s.Content)
		}
	}
	if s.ID != f.event.ID || s.URI != f.event.IRI || s.Visibility != "public" || s.Account.ID != f.surrey.ID {
		t.Errorf("event status = %+v", s)
	}
	if s.Card == nil || s.Card.URL != f.event.IRI || s.Card.Title != "Spring planting" ||
		!strings.Contains(s.Card.Description, "Europe/London") || s.Card.ProviderName != "convene.test" {
		t.Fatalf("card = %+v, want a link card to the event page", s.Card)
	}
	card := decodeEntity(t, s)["card"].(map[string]any)
	checkShape(t, "card", card, map[string]string{"url": "url", "title": "string", "description": "string", "type": "string",
		"author_name": "string", "author_url": "string", "provider_name": "string", "provider_url": "string", "html": "string",
		"width": "number", "height": "number", "image": "string|null", "embed_url": "string", "blurhash": "string|null"})

	f.event.Public, f.event.URL = false, "https://mobilizon.example/events/1"
	f.event.OnlineURL = "https://meet.example/room?a=1&b=2"
	s = f.conv.EventStatus(f.event, mastodon.StatusRefs{Account: group})
	if s.Visibility != "private" || *s.URL != f.event.URL || s.Card.URL != f.event.URL || s.Card.ProviderName != "mobilizon.example" {
		t.Errorf("remote non-public event = visibility %q, url %v, card %+v", s.Visibility, *s.URL, s.Card)
	}
	if !strings.Contains(s.Content, `href="https://meet.example/room?a=1&amp;b=2"`) {
		t.Errorf("online link not in content (escaped): %s", s.Content)
	}
	f.event.Title = "<script>x</script>"
	if s := f.conv.EventStatus(f.event, mastodon.StatusRefs{Account: group}); strings.Contains(s.Content, "<script>") {
		t.Errorf("the title is not escaped: %s", s.Content)
	}
}

func TestNotificationsRelationshipsAndOtherEntities(t *testing.T) {
	f := newFixture(t)
	rae := f.conv.RemoteAccount(f.rae)
	st := f.conv.PostStatus(f.reply, mastodon.StatusRefs{Account: rae})
	for kind, want := range map[string]string{"reply": "mention", "mention": "mention", "like": "favourite",
		"follow": "follow", "event_update": "update", "event_cancel": "update", "rsvp": "convene.rsvp"} {
		n := &convene.Notification{ID: convene.NewID(), Type: kind, CreatedAt: created}
		m := decodeEntity(t, mastodon.NotificationOf(n, rae, &st))
		checkShape(t, "notification", m, map[string]string{"id": "string", "type": "string", "created_at": "datetime",
			"account": "object", "status": "object"})
		if m["type"] != want {
			t.Errorf("a %s notification has type %v, want %s", kind, m["type"], want)
		}
	}
	follow := decodeEntity(t, mastodon.NotificationOf(&convene.Notification{ID: "N", Type: "follow", CreatedAt: created}, rae, nil))
	if _, ok := follow["status"]; ok {
		t.Errorf("a follow notification carries a status: %v", follow)
	}

	rel := mastodon.RelationshipOf(service.Relationship{ID: f.surrey.ID, Requested: true, FollowedBy: true})
	m := decodeEntity(t, rel)
	shape := map[string]string{"id": "string", "note": "string", "languages": "array|null"}
	for _, b := range []string{"following", "showing_reblogs", "notifying", "followed_by", "blocking", "blocked_by",
		"muting", "muting_notifications", "requested", "requested_by", "domain_blocking", "endorsed"} {
		shape[b] = "bool"
	}
	checkShape(t, "relationship", m, shape)
	if rel.Following || !rel.Requested || !rel.FollowedBy || rel.RequestedBy {
		t.Errorf("relationship = %+v, want requested and followed by", rel)
	}
	if rel := mastodon.RelationshipOf(service.Relationship{ID: "X", Following: true}); !rel.Following || !rel.ShowingReblogs || rel.FollowedBy {
		t.Errorf("relationship = %+v, want following", rel)
	}

	ctx := decodeEntity(t, mastodon.ContextOf(nil, nil))
	checkShape(t, "context", ctx, map[string]string{"ancestors": "array", "descendants": "array"})

	marker := decodeEntity(t, mastodon.Marker{LastReadID: "01H", Version: 2, UpdatedAt: mastodon.NewTime(created)})
	checkShape(t, "marker", marker, map[string]string{"last_read_id": "string", "version": "number", "updated_at": "datetime"})

	app := decodeEntity(t, mastodon.Application{ID: "1", Name: "Elk", Scopes: []string{"read"}, RedirectURI: "x://y",
		RedirectURIs: []string{"x://y"}, ClientID: "c", ClientSecret: "s"})
	checkShape(t, "application", app, map[string]string{"id": "string", "name": "string", "website": "string|null",
		"scopes": "array", "redirect_uri": "string", "redirect_uris": "array", "client_id": "string", "client_secret": "string"})
	tok := decodeEntity(t, mastodon.Token{AccessToken: "t", TokenType: "Bearer", Scope: "read", CreatedAt: created.Unix()})
	checkShape(t, "token", tok, map[string]string{"access_token": "string", "token_type": "string", "scope": "string", "created_at": "number"})
	errm := decodeEntity(t, mastodon.Error{Error: "invalid_grant", ErrorDescription: "no"})
	checkShape(t, "error", errm, map[string]string{"error": "string", "error_description": "string"})
	rule := decodeEntity(t, mastodon.Rule{ID: "1", Text: "Be kind"})
	checkShape(t, "rule", rule, map[string]string{"id": "string", "text": "string"})
	emoji := decodeEntity(t, mastodon.Emoji{Shortcode: "x", URL: "https://convene.test/x.png", StaticURL: "https://convene.test/x.png"})
	checkShape(t, "emoji", emoji, map[string]string{"shortcode": "string", "url": "url", "static_url": "url", "visible_in_picker": "bool"})
	prefs, _ := json.Marshal(mastodon.Preferences{"posting:default:visibility": "public", "posting:default:language": nil})
	if string(prefs) != `{"posting:default:language":null,"posting:default:visibility":"public"}` {
		t.Errorf("preferences = %s", prefs)
	}
}

func TestTimesHaveExactlyThreeFractionalDigits(t *testing.T) {
	for in, want := range map[time.Time]string{
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC):                              `"2026-01-02T03:04:05.000Z"`,
		time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, time.UTC):                    `"2026-01-02T03:04:05.999Z"`,
		time.Date(2026, 1, 2, 4, 4, 5, 120_000_000, time.FixedZone("CET", 3600)): `"2026-01-02T03:04:05.120Z"`,
	} {
		b, _ := json.Marshal(mastodon.NewTime(in))
		if string(b) != want {
			t.Errorf("%v marshals as %s, want %s", in, b, want)
		}
		var back mastodon.Time
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(in.Truncate(time.Millisecond)) {
			t.Errorf("%s reads back as %v, %v", b, back, err)
		}
	}
	b, _ := json.Marshal(struct {
		A mastodon.NullTime
		B mastodon.NullDate
	}{})
	if string(b) != `{"A":null,"B":null}` {
		t.Errorf("zero nullable times = %s", b)
	}
}

func TestActorAccountPicksTheRightConversion(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		actor service.Actor
		want  mastodon.Account
	}{
		{service.Actor{Account: f.mia}, f.conv.LocalAccount(f.mia, stats)},
		{service.Actor{Community: f.surrey}, f.conv.CommunityAccount(f.surrey, stats)},
		{service.Actor{Remote: f.lemm}, f.conv.RemoteAccount(f.lemm)},
	} {
		got := f.conv.ActorAccount(c.actor, stats)
		if got.ID != c.want.ID || got.Acct != c.want.Acct || got.Group != c.want.Group || got.StatusesCount != c.want.StatusesCount {
			t.Errorf("ActorAccount(%+v) = %+v, want %+v", c.actor, got, c.want)
		}
	}
}
