package service

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// RemotePost is a post that arrived from another server, already checked by federation: its
// id is on its author's host, the author signed (or its server served) it, and Content has
// passed the sanitizer.
type RemotePost struct {
	IRI       string
	Author    string   // actor IRI
	Title     string   // the Note's name; may be empty
	Content   string   // sanitized HTML
	PlainText string   // its visible text, for a title when there is no name
	InReplyTo string   // the post it answers, if any
	Groups    []string // local community IRIs it addresses or mentions
	Mentions  []string // local person IRIs it mentions
	Tags      []string // its hashtags, lowercase, without '#'
	Public    bool
	Published time.Time
	Poll      *convene.Poll // a Question's poll, with the tallies it reports
	// Activity is the Create exactly as its author sent it, for the community to announce
	// unchanged; empty for posts fetched from their origin (ancestors, announced posts).
	Activity []byte
	// Attachments are its files, linked to where they are and never downloaded.
	Attachments []RemoteAttachment
}

// ReceivePost files a remote post where it belongs: a reply joins the thread of the post it
// answers, whichever community that is; a public post that addresses or mentions a community
// starts a thread there if the community's policy lets the author. Anything else is not a
// discussion of ours and is ignored (nil, nil). A post seen before, or deleted before it
// arrived, is never filed again: a third party cannot bring it back or widen it.
func (s *Service) ReceivePost(ctx context.Context, rp RemotePost) (*convene.Post, error) {
	if done, err := s.seenBefore(ctx, rp); err != nil || done {
		return nil, err
	}
	if rp.InReplyTo != "" {
		parent, err := s.store.FindPostByIRI(ctx, rp.InReplyTo)
		if convene.ErrorCode(err) == convene.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return s.receiveReply(ctx, rp, parent)
	}
	return s.receiveThread(ctx, rp)
}

// deleteArrivedFirst is how long a Delete that arrived before its Create keeps the Create out
// (Mastodon's delete_upon_arrival window).
const deleteArrivedFirst = 6 * time.Hour

func (s *Service) seenBefore(ctx context.Context, rp RemotePost) (bool, error) {
	if _, err := s.store.FindPostByIRI(ctx, rp.IRI); err == nil {
		return true, nil
	} else if convene.ErrorCode(err) != convene.ENOTFOUND {
		return false, err
	}
	return s.store.IsDeleted(ctx, rp.IRI, rp.Author, s.now().Add(-deleteArrivedFirst))
}

func (s *Service) receiveReply(ctx context.Context, rp RemotePost, parent *convene.Post) (*convene.Post, error) {
	if parent.Visibility == convene.VisibilityPublic && !rp.Public {
		return nil, nil // a direct or followers-only answer to a public thread must not become public here
	}
	if parent.CommunityID == "" { // a thread of a community elsewhere, which announces it itself
		p := s.remotePost(rp, parent.CommunityID, parent.CommunityIRI, parent.Visibility)
		p.ThreadID, p.ParentID = parent.ThreadID, parent.ID
		return p, s.fileRemotePost(ctx, nil, p, nil, rp.Attachments)
	}
	c, err := s.store.FindCommunityByID(ctx, parent.CommunityID)
	if err != nil {
		return nil, err
	}
	if parent.Visibility != convene.VisibilityPublic {
		if member, err := s.isMember(ctx, c, rp.Author); err != nil || !member {
			return nil, err // an outsider cannot answer inside a community-only thread
		}
	}
	p := s.remotePost(rp, c.ID, s.iris.Group(c.Slug), parent.Visibility)
	p.ThreadID, p.ParentID = parent.ThreadID, parent.ID
	return p, s.fileRemotePost(ctx, c, p, rp.Activity, rp.Attachments)
}

func (s *Service) receiveThread(ctx context.Context, rp RemotePost) (*convene.Post, error) {
	if !rp.Public || len(rp.Groups) == 0 {
		return nil, nil
	}
	for _, group := range rp.Groups {
		_, slug, _ := s.iris.LocalActor(group)
		c, err := s.store.FindCommunityBySlug(ctx, slug)
		if err != nil {
			continue
		}
		if c.PostingPolicy != convene.PostingFollowers {
			continue // members are local accounts, and remote people never moderate here
		}
		if member, err := s.isMember(ctx, c, rp.Author); err != nil || !member {
			if err != nil {
				return nil, err
			}
			continue
		}
		p := s.remotePost(rp, c.ID, s.iris.Group(c.Slug), convene.VisibilityPublic)
		p.Title, p.ThreadID = remoteTitle(rp), p.ID
		return p, s.fileRemotePost(ctx, c, p, rp.Activity, rp.Attachments)
	}
	return nil, nil
}

func (s *Service) remotePost(rp RemotePost, communityID, communityIRI string, v convene.Visibility) *convene.Post {
	now := s.timestamp()
	published := rp.Published
	if published.IsZero() || published.After(now) {
		published = now
	}
	return &convene.Post{ID: convene.NewIDAt(now), IRI: rp.IRI, CommunityID: communityID, CommunityIRI: communityIRI, AuthorIRI: rp.Author, Tags: rp.Tags,
		Mentions: strings.Join(rp.Mentions, " "), Poll: rp.Poll,
		Content: rp.Content, Visibility: v, PublishedAt: published.UTC().Truncate(time.Microsecond)}
}

// remoteTitle is the Note's name, or else its first line without the mentions that
// addressed it (Mastodon sends no name), at most MaxTitleLength characters.
func remoteTitle(rp RemotePost) string {
	if t := strings.TrimSpace(rp.Title); t != "" {
		return truncateRunes(t, convene.MaxTitleLength)
	}
	for _, line := range strings.Split(rp.PlainText, "\n") {
		var words []string
		for _, w := range strings.Fields(line) {
			if !strings.HasPrefix(w, "@") {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			return truncateRunes(strings.Join(words, " "), convene.MaxTitleLength)
		}
	}
	return "Untitled"
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// fileRemotePost stores a remote post, lets a local community's followers hear of it, and
// notifies the local author it answers. The community announces the author's Create as sent
// (FEP-1b12; group-aware followers only for replies) and boosts a new public thread by id for
// microblogs; without the original activity, only the id. c is nil for a community elsewhere.
func (s *Service) fileRemotePost(ctx context.Context, c *convene.Community, p *convene.Post, activity []byte,
	attachments []RemoteAttachment) error {
	group := p.CommunityIRI
	now := s.timestamp()
	defer s.notifyOutbox()
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.CreatePost(ctx, p); err != nil {
			return err
		}
		if err := s.storeRemoteMedia(ctx, tx, p, attachments); err != nil {
			return err
		}
		if err := s.notifyMentionedRemote(ctx, tx, p); err != nil {
			return err
		}
		if c == nil {
			return s.notifyParentAuthor(ctx, tx, p)
		}
		to := []string{s.iris.Followers(group)}
		if p.Visibility == convene.VisibilityPublic {
			to = append([]string{convene.PublicIRI}, to...)
		}
		newThread := p.IsThread() && p.Visibility == convene.VisibilityPublic
		if len(activity) > 0 {
			wrapped := &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group, Object: p.IRI,
				EmbedRaw: string(activity), To: to, GroupAwareOnly: !newThread, Published: now}
			if err := tx.EnqueueActivity(ctx, wrapped); err != nil {
				return err
			}
		}
		if newThread || len(activity) == 0 {
			boost := &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group, Object: p.IRI,
				To: to, GroupAwareOnly: !newThread, Published: now}
			if err := tx.EnqueueActivity(ctx, boost); err != nil {
				return err
			}
		}
		return s.notifyParentAuthor(ctx, tx, p)
	})
}

// ReceivePostUpdate applies an edit of a remote post by its author. Visibility and place are
// never changed by an edit: only title and content.
func (s *Service) ReceivePostUpdate(ctx context.Context, rp RemotePost) error {
	p, err := s.store.FindPostByIRI(ctx, rp.IRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if p.AuthorIRI != rp.Author || p.AccountID != "" || p.DeletedAt != nil {
		s.log.InfoContext(ctx, "ignored Update of a post by someone else", "post", rp.IRI, "by", rp.Author)
		return nil
	}
	if tallied, err := s.receivePollTallies(ctx, p, rp); tallied || err != nil {
		return err
	}
	if p.IsThread() {
		p.Title = remoteTitle(rp)
	}
	now := s.timestamp()
	p.Content, p.EditedAt, p.Tags = rp.Content, &now, rp.Tags
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.UpdatePost(ctx, p); err != nil {
			return err
		}
		if _, err := tx.DeletePostMedia(ctx, p.ID); err != nil {
			return err
		}
		if err := s.storeRemoteMedia(ctx, tx, p, rp.Attachments); err != nil {
			return err
		}
		return s.announceChange(ctx, tx, p, rp.Activity)
	})
}

// announceChange re-sends a remote member's Update or Delete of a post in a local community
// to its group-aware followers, unchanged (FEP-1b12), so their copies follow.
func (s *Service) announceChange(ctx context.Context, tx convene.Store, p *convene.Post, activity []byte) error {
	if p.CommunityID == "" || len(activity) == 0 {
		return nil // a community elsewhere announces its own; nothing to carry
	}
	c, err := tx.FindCommunityByID(ctx, p.CommunityID)
	if err != nil {
		return err
	}
	group, now := s.iris.Group(c.Slug), s.timestamp()
	defer s.notifyOutbox()
	return tx.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group, Object: p.IRI,
		EmbedRaw: string(activity), To: []string{s.iris.Followers(group)}, GroupAwareOnly: true, Published: now})
}

// ReceivePostDelete applies a Delete by a post's author (activity is the Delete as sent, to
// announce, or nil). A Delete of a post not seen yet is remembered, so the Create arriving
// after it files nothing.
func (s *Service) ReceivePostDelete(ctx context.Context, iri, by string, activity []byte) error {
	p, err := s.store.FindPostByIRI(ctx, iri)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return s.store.RecordDeletion(ctx, iri, by, s.timestamp())
	}
	if err != nil {
		return err
	}
	if p.AuthorIRI != by || p.AccountID != "" {
		s.log.InfoContext(ctx, "ignored Delete of a post by someone else", "post", iri, "by", by)
		return nil
	}
	return s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.TombstonePost(ctx, p.ID, s.timestamp()); err != nil {
			return err
		}
		if _, err := tx.DeletePostMedia(ctx, p.ID); err != nil {
			return err
		}
		return s.announceChange(ctx, tx, p, activity)
	})
}

// Notifications lists the principal's notifications, newest first.
func (s *Service) Notifications(ctx context.Context, beforeID string, limit int) ([]*convene.Notification, error) {
	a, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	return s.store.FindNotificationsPage(ctx, convene.NotificationFilter{AccountID: a.ID, MaxID: beforeID, Limit: limit})
}

// ReceiveLike records a remote actor liking a post it may see; the like is announced to the
// community's group-aware followers like a local one.
func (s *Service) ReceiveLike(ctx context.Context, postIRI, actor, activityIRI string, activity []byte) error {
	p, err := s.store.FindPostByIRI(ctx, postIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := s.FindPostForActor(ctx, p.ID, actor); err != nil {
		return nil // a community-only post the actor cannot see: nothing to like
	}
	err = s.store.AddLike(ctx, p.ID, actor, activityIRI, s.timestamp())
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return nil
	}
	if err != nil {
		return err
	}
	if p.CommunityID != "" && len(activity) > 0 {
		c, err := s.store.FindCommunityByID(ctx, p.CommunityID)
		if err != nil {
			return err
		}
		group, now := s.iris.Group(c.Slug), s.timestamp()
		if err := s.store.EnqueueActivity(ctx, &convene.Activity{ID: convene.NewIDAt(now), Type: "Announce", Actor: group,
			Object: p.IRI, EmbedRaw: string(activity), To: []string{s.iris.Followers(group)}, GroupAwareOnly: true,
			Published: now}); err != nil {
			return err
		}
		s.notifyOutbox()
	}
	if p.AccountID == "" {
		return nil
	}
	return s.store.CreateNotification(ctx, &convene.Notification{ID: convene.NewID(), AccountID: p.AccountID,
		Type: "like", Actor: actor, PostID: p.ID, CreatedAt: s.timestamp()})
}

// ReceiveUnlike withdraws a remote actor's like.
func (s *Service) ReceiveUnlike(ctx context.Context, postIRI, actor string) error {
	p, err := s.store.FindPostByIRI(ctx, postIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.store.RemoveLike(ctx, p.ID, actor)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil
	}
	return err
}

// ReceiveCommunityPost files a post that a community elsewhere announced (one this instance
// follows): a new public thread of that community, or a reply within one of its threads we
// hold. Posts already known, or deleted before they arrived, are not filed again.
func (s *Service) ReceiveCommunityPost(ctx context.Context, rp RemotePost, group string) (*convene.Post, error) {
	if done, err := s.seenBefore(ctx, rp); err != nil || done || !rp.Public {
		return nil, err
	}
	p := s.remotePost(rp, "", group, convene.VisibilityPublic)
	if rp.InReplyTo == "" {
		p.Title, p.ThreadID = remoteTitle(rp), p.ID
		return p, s.fileRemotePost(ctx, nil, p, nil, rp.Attachments)
	}
	parent, err := s.store.FindPostByIRI(ctx, rp.InReplyTo)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil, nil
	}
	if err != nil || parent.CommunityIRI != group {
		return nil, err // a community announces only its own threads
	}
	p.ThreadID, p.ParentID = parent.ThreadID, parent.ID
	return p, s.fileRemotePost(ctx, nil, p, nil, rp.Attachments)
}

// notifyMentionedRemote tells local accounts a remote post mentions, except whom it answers
// (told of the reply instead).
func (s *Service) notifyMentionedRemote(ctx context.Context, tx convene.Store, p *convene.Post) error {
	skip := ""
	if p.ParentID != "" {
		if parent, err := tx.FindPostByID(ctx, p.ParentID); err == nil {
			skip = parent.AuthorIRI
		}
	}
	return s.notifyMentioned(ctx, tx, p, skip)
}
