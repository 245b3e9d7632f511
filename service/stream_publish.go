package service

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/convene-social/convene"
)

func (s *Service) initStreams(cfg Config) {
	perAccount, total := cfg.StreamsPerAccount, cfg.StreamsTotal
	if perAccount <= 0 {
		perAccount = defaultStreamsPerAccount
	}
	if total <= 0 {
		total = defaultStreamsTotal
	}
	s.hub = NewHub(perAccount, total, streamBuffer)
	s.bus = cfg.EventBus
	if s.store != nil {
		s.store = &streamStore{Store: s.store, s: s}
	}
}

// Subscribe opens a live subscription for the principal (an account, or none for an app's
// own token), tied to the token it authenticated with so that revoking the token ends it.
func (s *Service) Subscribe(ctx context.Context, tokenID string) (*Subscription, error) {
	account := ""
	if a := convene.PrincipalFrom(ctx).Account; a != nil {
		if a.State != convene.AccountApproved {
			return nil, convene.Errorf(convene.EFORBIDDEN, "your account is waiting for approval")
		}
		account = a.ID
	}
	return s.hub.Subscribe(account, tokenID)
}

// CloseToken ends every live stream opened with a token, in every process; call it when the
// token is revoked.
func (s *Service) CloseToken(ctx context.Context, tokenID string) error {
	if tokenID == "" {
		return convene.Errorf(convene.EINVALID, "no token")
	}
	return s.publish(ctx, convene.StreamEvent{Kind: convene.StreamRevoke, TokenID: tokenID})
}

// RunStreamListener delivers the events every process publishes to this process's
// subscribers, until ctx ends; then it ends every subscription, so that streaming clients are
// told the server is going away. Without an event bus, events are delivered as they are
// published and this only waits.
func (s *Service) RunStreamListener(ctx context.Context) error {
	defer s.hub.CloseAll(StreamShutdown)
	if s.bus == nil {
		<-ctx.Done()
		return nil
	}
	for {
		err := s.bus.Listen(ctx, s.hub.Deliver)
		if ctx.Err() != nil {
			return nil
		}
		s.log.ErrorContext(ctx, "stream listener failed; retrying", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * time.Second):
		}
	}
}

func (s *Service) publish(ctx context.Context, ev convene.StreamEvent) error {
	if s.bus == nil {
		s.hub.Deliver(ev)
		return nil
	}
	return s.bus.Publish(ctx, ev)
}

// streamChange is a stored change live clients may need to hear of.
type streamChange struct {
	kind         string
	post         *convene.Post
	postID       string
	notification *convene.Notification
	boost        *convene.Boost
}

// publishChanges tells live clients of changes that are now committed. A failure here cannot
// undo them, so it is logged, not returned.
func (s *Service) publishChanges(ctx context.Context, changes []streamChange) {
	if len(changes) == 0 || (s.bus == nil && s.hub.Len() == 0) {
		return // nobody could be listening
	}
	// The use-case's own deadline must not cut the announcement of what it committed.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, c := range changes {
		ev, err := s.streamEvent(ctx, c)
		if err == nil {
			err = s.publish(ctx, ev)
		}
		if err != nil {
			s.log.ErrorContext(ctx, "publish stream event", "kind", c.kind, "err", err)
		}
	}
}

func (s *Service) streamEvent(ctx context.Context, c streamChange) (convene.StreamEvent, error) {
	if c.notification != nil {
		return convene.StreamEvent{Kind: convene.StreamNotification, NotificationID: c.notification.ID,
			PostID: c.notification.PostID, Accounts: []string{c.notification.AccountID}}, nil
	}
	if c.boost != nil {
		return s.boostStreamEvent(ctx, c)
	}
	p := c.post
	if p == nil {
		var err error
		if p, err = s.store.FindPostByID(ctx, c.postID); err != nil {
			return convene.StreamEvent{}, err
		}
	}
	ev := convene.StreamEvent{Kind: c.kind, PostID: p.ID}
	if p.Visibility == convene.VisibilityPublic {
		ev.Public, ev.Local = true, p.AccountID != ""
		ev.Tags = p.Tags
		if c.kind != convene.StreamUpdate || p.Tags == nil {
			tags, err := s.store.FindPostTags(ctx, p.ID)
			if err != nil {
				return ev, err
			}
			ev.Tags = tags
		}
	}
	accounts, err := s.homeAudience(ctx, p)
	if err != nil {
		return ev, err
	}
	ev.Accounts = accounts
	ev.Lists, err = s.listAudience(ctx, p, accounts)
	return ev, err
}

// listAudience lists the lists whose timeline p belongs in: those holding its author or its
// community, owned by an account whose home it reaches (so a list never shows what its owner
// may not read), and, for a reply, not limited to threads (replies_policy none), as
// ListTimeline reads them.
func (s *Service) listAudience(ctx context.Context, p *convene.Post, homes []string) ([]string, error) {
	members := []string{p.AuthorIRI}
	if p.CommunityIRI != "" {
		members = append(members, p.CommunityIRI)
	}
	lists, err := s.store.FindListsWithMembers(ctx, "", members)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range lists {
		if slices.Contains(homes, l.AccountID) && (p.ParentID == "" || l.RepliesPolicy != "none") {
			out = append(out, l.ID)
		}
	}
	return out, nil
}

// boostStreamEvent is a boost made or withdrawn: it belongs in the home timelines of its
// booster and of the local accounts following them (not in public streams, as on Mastodon).
func (s *Service) boostStreamEvent(ctx context.Context, c streamChange) (convene.StreamEvent, error) {
	ev := convene.StreamEvent{Kind: c.kind, PostID: c.boost.ID, Accounts: []string{c.boost.AccountID}}
	booster, err := s.store.FindAccountByID(ctx, c.boost.AccountID)
	if err != nil || s.iris == nil {
		return ev, err
	}
	err = s.eachLocalFollower(ctx, s.iris.Person(booster.Username), func(id string) {
		if id != booster.ID {
			ev.Accounts = append(ev.Accounts, id)
		}
	})
	return ev, err
}

// homeAudience lists the local accounts whose home timeline p belongs in: its author's, those
// of the local accounts following its community, and for a public post those following its
// author (FindTimelinePosts' Home rule).
func (s *Service) homeAudience(ctx context.Context, p *convene.Post) ([]string, error) {
	seen := map[string]bool{}
	var accounts []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			accounts = append(accounts, id)
		}
	}
	add(p.AccountID)
	if s.iris == nil {
		return accounts, nil
	}
	followees := []string{p.CommunityIRI}
	if p.Visibility == convene.VisibilityPublic {
		followees = append(followees, p.AuthorIRI) // as the home timeline: followed people's public posts
	}
	for _, followee := range followees {
		if followee == "" {
			continue
		}
		err := s.eachLocalFollower(ctx, followee, add)
		if err != nil {
			return accounts, err
		}
	}
	return accounts, nil
}

// eachLocalFollower calls fn with the id of every local account following followee. Whether
// the account may stream is checked when it subscribes, not here.
func (s *Service) eachLocalFollower(ctx context.Context, followee string, fn func(accountID string)) error {
	return s.eachFollow(ctx, convene.FollowFilter{Followee: followee, State: convene.FollowAccepted}, func(f *convene.Follow) error {
		id, ok, err := s.localPersonID(ctx, f.Follower)
		if ok {
			fn(id)
		}
		return err
	})
}

// eachFollow calls fn with every follow the filter selects, a page at a time.
func (s *Service) eachFollow(ctx context.Context, filter convene.FollowFilter, fn func(*convene.Follow) error) error {
	const page = 200
	filter.Limit = page
	for {
		list, err := s.store.FindFollows(ctx, filter)
		if err != nil {
			return err
		}
		for _, f := range list {
			if err := fn(f); err != nil {
				return err
			}
		}
		if len(list) < page {
			return nil
		}
		filter.BeforeID = list[len(list)-1].ID
	}
}

// localPersonID is the account id of the local person at iri; ok is false for anyone else.
func (s *Service) localPersonID(ctx context.Context, iri string) (id string, ok bool, err error) {
	kind, name, local := s.iris.LocalActor(iri)
	if !local || kind != "person" {
		return "", false, nil
	}
	id, err = s.localAccountID(ctx, name)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return "", false, nil
	}
	return id, err == nil, err
}

// localAccountID finds the id of the account with a username. A username names one account
// for good, so the answer is cached: fanning a post out to a community's members then costs a
// query per page of followers, not one per member.
func (s *Service) localAccountID(ctx context.Context, username string) (string, error) {
	if id, ok := s.accountID.get(username); ok {
		return id, nil
	}
	a, err := s.store.FindAccountByUsername(ctx, username)
	if err != nil {
		return "", err
	}
	s.accountID.put(username, a.ID)
	return a.ID, nil
}

// accountIDCache maps usernames to account ids, forgetting everything when it grows past
// maxCachedAccountIDs (a crude bound, enough for a cache that rarely fills).
type accountIDCache struct {
	mu sync.Mutex
	m  map[string]string
}

const maxCachedAccountIDs = 100000

func (c *accountIDCache) get(username string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.m[username]
	return id, ok
}

func (c *accountIDCache) put(username, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedAccountIDs {
		c.m = map[string]string{}
	}
	c.m[username] = id
}

// streamStore is the service's store, noting the posts and notifications written through it
// so that live clients hear of them once they are committed: inside InTx after the commit,
// outside at once. Every use-case that stores one is covered without calling anything.
type streamStore struct {
	convene.Store
	s       *Service
	pending *[]streamChange // nil outside a transaction
}

func (st *streamStore) note(ctx context.Context, c streamChange) {
	if st.pending != nil {
		*st.pending = append(*st.pending, c)
		return
	}
	st.s.publishChanges(ctx, []streamChange{c})
}

// InTx implements convene.Store, publishing what fn wrote once the transaction commits.
func (st *streamStore) InTx(ctx context.Context, fn func(convene.Store) error) error {
	if st.pending != nil { // no nested transactions: run in this one
		return st.Store.InTx(ctx, func(tx convene.Store) error {
			return fn(&streamStore{Store: tx, s: st.s, pending: st.pending})
		})
	}
	var changes []streamChange
	err := st.Store.InTx(ctx, func(tx convene.Store) error {
		changes = changes[:0]
		return fn(&streamStore{Store: tx, s: st.s, pending: &changes})
	})
	if err == nil {
		st.s.publishChanges(ctx, changes)
	}
	return err
}

func (st *streamStore) CreatePost(ctx context.Context, p *convene.Post) error {
	if err := st.Store.CreatePost(ctx, p); err != nil {
		return err
	}
	cp := *p
	st.note(ctx, streamChange{kind: convene.StreamUpdate, post: &cp})
	return nil
}

func (st *streamStore) CreateBoost(ctx context.Context, b *convene.Boost) error {
	if err := st.Store.CreateBoost(ctx, b); err != nil {
		return err
	}
	cb := *b
	st.note(ctx, streamChange{kind: convene.StreamUpdate, boost: &cb})
	return nil
}

func (st *streamStore) DeleteBoost(ctx context.Context, accountID, postID string) (*convene.Boost, error) {
	b, err := st.Store.DeleteBoost(ctx, accountID, postID)
	if err == nil {
		st.note(ctx, streamChange{kind: convene.StreamDelete, boost: b})
	}
	return b, err
}

func (st *streamStore) UpdatePost(ctx context.Context, p *convene.Post) error {
	if err := st.Store.UpdatePost(ctx, p); err != nil {
		return err
	}
	st.note(ctx, streamChange{kind: convene.StreamStatusUpdate, postID: p.ID})
	return nil
}

func (st *streamStore) TombstonePost(ctx context.Context, id string, at time.Time) error {
	if err := st.Store.TombstonePost(ctx, id, at); err != nil {
		return err
	}
	st.note(ctx, streamChange{kind: convene.StreamDelete, postID: id})
	return nil
}

func (st *streamStore) CreateNotification(ctx context.Context, n *convene.Notification) error {
	if err := st.Store.CreateNotification(ctx, n); err != nil {
		return err
	}
	cp := *n
	st.note(ctx, streamChange{notification: &cp})
	return nil
}
