package service

import (
	"slices"
	"strings"
	"sync"

	"github.com/convene-social/convene"
)

// Stream names, as the Mastodon streaming API spells them.
const (
	StreamUser             = "user"
	StreamUserNotification = "user:notification"
	StreamPublic           = "public"
	StreamPublicLocal      = "public:local"
	StreamPublicRemote     = "public:remote"
	StreamHashtag          = "hashtag"
	StreamHashtagLocal     = "hashtag:local"
	StreamList             = "list"
)

// Stream is one stream a live client subscribes to; Tag is set for hashtag streams only,
// List for list streams only.
type Stream struct {
	Name string
	Tag  string
	List string
}

// ParseStream checks a stream name (and its tag or list id) a client asked for. Whether the
// list is the subscriber's own is for the service to check (SubscribeList).
func ParseStream(name, tag, list string) (Stream, error) {
	switch name {
	case StreamList:
		if _, ok := convene.IDTime(list); !ok {
			return Stream{}, convene.Errorf(convene.EINVALID, "a list stream needs a list id")
		}
		return Stream{Name: name, List: list}, nil
	case StreamUser, StreamUserNotification, StreamPublic, StreamPublicLocal, StreamPublicRemote:
		return Stream{Name: name}, nil
	case StreamHashtag, StreamHashtagLocal:
		tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
		if tag == "" || len(tag) > 100 {
			return Stream{}, convene.Errorf(convene.EINVALID, "a hashtag stream needs a tag")
		}
		return Stream{Name: name, Tag: tag}, nil
	}
	return Stream{}, convene.Errorf(convene.EINVALID, "unknown stream %q", name)
}

// Wire is the stream as Mastodon's events name it: ["user"], ["hashtag", "tag"], ["list", "id"].
func (st Stream) Wire() []string {
	if st.Tag != "" {
		return []string{st.Name, st.Tag}
	}
	if st.List != "" {
		return []string{st.Name, st.List}
	}
	return []string{st.Name}
}

// personal reports whether the stream shows an account's own timelines or notifications.
func (st Stream) personal() bool {
	return st.Name == StreamUser || st.Name == StreamUserNotification || st.Name == StreamList
}

// matches reports whether ev belongs in st for the account subscribed.
func (st Stream) matches(ev convene.StreamEvent, account string) bool {
	switch st.Name {
	case StreamUser:
		return account != "" && slices.Contains(ev.Accounts, account)
	case StreamUserNotification:
		return ev.Kind == convene.StreamNotification && account != "" && slices.Contains(ev.Accounts, account)
	case StreamList:
		return account != "" && slices.Contains(ev.Lists, st.List)
	}
	if ev.Kind == convene.StreamNotification || !ev.Public {
		return false
	}
	switch st.Name {
	case StreamPublic:
		return true
	case StreamPublicLocal:
		return ev.Local
	case StreamPublicRemote:
		return !ev.Local
	case StreamHashtag:
		return slices.Contains(ev.Tags, st.Tag)
	case StreamHashtagLocal:
		return ev.Local && slices.Contains(ev.Tags, st.Tag)
	}
	return false
}

// Delivery is an event as one subscription receives it: in one of its streams.
type Delivery struct {
	Stream Stream
	Event  convene.StreamEvent
}

// Limits on live subscriptions (one per open WebSocket).
const (
	defaultStreamsPerAccount = 16
	defaultStreamsTotal      = 10000
	// streamBuffer is how many events a subscriber may fall behind before it is dropped.
	streamBuffer = 128
)

// Hub fans stream events out to the live subscriptions of this process. A subscriber that
// does not keep up is dropped (its channel closed), as Mastodon's streaming server does, so
// that one slow client never holds up the others or the publisher.
type Hub struct {
	mu         sync.Mutex
	subs       map[*Subscription]struct{}
	perAccount map[string]int
	maxAccount int
	maxTotal   int
	buffer     int
}

// NewHub returns a hub allowing perAccount subscriptions per account (or per token, for a
// token without an account) and total subscriptions overall, each buffering buffer events.
func NewHub(perAccount, total, buffer int) *Hub {
	return &Hub{subs: map[*Subscription]struct{}{}, perAccount: map[string]int{},
		maxAccount: perAccount, maxTotal: total, buffer: buffer}
}

// Subscription is one live client's set of streams. Events arrive on C; C is closed when the
// subscription ends: Close, a slow reader dropped, or its token revoked.
type Subscription struct {
	hub     *Hub
	account string // "" for a token without an account
	token   string
	key     string // what the per-account limit counts
	c       chan Delivery
	streams []Stream // guarded by hub.mu
	closed  bool     // guarded by hub.mu
	reason  string   // why it ended, once closed; guarded by hub.mu
}

// Why a subscription ended.
const (
	StreamClosed   = "closed"   // Close was called
	StreamTooSlow  = "too slow" // its reader fell behind and it was dropped
	StreamRevoked  = "revoked"  // its token was revoked
	StreamShutdown = "shutdown" // the server is stopping
)

// Subscribe opens a subscription, with no streams yet, for an account (or none) and the token
// it came with; ETOOMANY past the limits.
func (h *Hub) Subscribe(accountID, tokenID string) (*Subscription, error) {
	key := "account:" + accountID
	if accountID == "" {
		key = "token:" + tokenID
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) >= h.maxTotal {
		return nil, convene.Errorf(convene.ETOOMANY, "too many streams are open on this server")
	}
	if h.perAccount[key] >= h.maxAccount {
		return nil, convene.Errorf(convene.ETOOMANY, "too many streams are open for this account")
	}
	sub := &Subscription{hub: h, account: accountID, token: tokenID, key: key, c: make(chan Delivery, h.buffer)}
	h.subs[sub] = struct{}{}
	h.perAccount[key]++
	return sub, nil
}

// Len is how many subscriptions are open.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Deliver hands ev to every subscription it belongs to, never waiting for one.
func (h *Hub) Deliver(ev convene.StreamEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if ev.Kind == convene.StreamRevoke {
			if ev.TokenID != "" && sub.token == ev.TokenID {
				h.closeLocked(sub, StreamRevoked)
			}
			continue
		}
		for _, st := range sub.streams {
			if !st.matches(ev, sub.account) {
				continue
			}
			select {
			case sub.c <- Delivery{Stream: st, Event: ev}:
			default:
				h.closeLocked(sub, StreamTooSlow)
			}
			if sub.closed {
				break
			}
		}
	}
}

// CloseAll ends every subscription, telling readers why.
func (h *Hub) CloseAll(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		h.closeLocked(sub, reason)
	}
}

func (h *Hub) closeLocked(sub *Subscription, reason string) {
	if sub.closed {
		return
	}
	sub.closed, sub.reason = true, reason
	delete(h.subs, sub)
	if h.perAccount[sub.key]--; h.perAccount[sub.key] <= 0 {
		delete(h.perAccount, sub.key)
	}
	close(sub.c)
}

// C is where the subscription's events arrive.
func (sub *Subscription) C() <-chan Delivery { return sub.c }

// Add subscribes to st too. The personal streams need an account.
func (sub *Subscription) Add(st Stream) error {
	if st.personal() && sub.account == "" {
		return convene.Errorf(convene.EFORBIDDEN, "the %s stream needs a token of an account", st.Name)
	}
	sub.hub.mu.Lock()
	defer sub.hub.mu.Unlock()
	if !slices.Contains(sub.streams, st) {
		sub.streams = append(sub.streams, st)
	}
	return nil
}

// Remove unsubscribes from st.
func (sub *Subscription) Remove(st Stream) {
	sub.hub.mu.Lock()
	defer sub.hub.mu.Unlock()
	sub.streams = slices.DeleteFunc(sub.streams, func(s Stream) bool { return s == st })
}

// Streams lists the streams subscribed to.
func (sub *Subscription) Streams() []Stream {
	sub.hub.mu.Lock()
	defer sub.hub.mu.Unlock()
	return slices.Clone(sub.streams)
}

// Close ends the subscription; closing twice is harmless.
func (sub *Subscription) Close() {
	sub.hub.mu.Lock()
	defer sub.hub.mu.Unlock()
	sub.hub.closeLocked(sub, StreamClosed)
}

// Reason says why the subscription ended; empty while it is open.
func (sub *Subscription) Reason() string {
	sub.hub.mu.Lock()
	defer sub.hub.mu.Unlock()
	return sub.reason
}
