package federation

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// applyAnnounce files the posts a followed community elsewhere announces (FEP-1b12, as
// Lemmy and Convene send them). The announcer must be an actor some local account or
// community follows; the post itself is fetched from its origin, never taken from the
// Announce, and must name the announcing community among its addressees.
func (in *Inbox) applyAnnounce(ctx context.Context, a *incoming, group string) error {
	followed, err := in.store.CountFollows(ctx, convene.FollowFilter{Followee: group, State: convene.FollowAccepted})
	if err != nil || followed == 0 {
		if err == nil {
			in.log.InfoContext(ctx, "ignored Announce from an actor nobody here follows", "actor", group)
		}
		return err
	}
	if inner := a.Object.Object; inner != nil {
		switch inner.Type {
		case "Update", "Delete":
			return in.applyAnnouncedChange(ctx, inner, group)
		case "Like", "Undo":
			return in.applyAnnouncedVote(ctx, inner, group)
		}
	}
	postIRI := announcedPost(a)
	if postIRI == "" || !isHTTPURL(postIRI) {
		return nil
	}
	if e, err := in.store.FindEventByIRI(ctx, postIRI); err == nil {
		_, err := in.svc.ReceiveEvent(ctx, service.RemoteEvent{Event: e, Via: group})
		return err // known: the Announce may still be a re-share by another community
	}
	if _, err := in.store.FindPostByIRI(ctx, postIRI); err == nil {
		return nil // already here (Lemmy announces both the Create and the object)
	}
	return in.fileAnnounced(ctx, postIRI, group, 0)
}

// announcedPost is the IRI of the post an Announce carries: its object, or the object of
// the Create it wraps. Announced Updates, Deletes and Likes are not applied yet.
func announcedPost(a *incoming) string {
	inner := a.Object.Object
	switch {
	case inner == nil:
		return a.Object.ID
	case inner.Type == "Create":
		return inner.Object.ID
	case postTypes[inner.Type] || inner.Type == "Event":
		return inner.ID
	}
	return ""
}

// fileAnnounced fetches an announced post from its origin, and its missing ancestors first.
func (in *Inbox) fileAnnounced(ctx context.Context, iri, group string, depth int) error {
	doc, err := in.resolver.fetcher.FetchAS2(ctx, iri)
	if err != nil {
		return err
	}
	if objectType(doc.Body) == "Event" {
		return in.fileAnnouncedEvent(ctx, doc.Body, group)
	}
	var head struct {
		AttributedTo refs `json:"attributedTo"`
		InReplyTo    ref  `json:"inReplyTo"`
		To           refs `json:"to"`
		Cc           refs `json:"cc"`
		Audience     refs `json:"audience"`
	}
	if err := json.Unmarshal(doc.Body, &head); err != nil || len(head.AttributedTo) == 0 {
		return nil
	}
	if !slices.Contains(append(append(head.Audience, head.To...), head.Cc...), group) {
		in.log.InfoContext(ctx, "ignored an announced post addressed elsewhere", "post", iri, "community", group)
		return nil
	}
	author := head.AttributedTo[0]
	if _, err := in.resolver.Actor(ctx, author); err != nil {
		return err
	}
	if parent := head.InReplyTo.ID; parent != "" && depth < maxAncestors {
		if _, err := in.store.FindPostByIRI(ctx, parent); convene.ErrorCode(err) == convene.ENOTFOUND {
			if err := in.fileAnnounced(ctx, parent, group, depth+1); err != nil {
				in.log.InfoContext(ctx, "could not fetch an announced reply's parent", "parent", parent, "err", err)
			}
		}
	}
	rp, err := in.remotePostFrom(doc.Body, author)
	if err != nil || rp == nil {
		return err
	}
	_, err = in.svc.ReceiveCommunityPost(ctx, *rp, group)
	return err
}

// applyAnnouncedChange applies an announced Update or Delete of a post in the announcing
// community. Neither the Announce nor the inner activity is trusted: the post is fetched
// again from its origin, and a post the origin no longer has (404, 410, a Tombstone) is
// tombstoned here.
func (in *Inbox) applyAnnouncedChange(ctx context.Context, change *incoming, group string) error {
	iri := change.Object.ID
	if e, err := in.store.FindEventByIRI(ctx, iri); err == nil {
		return in.applyAnnouncedEventChange(ctx, e, group)
	}
	p, err := in.store.FindPostByIRI(ctx, iri)
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && (p.CommunityIRI != group || p.AccountID != "")) {
		return nil
	}
	if err != nil {
		return err
	}
	doc, err := in.resolver.fetcher.FetchAS2(ctx, iri)
	switch {
	case errors.Is(err, ErrGone), errors.Is(err, ErrNotFound):
		return in.svc.ReceivePostDelete(ctx, iri, p.AuthorIRI, nil)
	case err != nil:
		return err
	}
	var head struct {
		Type typeName `json:"type"`
	}
	if json.Unmarshal(doc.Body, &head) == nil && head.Type == "Tombstone" {
		return in.svc.ReceivePostDelete(ctx, iri, p.AuthorIRI, nil)
	}
	rp, err := in.remotePostFrom(doc.Body, p.AuthorIRI)
	if err != nil || rp == nil {
		return err
	}
	return in.svc.ReceivePostUpdate(ctx, *rp)
}

// applyAnnouncedVote counts a like (or its undo) that a followed community relays for one of
// its own posts. The inner activity is not signed by its author, so it is believed only about
// a post of that community: a community can inflate nothing but its own threads' counts.
func (in *Inbox) applyAnnouncedVote(ctx context.Context, vote *incoming, group string) error {
	postIRI, liker := vote.Object.ID, vote.Actor.ID
	if vote.Type == "Undo" {
		inner := vote.Object.Object
		if inner == nil || inner.Type != "Like" || inner.Actor.ID != liker {
			return nil
		}
		postIRI = inner.Object.ID
	}
	p, err := in.store.FindPostByIRI(ctx, postIRI)
	if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && p.CommunityIRI != group) || !isHTTPURL(liker) {
		return nil
	}
	if err != nil {
		return err
	}
	if vote.Type == "Undo" {
		return in.svc.ReceiveUnlike(ctx, postIRI, liker)
	}
	return in.svc.ReceiveLike(ctx, postIRI, liker, vote.ID, nil)
}
