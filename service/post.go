package service

import (
	"context"
	"slices"
	"strings"

	"github.com/convene-social/convene"
)

// ThreadCreate is the input to CreateThread.
type ThreadCreate struct {
	Community  string // slug
	Title      string
	Body       string // markdown
	Visibility convene.Visibility
	MediaIDs   []string    // the author's uploads to attach, in order
	Poll       *PollCreate // optional
}

// CreateThread starts a discussion in a community, if its posting policy lets the principal.
// The thread and its federation (the author's Create, the community's Announces) are written
// in one transaction.
func (s *Service) CreateThread(ctx context.Context, in ThreadCreate) (*convene.Post, error) {
	if err := filesOrPoll(in.MediaIDs, in.Poll); err != nil {
		return nil, err
	}
	author, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.FindCommunity(ctx, in.Community)
	if err != nil {
		return nil, err
	}
	if err := s.checkMayStartThread(ctx, c, author); err != nil {
		return nil, err
	}
	title, err := validateText("title", in.Title, convene.MaxTitleLength, true)
	if err != nil {
		return nil, err
	}
	p, err := s.newPost(ctx, author, c.ID, s.iris.Group(c.Slug), in.Body, in.Visibility, in.MediaIDs)
	if err != nil {
		return nil, err
	}
	p.Title, p.ThreadID = title, p.ID
	if p.Poll, err = s.newPoll(in.Poll); err != nil {
		return nil, err
	}
	return p, s.publishPost(ctx, c, p, in.MediaIDs)
}

// ReplyCreate is the input to ReplyWith.
type ReplyCreate struct {
	ParentID string
	Body     string   // markdown; may be empty when files are attached
	MediaIDs []string // the author's uploads to attach, in order
	Poll     *PollCreate
}

// Reply answers a thread or a reply (any depth) with the thread's visibility. Whoever may see
// the thread may reply to it, here or in a followed community elsewhere.
func (s *Service) Reply(ctx context.Context, parentID, body string) (*convene.Post, error) {
	return s.ReplyWith(ctx, ReplyCreate{ParentID: parentID, Body: body})
}

// ReplyWith is Reply with attachments.
func (s *Service) ReplyWith(ctx context.Context, in ReplyCreate) (*convene.Post, error) {
	if err := filesOrPoll(in.MediaIDs, in.Poll); err != nil {
		return nil, err
	}
	parentID := in.ParentID
	author, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	parent, c, err := s.visiblePost(ctx, parentID)
	if err != nil {
		return nil, err
	}
	if parent.DeletedAt != nil {
		return nil, convene.Errorf(convene.EINVALID, "that post was deleted")
	}
	p, err := s.newPost(ctx, author, parent.CommunityID, parent.CommunityIRI, in.Body, parent.Visibility, in.MediaIDs)
	if err != nil {
		return nil, err
	}
	p.ThreadID, p.ParentID = parent.ThreadID, parent.ID
	if p.Poll, err = s.newPoll(in.Poll); err != nil {
		return nil, err
	}
	return p, s.publishPost(ctx, c, p, in.MediaIDs)
}

// maxPostBody bounds a post's markdown.
const maxPostBody = 20000

// newPost makes a local post; its body may be empty only when it carries files.
func (s *Service) newPost(ctx context.Context, author *convene.Account, communityID, communityIRI, body string, v convene.Visibility,
	media []string) (*convene.Post, error) {
	source, err := validateText("body", body, maxPostBody, len(media) == 0)
	if err != nil {
		return nil, err
	}
	if err := s.checkAttachable(ctx, author, "", media); err != nil {
		return nil, err
	}
	if v == "" {
		v = convene.VisibilityPublic
	}
	if !v.Valid() {
		return nil, convene.Errorf(convene.EINVALID, "visibility %q must be public or community", v)
	}
	now := s.timestamp()
	id := convene.NewIDAt(now)
	return &convene.Post{
		ID: id, IRI: s.iris.Post(id), CommunityID: communityID, CommunityIRI: communityIRI,
		AuthorIRI: s.iris.Person(author.Username), AccountID: author.ID,
		Source: source, Visibility: v, PublishedAt: now,
	}, nil
}

// render sets a local post's HTML from its markdown, with its mentions linked.
// A community-only post addresses (cc, Mention tags, notifications) only mentioned actors who
// may read it: the community's accepted followers and its local moderators.
func (s *Service) render(ctx context.Context, c *convene.Community, p *convene.Post) {
	linked, mentioned := s.linkMentions(ctx, p.Source)
	linked, p.Tags = s.linkHashtags(linked)
	if p.Visibility != convene.VisibilityPublic && c != nil {
		mentioned = slices.DeleteFunc(mentioned, func(iri string) bool { return !s.mayRead(ctx, c, iri) })
	}
	p.Content, p.Mentions = RenderMarkdown(linked), strings.Join(mentioned, " ")
}

// mayRead reports whether the actor iri may read c's community-only posts.
func (s *Service) mayRead(ctx context.Context, c *convene.Community, iri string) bool {
	if member, err := s.isMember(ctx, c, iri); err == nil && member {
		return true
	}
	kind, name, ok := s.iris.LocalActor(iri)
	if !ok || kind != "person" {
		return false
	}
	a, err := s.store.FindAccountByUsername(ctx, name)
	if err != nil {
		return false
	}
	mod, err := s.store.IsModerator(ctx, c.ID, a.ID)
	return err == nil && mod
}

// TaggedPosts lists public posts carrying a hashtag, newest first.
func (s *Service) TaggedPosts(ctx context.Context, tag, beforeID string, limit int) ([]*convene.Post, error) {
	tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
	if tag == "" || len(tag) > 100 {
		return nil, convene.Errorf(convene.EINVALID, "not a hashtag")
	}
	return s.store.FindPosts(ctx, convene.PostFilter{Tag: tag, PublicOnly: true, BeforeID: beforeID, Limit: limit})
}

// publishPost stores a new local post with its attachments and its federation.
func (s *Service) publishPost(ctx context.Context, c *convene.Community, p *convene.Post, media []string) error {
	s.render(ctx, c, p)
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CreatePost(ctx, p); err != nil {
			return err
		}
		if len(media) > 0 {
			if _, err := attachMedia(ctx, tx, p, media); err != nil {
				return err
			}
		}
		parentAuthor, err := s.parentAuthor(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := s.notifyParentAuthor(ctx, tx, p); err != nil {
			return err
		}
		if err := s.notifyMentioned(ctx, tx, p, parentAuthor); err != nil {
			return err
		}
		return s.federatePost(ctx, tx, c, p, "Create")
	})
}

// notifyParentAuthor tells the local author of the post p answers, unless they answer themselves.
func (s *Service) notifyParentAuthor(ctx context.Context, tx convene.Store, p *convene.Post) error {
	if p.ParentID == "" {
		return nil
	}
	parent, err := tx.FindPostByID(ctx, p.ParentID)
	if err != nil || parent.AccountID == "" || parent.AccountID == p.AccountID {
		return err
	}
	return tx.CreateNotification(ctx, &convene.Notification{ID: convene.NewID(), AccountID: parent.AccountID,
		Type: "reply", Actor: p.AuthorIRI, PostID: p.ID, CreatedAt: s.timestamp()})
}

// federatePost queues what other servers must hear of a change to a local post: the
// author's activity to the community (and to whom a reply answers), and, when the community
// is ours (c != nil), its Announce to its followers (FEP-1b12). Only a new thread is also
// boosted as Announce{object}, and only public threads reach microblog servers at all. In a
// community elsewhere, that community announces it.
func (s *Service) federatePost(ctx context.Context, tx convene.Store, c *convene.Community, p *convene.Post, typ string) error {
	now := s.timestamp()
	group := p.CommunityIRI
	followers := s.iris.Followers(group)
	authorTo := []string{group}
	if p.Visibility == convene.VisibilityPublic {
		authorTo = append([]string{convene.PublicIRI}, authorTo...)
	}
	parentAuthor, err := s.parentAuthor(ctx, tx, p)
	if err != nil {
		return err
	}
	if parentAuthor != "" && parentAuthor != p.AuthorIRI {
		authorTo = append(authorTo, parentAuthor)
	}
	cc := strings.Fields(p.Mentions)
	if p.Visibility != convene.VisibilityPublic && c != nil {
		// Whom a members-only post answers or mentions hears of it (and of every later edit)
		// only while they may still read it: someone who left is not told.
		mayNotRead := func(iri string) bool { return iri != group && !s.mayRead(ctx, c, iri) }
		authorTo, cc = slices.DeleteFunc(authorTo, mayNotRead), slices.DeleteFunc(cc, mayNotRead)
	}
	activity := &convene.Activity{ID: convene.NewIDAt(now), Type: typ, Actor: p.AuthorIRI, Object: p.IRI,
		To: authorTo, Cc: cc, Published: now}
	if err := tx.EnqueueActivity(ctx, activity); err != nil || c == nil {
		return err
	}
	announceTo := []string{followers}
	if p.Visibility == convene.VisibilityPublic {
		announceTo = []string{convene.PublicIRI, followers}
	}
	newThread := typ == "Create" && p.IsThread()
	wrapped := &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group, Object: p.IRI,
		Embed: activity.ID, To: announceTo, GroupAwareOnly: !newThread || p.Visibility != convene.VisibilityPublic, Published: now}
	if err := tx.EnqueueActivity(ctx, wrapped); err != nil {
		return err
	}
	if !newThread || p.Visibility != convene.VisibilityPublic {
		return nil
	}
	boost := &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group, Object: p.IRI,
		To: announceTo, Published: now}
	return tx.EnqueueActivity(ctx, boost)
}

func (s *Service) parentAuthor(ctx context.Context, tx convene.Store, p *convene.Post) (string, error) {
	if p.ParentID == "" {
		return "", nil
	}
	parent, err := tx.FindPostByID(ctx, p.ParentID)
	if err != nil {
		return "", err
	}
	return parent.AuthorIRI, nil
}

// PostEdit changes the fields that are not nil.
type PostEdit struct {
	Title *string // threads only
	Body  *string // markdown
	// MediaIDs become the post's attachments, in order: kept, reordered, added or dropped.
	MediaIDs *[]string
	// MediaDescriptions change the alt text of the post's files, by media id (Mastodon's
	// media_attributes); ids not on the post are ignored.
	MediaDescriptions map[string]string
}

// EditPost changes a local post. Only its author may; the edit time is kept (AS2 updated).
func (s *Service) EditPost(ctx context.Context, id string, edit PostEdit) (*convene.Post, error) {
	p, c, err := s.visiblePost(ctx, id)
	if err != nil {
		return nil, err
	}
	if !mayEditPost(convene.PrincipalFrom(ctx), p) {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only the author may edit a post")
	}
	if edit.Title != nil && p.IsThread() {
		if p.Title, err = validateText("title", *edit.Title, convene.MaxTitleLength, true); err != nil {
			return nil, err
		}
	}
	if edit.Body != nil {
		if p.Source, err = validateText("body", *edit.Body, maxPostBody, edit.MediaIDs == nil || len(*edit.MediaIDs) == 0); err != nil {
			return nil, err
		}
		s.render(ctx, c, p)
	}
	if edit.MediaIDs != nil {
		if err := s.checkAttachable(ctx, convene.PrincipalFrom(ctx).Account, p.ID, *edit.MediaIDs); err != nil {
			return nil, err
		}
		if len(*edit.MediaIDs) > 0 {
			if _, err := s.store.FindPoll(ctx, p.ID); err == nil {
				return nil, filesOrPoll(*edit.MediaIDs, &PollCreate{})
			} else if convene.ErrorCode(err) != convene.ENOTFOUND {
				return nil, err
			}
		}
	}
	if err := checkDescriptions(edit.MediaDescriptions); err != nil {
		return nil, err
	}
	now := s.timestamp()
	p.EditedAt = &now
	defer s.notifyOutbox()
	var dropped []*convene.Media
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.UpdatePost(ctx, p); err != nil {
			return err
		}
		if edit.MediaIDs != nil {
			if dropped, err = attachMedia(ctx, tx, p, *edit.MediaIDs); err != nil {
				return err
			}
		}
		if err := describeMedia(ctx, tx, p.ID, edit.MediaDescriptions); err != nil {
			return err
		}
		return s.federatePost(ctx, tx, c, p, "Update")
	})
	if err != nil {
		return nil, err
	}
	s.removeFiles(ctx, dropped)
	return p, nil
}

// DeletePost turns a post into a tombstone: its author or the community's moderators may.
// Replies to it stay, under a deleted parent, as on Lemmy and Mastodon. When its author
// deletes it, its files wait a day, unattached, as Mastodon keeps them, so that an app's
// delete-and-redraft can attach them again; a moderator's deletion removes them at once.
func (s *Service) DeletePost(ctx context.Context, id string) error {
	return s.deletePost(ctx, id, true)
}

// DeletePostAndMedia deletes a post as DeletePost does, and its files at once, whoever
// deletes it (the API's delete_media).
func (s *Service) DeletePostAndMedia(ctx context.Context, id string) error {
	return s.deletePost(ctx, id, false)
}

func (s *Service) deletePost(ctx context.Context, id string, keepAuthorsFiles bool) error {
	p, c, err := s.visiblePost(ctx, id)
	if err != nil {
		return err
	}
	if p.DeletedAt != nil {
		return nil
	}
	pr := convene.PrincipalFrom(ctx)
	mod, err := s.moderates(ctx, c)
	if err != nil {
		return err
	}
	if !mayDeletePost(pr, p, mod) {
		return convene.Errorf(convene.EFORBIDDEN, "only the author or a moderator may delete a post")
	}
	now := s.timestamp()
	defer s.notifyOutbox()
	var removed []*convene.Media
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.TombstonePost(ctx, p.ID, now); err != nil {
			return err
		}
		if keepAuthorsFiles && pr.Account != nil && pr.Account.ID == p.AccountID {
			err = tx.DetachPostMedia(ctx, p.ID, now)
		} else {
			removed, err = tx.DeletePostMedia(ctx, p.ID)
		}
		if err != nil {
			return err
		}
		p.DeletedAt = &now
		if p.AccountID == "" {
			return s.federateRemoval(ctx, tx, c, p, pr.Account)
		}
		return s.federatePost(ctx, tx, c, p, "Delete")
	})
	if err == nil { // the files go only once the rows are gone for good
		s.removeFiles(ctx, removed)
	}
	return err
}

// federateRemoval tells the community's group-aware followers that a moderator removed a
// remote post (Lemmy's form: the moderator's Delete, announced by the community). Our own
// followers drop it; the author's server keeps it, which is its right.
func (s *Service) federateRemoval(ctx context.Context, tx convene.Store, c *convene.Community, p *convene.Post, mod *convene.Account) error {
	if c == nil || mod == nil {
		return nil // the operator at the command line acts as nobody in particular
	}
	now := s.timestamp()
	group := s.iris.Group(c.Slug)
	del := &convene.Activity{ID: convene.NewIDAt(now), Type: "Delete", Actor: s.iris.Person(mod.Username), Object: p.IRI,
		To: []string{group}, Published: now}
	if err := tx.EnqueueActivity(ctx, del); err != nil {
		return err
	}
	return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group, Object: p.IRI,
		Embed: del.ID, To: []string{s.iris.Followers(group)}, GroupAwareOnly: true, Published: now})
}

// Like records the principal liking a post it can see; unlike withdraws it.
func (s *Service) Like(ctx context.Context, id string) error {
	return s.like(ctx, id, true)
}

// Unlike withdraws a like.
func (s *Service) Unlike(ctx context.Context, id string) error {
	return s.like(ctx, id, false)
}

func (s *Service) like(ctx context.Context, id string, like bool) error {
	author, err := s.postingAccount(ctx)
	if err != nil {
		return err
	}
	p, c, err := s.visiblePost(ctx, id)
	if err != nil {
		return err
	}
	if like && p.DeletedAt != nil {
		return convene.Errorf(convene.EINVALID, "that post was deleted")
	}
	actor := s.iris.Person(author.Username)
	now := s.timestamp()
	group := p.CommunityIRI
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		activity := &convene.Activity{ID: convene.NewIDAt(now), Type: "Like", Actor: actor, Object: p.IRI,
			To: []string{p.AuthorIRI, group}, Published: now}
		if like {
			if err := tx.AddLike(ctx, p.ID, actor, s.iris.Activity(activity.ID), now); err != nil {
				return err
			}
		} else {
			likeIRI, err := tx.RemoveLike(ctx, p.ID, actor)
			if err != nil {
				return err
			}
			activity.Type, activity.Object = "Undo", likeIRI
			activity.Inner = &convene.InnerActivity{IRI: likeIRI, Type: "Like", Actor: actor, Object: p.IRI}
		}
		if err := tx.EnqueueActivity(ctx, activity); err != nil || c == nil {
			return err // a community elsewhere announces its own likes
		}
		return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group,
			Object: p.IRI, Embed: activity.ID, To: []string{s.iris.Followers(group)}, GroupAwareOnly: true, Published: now})
	})
}

// postingAccount is the approved local account acting.
func (s *Service) postingAccount(ctx context.Context) (*convene.Account, error) {
	p := convene.PrincipalFrom(ctx)
	switch {
	case p.Account == nil:
		return nil, convene.Errorf(convene.EUNAUTHORIZED, "sign in to post")
	case p.Account.State != convene.AccountApproved:
		return nil, convene.Errorf(convene.EFORBIDDEN, "your account is waiting for approval")
	}
	return p.Account, nil
}

// checkMayStartThread applies the community's posting policy to a local account.
// (threadRights applies the same rule to many communities at once.)
func (s *Service) checkMayStartThread(ctx context.Context, c *convene.Community, a *convene.Account) error {
	mod, err := s.CanModerate(ctx, c)
	if err != nil {
		return err
	}
	member := false
	if !mod && c.PostingPolicy != convene.PostingModerators {
		if member, err = s.isMember(ctx, c, s.iris.Person(a.Username)); err != nil {
			return err
		}
	}
	return threadRule(c, mod, member)
}

// threadRule is who may start threads in a community: its moderators (instance staff
// moderate everywhere), and its members unless its policy keeps threads to moderators.
func threadRule(c *convene.Community, moderator, member bool) error {
	switch {
	case moderator:
		return nil
	case c.PostingPolicy == convene.PostingModerators:
		return convene.Errorf(convene.EFORBIDDEN, "only moderators start threads in %s", c.Slug)
	case !member:
		return convene.Errorf(convene.EFORBIDDEN, "join %s to start a thread there", c.Slug)
	}
	return nil
}

// threadRights is threadRule's input for one account, read once for many communities:
// staff anywhere, the communities it moderates, and those it is a member of.
type threadRights struct {
	staff     bool
	moderates map[string]bool // group IRIs
	memberOf  map[string]bool // group IRIs
}

func (r *threadRights) mayStartThread(c *convene.Community, group string) bool {
	return threadRule(c, r.staff || r.moderates[group], r.memberOf[group]) == nil
}

// threadRightsOfPrincipal reads where the signed-in, approved account may start threads;
// nil for anyone else (who may start none).
func (s *Service) threadRightsOfPrincipal(ctx context.Context) (*threadRights, error) {
	p := convene.PrincipalFrom(ctx)
	if p.Account == nil || p.Account.State != convene.AccountApproved {
		return nil, nil
	}
	rights := &threadRights{staff: p.IsStaff(), memberOf: map[string]bool{}}
	moderated, err := s.moderatedGroups(ctx)
	if err != nil {
		return nil, err
	}
	rights.moderates = make(map[string]bool, len(moderated))
	for iri := range moderated {
		rights.moderates[iri] = true
	}
	err = s.eachFollow(ctx, convene.FollowFilter{Follower: s.iris.Person(p.Account.Username), State: convene.FollowAccepted},
		func(f *convene.Follow) error {
			rights.memberOf[f.Followee] = true
			return nil
		})
	return rights, err
}

// isMember reports whether actor follows the community and was accepted.
func (s *Service) isMember(ctx context.Context, c *convene.Community, actor string) (bool, error) {
	return s.followsAccepted(ctx, actor, s.iris.Group(c.Slug))
}

// followsAccepted reports whether follower follows followee and was accepted.
func (s *Service) followsAccepted(ctx context.Context, follower, followee string) (bool, error) {
	f, err := s.store.FindFollow(ctx, follower, followee)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return false, nil
	}
	return err == nil && f.State == convene.FollowAccepted, err
}

// visiblePost loads a post and its local community (nil for a community elsewhere, whose
// posts we keep only when public), as ENOTFOUND if the principal may not see it (a
// community-only post does not admit it exists to outsiders).
func (s *Service) visiblePost(ctx context.Context, id string) (*convene.Post, *convene.Community, error) {
	p, err := s.store.FindPostByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if p.CommunityID == "" {
		if p.Visibility != convene.VisibilityPublic {
			return nil, nil, convene.Errorf(convene.ENOTFOUND, "post not found")
		}
		return p, nil, nil
	}
	c, err := s.store.FindCommunityByID(ctx, p.CommunityID)
	if err != nil {
		return nil, nil, err
	}
	ok, err := s.canSee(ctx, c, p)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, convene.Errorf(convene.ENOTFOUND, "post not found")
	}
	return p, c, nil
}

// canSee applies a post's visibility to the principal: community-only posts are for the
// community's accepted followers and moderators.
func (s *Service) canSee(ctx context.Context, c *convene.Community, p *convene.Post) (bool, error) {
	if p.Visibility == convene.VisibilityPublic {
		return true, nil
	}
	if mod, err := s.CanModerate(ctx, c); err != nil || mod {
		return mod, err
	}
	pr := convene.PrincipalFrom(ctx)
	if pr.Account == nil {
		return false, nil
	}
	return s.isMember(ctx, c, s.iris.Person(pr.Account.Username))
}

// VisiblePosts loads the posts with these ids that the principal may see, with one query
// (and one membership check per community of a members-only post among them).
func (s *Service) VisiblePosts(ctx context.Context, ids []string) ([]*convene.Post, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	posts, err := s.store.FindPosts(ctx, convene.PostFilter{IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	seeing := map[string]bool{} // by community id, for members-only posts
	visible := posts[:0]
	for _, p := range posts {
		if p.Visibility != convene.VisibilityPublic {
			sees, known := seeing[p.CommunityID]
			if !known {
				if sees, err = s.seesMembersOnly(ctx, p); err != nil {
					return nil, err
				}
				seeing[p.CommunityID] = sees
			}
			if !sees {
				continue
			}
		}
		visible = append(visible, p)
	}
	return visible, nil
}

// seesMembersOnly reports whether the principal may see members-only posts where p is.
func (s *Service) seesMembersOnly(ctx context.Context, p *convene.Post) (bool, error) {
	if p.CommunityID == "" {
		return false, nil
	}
	c, err := s.store.FindCommunityByID(ctx, p.CommunityID)
	if err != nil {
		return false, err
	}
	return s.canSee(ctx, c, p)
}

// FindPost returns a post the principal may see.
func (s *Service) FindPost(ctx context.Context, id string) (*convene.Post, error) {
	p, _, err := s.visiblePost(ctx, id)
	return p, err
}

// Thread returns a thread's posts, oldest first, if the principal may see it.
func (s *Service) Thread(ctx context.Context, id string) ([]*convene.Post, error) {
	root, _, err := s.visiblePost(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.store.FindPosts(ctx, convene.PostFilter{ThreadID: root.ThreadID, Limit: 200})
}

// CommunityThreads lists a community's threads, newest first, that the principal may see.
func (s *Service) CommunityThreads(ctx context.Context, slug, beforeID string, limit int) ([]*convene.Post, error) {
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	f := convene.PostFilter{CommunityID: c.ID, ThreadsOnly: true, BeforeID: beforeID, Limit: limit}
	if member, err := s.canSee(ctx, c, &convene.Post{Visibility: convene.VisibilityCommunity}); err != nil {
		return nil, err
	} else if !member {
		f.PublicOnly = true
	}
	return s.store.FindPosts(ctx, f)
}

// Join makes the principal's account follow (join) a local community, under its follow
// policy: at once when open, pending a moderator otherwise.
func (s *Service) Join(ctx context.Context, slug string) (*convene.Follow, error) {
	a, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.FindCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.followLocalCommunity(ctx, s.iris.Person(a.Username), c)
}

// FindPostForActor returns a post as a remote actor may see it: public posts for anyone,
// community-only ones only for the community's accepted followers (actor is "" when the
// request was not signed).
func (s *Service) FindPostForActor(ctx context.Context, id, actor string) (*convene.Post, error) {
	p, err := s.store.FindPostByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.postForActor(ctx, p, actor)
}

// postForActor is FindPostForActor for a post already loaded.
func (s *Service) postForActor(ctx context.Context, p *convene.Post, actor string) (*convene.Post, error) {
	if p.Visibility == convene.VisibilityPublic {
		return p, nil
	}
	if p.CommunityID == "" {
		return nil, convene.Errorf(convene.ENOTFOUND, "post not found")
	}
	c, err := s.store.FindCommunityByID(ctx, p.CommunityID)
	if err != nil {
		return nil, err
	}
	if member, err := s.isMember(ctx, c, actor); err != nil || !member || actor == "" {
		return nil, firstErr(err, convene.Errorf(convene.ENOTFOUND, "post not found"))
	}
	return p, nil
}

// ThreadPosts returns the posts of p's thread, oldest first. Replies share their thread's
// visibility, so a caller that may see p (FindPostForActor) may see them all.
func (s *Service) ThreadPosts(ctx context.Context, p *convene.Post) ([]*convene.Post, error) {
	return s.store.FindPosts(ctx, convene.PostFilter{ThreadID: p.ThreadID, Limit: 200})
}

// CommunityThreadsOf lists the public threads of a community by its IRI, here or elsewhere,
// newest first: how a followed community's discussions are read.
func (s *Service) CommunityThreadsOf(ctx context.Context, communityIRI, beforeID string, limit int) ([]*convene.Post, error) {
	f := convene.PostFilter{CommunityIRI: communityIRI, ThreadsOnly: true, PublicOnly: true, BeforeID: beforeID, Limit: limit}
	if kind, slug, ok := s.iris.LocalActor(communityIRI); ok && kind == "group" {
		// Public only, whoever asks: another community's page shows these.
		c, err := s.FindCommunity(ctx, slug)
		if err != nil {
			return nil, err
		}
		f.CommunityIRI, f.CommunityID = "", c.ID
	}
	return s.store.FindPosts(ctx, f)
}
