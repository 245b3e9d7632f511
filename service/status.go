package service

import (
	"context"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// StatusCreate is a post as a Mastodon app sends it: text with mentions, perhaps an answer
// to another post. Apps have no title field and no notion of communities.
type StatusCreate struct {
	Text        string
	InReplyToID string
	// Visibility is Mastodon's: public and unlisted are public here, private is community
	// only; direct messages are not something Convene has.
	Visibility  string
	SpoilerText string      // used as the thread's title when given
	MediaIDs    []string    // uploads to attach (media_ids[]); the text may then be empty
	Poll        *PollCreate // a status has files or a poll, not both (as on Mastodon)
	// IdempotencyKey is the client's Idempotency-Key header: the same key within an hour
	// returns what the first request made.
	IdempotencyKey string
}

// idempotencyWindow is how long a key is remembered, as Mastodon keeps it.
const idempotencyWindow = time.Hour

// maxIdempotencyKey bounds a key; clients send UUIDs or hashes.
const maxIdempotencyKey = 255

// PostStatus turns a status from an app into a post: a reply joins the thread it answers;
// otherwise the first community of this instance the text mentions gets a new thread (as a
// Mastodon user's post mentioning a group does when it arrives by federation), titled by its
// content warning or else its first line without mentions.
func (s *Service) PostStatus(ctx context.Context, in StatusCreate) (*convene.Post, error) {
	author, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	if len(in.IdempotencyKey) > maxIdempotencyKey {
		return nil, convene.Errorf(convene.EINVALID, "Idempotency-Key is longer than %d characters", maxIdempotencyKey)
	}
	if in.IdempotencyKey == "" {
		return s.postStatus(ctx, in)
	}
	now := s.timestamp()
	claimed, madeID, err := s.store.ClaimIdempotencyKey(ctx, author.ID, in.IdempotencyKey, now, now.Add(-idempotencyWindow))
	switch {
	case err != nil:
		return nil, err
	case !claimed && madeID == "":
		return nil, convene.Errorf(convene.ECONFLICT, "a request with this Idempotency-Key is still being handled")
	case !claimed:
		return s.store.FindPostByID(ctx, madeID)
	}
	p, err := s.postStatus(ctx, in)
	if err != nil {
		if rerr := s.store.ReleaseIdempotencyKey(ctx, author.ID, in.IdempotencyKey); rerr != nil {
			s.log.WarnContext(ctx, "release idempotency key", "err", rerr)
		}
		return nil, err
	}
	return p, s.store.SetIdempotencyResult(ctx, author.ID, in.IdempotencyKey, p.ID)
}

func (s *Service) postStatus(ctx context.Context, in StatusCreate) (*convene.Post, error) {
	if err := filesOrPoll(in.MediaIDs, in.Poll); err != nil {
		return nil, err
	}
	visibility, err := statusVisibility(in.Visibility)
	if err != nil {
		return nil, err
	}
	if _, err := s.newPoll(in.Poll); err != nil {
		return nil, err
	}
	if in.InReplyToID != "" {
		return s.ReplyWith(ctx, ReplyCreate{ParentID: in.InReplyToID, Body: in.Text, MediaIDs: in.MediaIDs, Poll: in.Poll})
	}
	slug := s.mentionedCommunity(ctx, in.Text)
	if slug == "" {
		return nil, convene.Errorf(convene.EINVALID,
			"mention a community of %s (@name) to start a discussion there, or reply to a post", s.iris.Domain())
	}
	title := strings.TrimSpace(in.SpoilerText)
	if title == "" {
		title = remoteTitle(RemotePost{PlainText: in.Text})
	}
	return s.CreateThread(ctx, ThreadCreate{Community: slug, Title: truncateRunes(title, convene.MaxTitleLength),
		Body: in.Text, Visibility: visibility, MediaIDs: in.MediaIDs, Poll: in.Poll})
}

// statusVisibility maps Mastodon's visibilities onto ours.
func statusVisibility(v string) (convene.Visibility, error) {
	switch v {
	case "", "public", "unlisted":
		return convene.VisibilityPublic, nil
	case "private":
		return convene.VisibilityCommunity, nil
	case "direct":
		return "", convene.Errorf(convene.EINVALID, "direct messages are not supported: post to a community instead")
	}
	return "", convene.Errorf(convene.EINVALID, "visibility %q must be public, unlisted or private", v)
}

// mentionedCommunity is the slug of the first local community text mentions (@slug or
// @slug@ourdomain), or "".
func (s *Service) mentionedCommunity(ctx context.Context, text string) string {
	for _, m := range mentionPattern.FindAllStringSubmatch(text, maxMentions) {
		name, host := convene.NormalizeName(m[2]), strings.ToLower(m[3])
		if host != "" && host != s.iris.Domain() {
			continue
		}
		if c, err := s.FindCommunity(ctx, name); err == nil {
			return c.Slug
		}
	}
	return ""
}

// filesOrPoll is Mastodon's rule, which apps expect: a post carries files or a poll, not both.
func filesOrPoll(media []string, poll *PollCreate) error {
	if len(media) > 0 && poll != nil {
		return convene.Errorf(convene.EINVALID, "a post may carry files or a poll, not both")
	}
	return nil
}
