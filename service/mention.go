package service

import (
	"context"
	"regexp"
	"strings"

	"github.com/convene-social/convene"
)

// mentionPattern finds @name and @name@host in markdown (not inside words or emails).
var mentionPattern = regexp.MustCompile(`(?i)(^|[\s(>])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@([a-z0-9.-]+(?::\d+)?))?`)

// linkMentions turns mentions of local accounts and communities (@name, or @name@ourdomain)
// into markdown links to their actors, and returns the mentioned actors' IRIs. Mentions of
// names that do not exist here, or of other servers, stay text.
func (s *Service) linkMentions(ctx context.Context, source string) (string, []string) {
	var mentioned []string
	seen := map[string]bool{}
	linked := mentionPattern.ReplaceAllStringFunc(source, func(m string) string {
		parts := mentionPattern.FindStringSubmatch(m)
		lead, name, host := parts[1], convene.NormalizeName(parts[2]), strings.ToLower(parts[3])
		if host != "" && host != s.iris.Domain() {
			return m
		}
		iri := s.localActorIRIByName(ctx, name)
		if iri == "" {
			return m
		}
		if !seen[iri] {
			seen[iri] = true
			mentioned = append(mentioned, iri)
		}
		return lead + "[@" + name + "](" + iri + ")"
	})
	return linked, mentioned
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
