package federation

import (
	"context"
	"strings"
	"sync"

	"github.com/convene-social/convene"
)

// recipients expands an activity's addressing into the de-duplicated inboxes to POST to:
// a local actor's followers collection becomes its accepted remote followers, remote actors
// their inboxes, with each server's shared inbox preferred. Local actors need no delivery,
// and blocked, gone and unavailable hosts get none.
func (d *Deliverer) recipients(ctx context.Context, a *convene.Activity) ([]string, error) {
	seen := map[string]bool{}
	var inboxes []string
	add := func(actor *convene.RemoteActor) error {
		inbox := actor.DeliveryInbox()
		if actor.Gone || seen[inbox] {
			return nil
		}
		if ok, err := d.deliverable(ctx, actor, a.Type); err != nil || !ok {
			return err
		}
		if a.GroupAwareOnly && (d.cfg.Software == nil || !d.cfg.Software.GroupAware(ctx, hostOf(actor.IRI))) {
			return nil
		}
		seen[inbox] = true
		inboxes = append(inboxes, inbox)
		return nil
	}
	for _, to := range a.To {
		actors, err := d.expand(ctx, to)
		if err != nil {
			return nil, err
		}
		for _, actor := range actors {
			if err := add(actor); err != nil {
				return nil, err
			}
		}
	}
	return inboxes, nil
}

// expand turns one addressee into remote actors.
func (d *Deliverer) expand(ctx context.Context, to string) ([]*convene.RemoteActor, error) {
	if owner, ok := strings.CutSuffix(to, "/followers"); ok && d.cfg.IRIs.IsLocal(owner) {
		return d.followers(ctx, owner)
	}
	if d.cfg.IRIs.IsLocal(to) {
		return nil, nil
	}
	actor, err := d.cfg.Store.FindRemoteActor(ctx, to)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		d.cfg.Log.WarnContext(ctx, "no delivery to an actor never fetched", "actor", to)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []*convene.RemoteActor{actor}, nil
}

// followers lists the remote actors that follow the local actor owner, page by page.
func (d *Deliverer) followers(ctx context.Context, owner string) ([]*convene.RemoteActor, error) {
	var actors []*convene.RemoteActor
	filter := convene.FollowFilter{Followee: owner, State: convene.FollowAccepted, Limit: 200}
	for {
		page, err := d.cfg.Store.FindFollows(ctx, filter)
		if err != nil {
			return nil, err
		}
		for _, f := range page {
			if d.cfg.IRIs.IsLocal(f.Follower) {
				continue
			}
			actor, err := d.cfg.Store.FindRemoteActor(ctx, f.Follower)
			if err == nil {
				actors = append(actors, actor)
			} else if convene.ErrorCode(err) != convene.ENOTFOUND {
				return nil, err
			}
		}
		if len(page) < filter.Limit {
			return actors, nil
		}
		filter.BeforeID = page[len(page)-1].ID
	}
}

// deliverable reports whether an actor's host may receive: not blocked, and not marked
// unavailable after 7 failing days, except for Follows, which must get through for the host
// ever to come back (Mastodon bypasses its check for them too).
func (d *Deliverer) deliverable(ctx context.Context, actor *convene.RemoteActor, activityType string) (bool, error) {
	if blocked, err := d.cfg.Store.IsDomainBlocked(ctx, hostnameOf(actor.IRI)); err != nil || blocked {
		return false, err
	}
	if activityType == "Follow" {
		return true, nil
	}
	unavailable, err := d.cfg.Store.IsHostUnavailable(ctx, hostOf(actor.DeliveryInbox()))
	return !unavailable, err
}

// renderCache keeps rendered activities for the deliveries of one fan-out: an activity to a
// thousand inboxes is rendered once.
type renderCache struct {
	mu sync.Mutex
	m  map[string]rendered
}

type rendered struct {
	activity *convene.Activity
	body     []byte
}

const renderCacheSize = 256

func (d *Deliverer) render(ctx context.Context, id string) (*convene.Activity, []byte, error) {
	d.renders.mu.Lock()
	r, ok := d.renders.m[id]
	d.renders.mu.Unlock()
	if ok {
		return r.activity, r.body, nil
	}
	activity, err := d.cfg.Store.FindActivity(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	body, err := d.renderer.Activity(ctx, activity)
	if err != nil {
		return nil, nil, err
	}
	d.renders.mu.Lock()
	if len(d.renders.m) >= renderCacheSize {
		clear(d.renders.m)
	}
	d.renders.m[id] = rendered{activity, body}
	d.renders.mu.Unlock()
	return activity, body, nil
}
