package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// postTypes are the object types filed as discussion posts: Mastodon's Note, Lemmy's Page,
// and Article (Friendica, WriteFreely).
// A Question is a post with a poll (Mastodon's).
var postTypes = map[typeName]bool{"Note": true, "Page": true, "Article": true, "Question": true}

// maxAncestors bounds how far up a reply chain we fetch missing posts (GoToSocial learnt to
// cap recursive fetching the hard way, gotosocial#850).
const maxAncestors = 8

// noteDoc is what we read from a remote post.
type noteDoc struct {
	ID           string      `json:"id"`
	Type         typeName    `json:"type"`
	AttributedTo refs        `json:"attributedTo"`
	Name         string      `json:"name"`
	Content      string      `json:"content"`
	InReplyTo    ref         `json:"inReplyTo"`
	To           refs        `json:"to"`
	Cc           refs        `json:"cc"`
	Audience     refs        `json:"audience"`
	Tag          []tagDoc    `json:"tag"`
	Attachment   attachments `json:"attachment"`
	Published    time.Time   `json:"published"`
}

type tagDoc struct {
	Type typeName `json:"type"`
	Href string   `json:"href"`
	Name string   `json:"name"`
}

// refs is a property that may be one IRI, one object or a list of either.
type refs []string

func (r *refs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []ref
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, x := range list {
			if x.ID != "" {
				*r = append(*r, x.ID)
			}
		}
		return nil
	}
	var one ref
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	if one.ID != "" {
		*r = refs{one.ID}
	}
	return nil
}

// validTag accepts what a hashtag may be: letters, digits and underscores, at most 100 bytes.
func validTag(tag string) bool {
	if tag == "" || len(tag) > 100 {
		return false
	}
	for _, r := range tag {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return false
		}
	}
	return true
}

// isPublic accepts the three spellings of the public collection peers use.
func isPublic(iri string) bool {
	return iri == convene.PublicIRI || iri == "as:Public" || iri == "Public"
}

// remotePostFrom checks a Note against the actor who sent it and turns it into what the
// service files: the post must be on the actor's host and attributed to the actor (a third
// party can never create posts in someone else's name, Mastodon A4/A5).
func (in *Inbox) remotePostFrom(body []byte, actor string) (*service.RemotePost, error) {
	var n noteDoc
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedActivity, err)
	}
	if !postTypes[n.Type] || !isHTTPURL(n.ID) || hostOf(n.ID) != hostOf(actor) || len(n.AttributedTo) == 0 || n.AttributedTo[0] != actor {
		return nil, nil
	}
	rp := &service.RemotePost{IRI: n.ID, Author: actor, Title: n.Name, InReplyTo: n.InReplyTo.ID, Published: n.Published,
		Attachments: n.Attachment}
	if n.Type == "Question" {
		rp.Poll = pollFrom(body)
	}
	rp.Content = SanitizeHTML(n.Content)
	rp.PlainText = PlainText(rp.Content)
	seen := map[string]bool{}
	addressees := append(append(append(refs{}, n.To...), n.Cc...), n.Audience...)
	for _, t := range n.Tag {
		switch {
		case t.Type == "Mention":
			addressees = append(addressees, t.Href)
		case t.Type == "Hashtag" && len(rp.Tags) < 20:
			if tag := strings.ToLower(strings.TrimPrefix(t.Name, "#")); validTag(tag) && !slices.Contains(rp.Tags, tag) {
				rp.Tags = append(rp.Tags, tag)
			}
		}
	}
	for _, iri := range addressees {
		if isPublic(iri) {
			rp.Public = true
		}
		kind, _, ok := in.iris.LocalActor(iri)
		if !ok || seen[iri] {
			continue
		}
		seen[iri] = true
		if kind == "group" {
			rp.Groups = append(rp.Groups, iri)
		} else if kind == "person" {
			rp.Mentions = append(rp.Mentions, iri)
		}
	}
	return rp, nil
}

// applyCreate files a created post: the embedded object (or, if only its IRI was sent, the
// object fetched from its origin).
func (in *Inbox) applyCreate(ctx context.Context, a *incoming, actor string, activity []byte) error {
	if hostOf(a.Object.ID) != hostOf(actor) {
		return nil // an object on another host is not the actor's to create: nothing to fetch
	}
	body, err := in.objectBody(ctx, a)
	if err != nil || body == nil {
		return err
	}
	if objectType(body) == "Event" {
		return in.fileEvent(ctx, body, actor, activity, "")
	}
	if vote, err := in.applyVote(ctx, body, actor); vote || err != nil {
		return err
	}
	return in.filePost(ctx, body, actor, 0, activity)
}

// filePost files one post, fetching its missing ancestors first (up to maxAncestors).
// activity is the Create as its author sent it, when there was one.
func (in *Inbox) filePost(ctx context.Context, body []byte, actor string, depth int, activity []byte) error {
	rp, err := in.remotePostFrom(body, actor)
	if err != nil || rp == nil {
		return err
	}
	rp.Activity = activity
	if rp.InReplyTo != "" && depth < maxAncestors && !in.iris.IsLocal(rp.InReplyTo) {
		if err := in.fetchAncestor(ctx, rp.InReplyTo, depth+1); err != nil {
			in.log.InfoContext(ctx, "could not fetch a reply's parent", "parent", rp.InReplyTo, "err", err)
		}
	}
	_, err = in.svc.ReceivePost(ctx, *rp)
	return err
}

// fetchAncestor fetches a post we do not have, from its origin, and files it as if its
// author had sent it (the fetcher guarantees the document is the origin's own).
func (in *Inbox) fetchAncestor(ctx context.Context, iri string, depth int) error {
	if p, err := in.store.FindPostByIRI(ctx, iri); err == nil && p != nil {
		return nil
	}
	doc, err := in.resolver.fetcher.FetchAS2(ctx, iri)
	if err != nil {
		return err
	}
	var head struct {
		AttributedTo refs `json:"attributedTo"`
	}
	if err := json.Unmarshal(doc.Body, &head); err != nil || len(head.AttributedTo) == 0 {
		return fmt.Errorf("ancestor %s has no author", iri)
	}
	if _, err := in.resolver.Actor(ctx, head.AttributedTo[0]); err != nil {
		return err
	}
	return in.filePost(ctx, doc.Body, head.AttributedTo[0], depth, nil)
}

// objectBody returns the activity's object as JSON: embedded as sent, or fetched by IRI.
func (in *Inbox) objectBody(ctx context.Context, a *incoming) ([]byte, error) {
	if a.Object.Object != nil {
		return a.Object.raw, nil
	}
	if !isHTTPURL(a.Object.ID) {
		return nil, nil
	}
	doc, err := in.resolver.fetcher.FetchAS2(ctx, a.Object.ID)
	if err != nil {
		return nil, err
	}
	return doc.Body, nil
}

// applyPostUpdate applies an Update of a post by its author; the embedded copy is checked
// like a Create's.
func (in *Inbox) applyPostUpdate(ctx context.Context, a *incoming, actor string, activity []byte) error {
	body, err := in.objectBody(ctx, a)
	if err != nil || body == nil {
		return err
	}
	rp, err := in.remotePostFrom(body, actor)
	if err != nil || rp == nil {
		return err
	}
	rp.Activity = activity
	return in.svc.ReceivePostUpdate(ctx, *rp)
}
