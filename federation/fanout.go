package federation

import (
	"context"
	"sync"

	"github.com/convene-social/convene"
)

// recipients expands an activity's addressing into the de-duplicated inboxes to POST to:
// a local actor's followers collection becomes its accepted remote followers, remote actors
// their inboxes, with each server's shared inbox preferred. Local actors need no delivery,
// and blocked, gone and unavailable hosts get none. Host checks run once per host.
func (d *Deliverer) recipients(ctx context.Context, a *convene.Activity) ([]string, error) {
	var actors []*convene.RemoteActor
	for _, to := range append(append([]string{}, a.To...), a.Cc...) {
		list, err := d.expand(ctx, to)
		if err != nil {
			return nil, err
		}
		actors = append(actors, list...)
	}
	unavailable, err := d.unavailableHosts(ctx, a)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	hostOK := map[string]bool{}
	var inboxes []string
	for _, actor := range actors {
		inbox := actor.DeliveryInbox()
		if actor.Gone || seen[inbox] {
			continue
		}
		seen[inbox] = true
		host := hostOf(actor.IRI)
		ok, known := hostOK[host]
		if !known {
			var err error
			if ok, err = d.hostReceives(ctx, actor, a, unavailable); err != nil {
				return nil, err
			}
			hostOK[host] = ok
		}
		if ok {
			inboxes = append(inboxes, inbox)
		}
	}
	return inboxes, nil
}

// unavailableHosts is the set of hosts skipped for failing on 7 days; Follows bypass it.
func (d *Deliverer) unavailableHosts(ctx context.Context, a *convene.Activity) (map[string]bool, error) {
	set := map[string]bool{}
	if a.Type == "Follow" {
		return set, nil
	}
	hosts, err := d.cfg.Store.FindUnavailableHosts(ctx)
	for _, h := range hosts {
		set[h] = true
	}
	return set, err
}

// expand turns one addressee into remote actors.
func (d *Deliverer) expand(ctx context.Context, to string) ([]*convene.RemoteActor, error) {
	if owner, ok := d.cfg.IRIs.FollowersOwner(to); ok {
		return d.cfg.Store.FindFollowerActors(ctx, owner)
	}
	if to == convene.PublicIRI || d.cfg.IRIs.IsLocal(to) {
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

// hostReceives reports whether an actor's host may receive the activity: not blocked, not
// marked unavailable after 7 failing days (except for Follows, which must get through for
// the host ever to come back; Mastodon bypasses its check for them too), and group-aware
// when the activity is for group-aware software only.
func (d *Deliverer) hostReceives(ctx context.Context, actor *convene.RemoteActor, a *convene.Activity, unavailable map[string]bool) (bool, error) {
	if blocked, err := d.cfg.Store.IsDomainBlocked(ctx, hostnameOf(actor.IRI)); err != nil || blocked {
		return false, err
	}
	if unavailable[hostOf(actor.DeliveryInbox())] {
		return false, nil
	}
	if a.GroupAwareOnly {
		return d.cfg.Software != nil && d.cfg.Software.GroupAware(ctx, hostOf(actor.IRI)), nil
	}
	return true, nil
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
