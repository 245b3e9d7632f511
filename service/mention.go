package service

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// mentionPattern finds @name and @name@host in markdown (not inside words or emails).
var mentionPattern = regexp.MustCompile(`(?i)(^|[\s(>])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@([a-z0-9.-]+(?::\d+)?))?`)

// linkMentions turns mentions of local accounts and communities (@name, or @name@ourdomain)
// and, when a resolver is configured, of actors elsewhere (@name@host) into markdown links to
// their actors, and returns the mentioned actors' IRIs. Names that resolve to nothing stay text.
func (s *Service) linkMentions(ctx context.Context, source string) (string, []string) {
	var mentioned []string
	seen := map[string]bool{}
	// One deadline for all remote lookups of a post, and a bound on how many it may make.
	ctx, cancel := context.WithTimeout(ctx, remoteMentionTimeout)
	defer cancel()
	linked := mentionPattern.ReplaceAllStringFunc(source, func(m string) string {
		if len(mentioned) >= maxMentions {
			return m
		}
		parts := mentionPattern.FindStringSubmatch(m)
		lead, name, host := parts[1], convene.NormalizeName(parts[2]), strings.ToLower(parts[3])
		var iri string
		if host == "" || host == s.iris.Domain() {
			iri = s.localActorIRIByName(ctx, name)
		} else {
			iri = s.remoteActorIRI(ctx, name+"@"+host)
		}
		if iri == "" {
			return m
		}
		if host != "" && host != s.iris.Domain() {
			name += "@" + host
		}
		if !seen[iri] {
			seen[iri] = true
			mentioned = append(mentioned, iri)
		}
		return lead + "[@" + name + "](" + iri + ")"
	})
	return linked, mentioned
}

// remoteMentionTimeout bounds the WebFinger lookups one post may make, together.
const remoteMentionTimeout = 5 * time.Second

// maxMentions bounds the actors one post may mention (and so the lookups it may cause).
const maxMentions = 20

func (s *Service) remoteActorIRI(ctx context.Context, handle string) string {
	if s.resolve == nil {
		return ""
	}
	iri, err := s.resolve(ctx, "@"+handle)
	if err != nil {
		s.log.InfoContext(ctx, "mention not resolved", "handle", handle, "err", err)
		return ""
	}
	return iri
}

func (s *Service) localActorIRIByName(ctx context.Context, name string) string {
	a, c, err := s.FindActor(ctx, name)
	switch {
	case err != nil:
		return ""
	case a != nil:
		return s.iris.Person(a.Username)
	}
	return s.iris.Group(c.Slug)
}

// notifyMentioned tells mentioned local accounts, except the author and whom the post answers
// (already told of the reply).
func (s *Service) notifyMentioned(ctx context.Context, tx convene.Store, p *convene.Post, skip string) error {
	for _, iri := range strings.Fields(p.Mentions) {
		kind, name, ok := s.iris.LocalActor(iri)
		if !ok || kind != "person" || iri == p.AuthorIRI || iri == skip {
			continue
		}
		a, err := tx.FindAccountByUsername(ctx, name)
		if err != nil {
			continue
		}
		if err := tx.CreateNotification(ctx, &convene.Notification{ID: convene.NewID(), AccountID: a.ID, Type: "mention",
			Actor: p.AuthorIRI, PostID: p.ID, CreatedAt: s.timestamp()}); err != nil {
			return err
		}
	}
	return nil
}

// hashtagPattern finds #tag (letters, digits, underscores) not inside a word; "# Title" is a
// markdown heading, not a tag.
var hashtagPattern = regexp.MustCompile(`(^|[\s(>])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)`)

// maxTags bounds the hashtags one post may carry.
const maxTags = 20

// linkHashtags turns #tags into links to the instance's tag pages and returns the tags,
// lowercase and without '#'.
func (s *Service) linkHashtags(source string) (string, []string) {
	var tags []string
	linked := hashtagPattern.ReplaceAllStringFunc(source, func(m string) string {
		parts := hashtagPattern.FindStringSubmatch(m)
		tag := strings.ToLower(parts[2])
		if len(tags) >= maxTags && !slices.Contains(tags, tag) {
			return m
		}
		if !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
		return parts[1] + "[#" + parts[2] + "](" + s.iris.Tag(tag) + ")"
	})
	return linked, tags
}
