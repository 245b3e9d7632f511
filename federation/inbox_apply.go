package federation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/convene-social/convene"
)

// Apply carries out a queued activity through the service layer. The signer was verified
// to be the activity's actor when it was queued; everything else in the document is checked
// here against what we know.
func (in *Inbox) Apply(ctx context.Context, item *convene.InboxItem) error {
	a, err := parseActivity(item.Body)
	if err != nil {
		return nil // it parsed when queued; nothing will change that
	}
	actor := item.Actor
	switch a.Type {
	case "Follow":
		return in.applyFollow(ctx, a, actor)
	case "Accept", "Reject", "Ignore":
		return in.applyAnswer(ctx, a, actor)
	case "Join":
		return in.applyJoin(ctx, a, actor, item.Body)
	case "Leave":
		return in.svc.ReceiveLeave(ctx, actor, a.Object.ID)
	case "Undo":
		return in.applyUndo(ctx, a, actor)
	case "Create":
		return in.applyCreate(ctx, a, actor, item.Body)
	case "Like":
		return in.svc.ReceiveLike(ctx, a.Object.ID, actor, a.ID, item.Body)
	case "Announce":
		return in.applyAnnounce(ctx, a, actor)
	case "Update":
		if a.Object.ID != actor && a.Object.Object != nil && postTypes[a.Object.Object.Type] {
			return in.applyPostUpdate(ctx, a, actor, item.Body)
		}
		if a.Object.ID != actor && a.Object.Object != nil && a.Object.Object.Type == "Event" {
			return in.applyEventUpdate(ctx, a.Object.raw, actor)
		}
		return in.applyUpdate(ctx, a, actor)
	case "Delete":
		if a.Object.ID == actor {
			return in.store.DeleteRemoteActor(ctx, actor)
		}
		if hostOf(a.Object.ID) == hostOf(actor) {
			if wasEvent, err := in.applyEventDelete(ctx, a.Object.ID, actor); wasEvent || err != nil {
				return err
			}
			return in.svc.ReceivePostDelete(ctx, a.Object.ID, actor, item.Body)
		}
	}
	in.log.InfoContext(ctx, "ignored activity", "type", a.Type, "id", a.ID, "actor", actor)
	return nil
}

// applyAnswer applies an Accept, Reject or Ignore: of a local member's Join to an event
// elsewhere, or of a local actor's Follow.
func (in *Inbox) applyAnswer(ctx context.Context, a *incoming, actor string) error {
	if ours, err := in.svc.ReceiveJoinAnswer(ctx, a.Object.ID, actor, a.Type == "Accept"); ours || err != nil {
		return err
	}
	switch a.Type {
	case "Accept":
		return in.svc.ReceiveAccept(ctx, a.Object.ID, actor)
	case "Reject":
		return in.svc.ReceiveReject(ctx, a.Object.ID, actor)
	}
	return nil
}

// applyFollow handles a Follow of a local actor; Follows of anything else are ignored.
func (in *Inbox) applyFollow(ctx context.Context, a *incoming, actor string) error {
	if _, _, ok := in.iris.LocalActor(a.Object.ID); !ok {
		in.log.InfoContext(ctx, "ignored Follow of a non-local object", "object", a.Object.ID, "actor", actor)
		return nil
	}
	err := in.svc.ReceiveFollow(ctx, a.ID, actor, a.Object.ID)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil // the followed actor no longer exists
	}
	return err
}

// applyUndo handles Undo{Follow} and Undo{Like}; other undone activities are ignored.
func (in *Inbox) applyUndo(ctx context.Context, a *incoming, actor string) error {
	inner := a.Object.Object
	if inner != nil && inner.Type == "Like" && inner.Actor.ID == actor {
		return in.svc.ReceiveUnlike(ctx, inner.Object.ID, actor)
	}
	if inner != nil && inner.Type != "Follow" {
		in.log.InfoContext(ctx, "ignored Undo", "of", inner.Type, "actor", actor)
		return nil
	}
	followee := ""
	if inner != nil {
		followee = inner.Object.ID
	}
	return in.svc.ReceiveUndoFollow(ctx, a.Object.ID, actor, followee)
}

// applyUpdate refreshes an actor that announced a change to itself. Only the actor may
// update itself (Mastodon A7); we fetch it again instead of trusting the embedded copy.
func (in *Inbox) applyUpdate(ctx context.Context, a *incoming, actor string) error {
	if a.Object.ID != actor {
		in.log.InfoContext(ctx, "ignored Update", "object", a.Object.ID, "actor", actor)
		return nil
	}
	// Peers send Update on every profile edit; a burst costs one fetch.
	if cached, err := in.store.FindRemoteActor(ctx, actor); err == nil && in.now().Sub(cached.FetchedAt) < minActorRefetch {
		return nil
	}
	_, err := in.resolver.Refresh(ctx, actor)
	return err
}

// minActorRefetch is how soon an Update may make us fetch an actor again.
const minActorRefetch = time.Minute

// RunWorker applies queued activities until ctx ends. Several workers (and processes) may
// run at once: each claims its own items.
func (in *Inbox) RunWorker(ctx context.Context, poll time.Duration) error {
	for {
		items, err := in.store.ClaimInbox(ctx, in.now(), 20, time.Minute)
		if err != nil && ctx.Err() == nil {
			in.log.ErrorContext(ctx, "claim inbox", "err", err)
		}
		for _, item := range items {
			in.applyOne(ctx, item)
		}
		if len(items) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-in.kick:
		case <-time.After(poll):
		}
	}
}

func (in *Inbox) applyOne(ctx context.Context, item *convene.InboxItem) {
	err := in.Apply(ctx, item)
	msg := ""
	if err != nil {
		msg = err.Error()
		in.log.WarnContext(ctx, "apply activity", "id", item.ActivityIRI, "attempt", item.Attempts+1, "err", err)
	}
	// A failure (a peer unreachable while we refetch, a busy database) is retried a few
	// times, a minute or so apart.
	next := in.now().Add(time.Duration(30+rand.IntN(60)) * time.Second * time.Duration(item.Attempts+1))
	if ferr := in.store.FinishInbox(ctx, item.ID, err == nil, msg, next); ferr != nil && ctx.Err() == nil {
		in.log.ErrorContext(ctx, "finish inbox item", "id", item.ActivityIRI, "err", fmt.Errorf("%w", ferr))
	}
}
