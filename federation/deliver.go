package federation

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/convene-social/convene"
)

// DelivererConfig configures outbound delivery.
type DelivererConfig struct {
	Store convene.Store
	IRIs  IRIs
	Keys  *Keyring
	// Software tells group-aware peers from microblogs; nil treats every peer as a microblog.
	Software  *Software
	Client    *http.Client // must not follow redirects (Fetcher.Client)
	Log       *slog.Logger
	Workers   int                             // concurrent POSTs; default 16
	PerHost   int                             // concurrent POSTs to one host; default 4
	Backoff   func(attempt int) time.Duration // delay after failed attempt n (0-based); default mastodonBackoff
	Poll      time.Duration                   // how often idle workers look for work; default 1 s
	UserAgent string
	Now       func() time.Time
}

// maxAttempts gives up after retries spanning more than 48 hours with mastodonBackoff.
const maxAttempts = 17

// mastodonBackoff is Mastodon's DeliveryWorker schedule: n⁴ + 15 + rand(0.5·n⁴) seconds,
// plus rand(10)·(n+1); 16 retries add up to about 50–62 hours.
func mastodonBackoff(n int) time.Duration {
	n4 := float64(n * n * n * n)
	secs := n4 + 15 + rand.Float64()*0.5*n4 + float64(rand.IntN(10)*(n+1))
	return time.Duration(secs * float64(time.Second))
}

// Deliverer fans activities out to inboxes and POSTs them, signed, at least once.
type Deliverer struct {
	cfg       DelivererConfig
	renderer  *Renderer
	kick      chan struct{} // new activities to fan out
	slotFreed chan struct{} // a worker finished, or new deliveries exist
	slots     chan struct{}
	mu        sync.Mutex
	hosts     map[string]*hostState
	renders   renderCache
}

// hostState is the in-memory side of a host's health: its concurrency slots and a circuit
// breaker that stops hammering a host that keeps failing (Mastodon: 10 failures, 60 s).
type hostState struct {
	slots     chan struct{}
	failures  int
	openUntil time.Time
}

const (
	breakerThreshold = 10
	breakerCoolOff   = 60 * time.Second
	// hostBusyRetry is how long a delivery waits when its host's slots are all taken.
	hostBusyRetry = 200 * time.Millisecond
)

// NewDeliverer returns a Deliverer; call Run to start it.
func NewDeliverer(cfg DelivererConfig) *Deliverer {
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.PerHost <= 0 {
		cfg.PerHost = 4
	}
	if cfg.Backoff == nil {
		cfg.Backoff = mastodonBackoff
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Deliverer{cfg: cfg, renderer: NewRenderer(cfg.IRIs, cfg.Store), kick: make(chan struct{}, 1), slotFreed: make(chan struct{}, 1), slots: make(chan struct{}, cfg.Workers),
		hosts: map[string]*hostState{}, renders: renderCache{m: map[string]rendered{}}}
}

// Kick wakes the workers now, e.g. after a use-case queued an activity.
func (d *Deliverer) Kick() {
	notify(d.kick)
	notify(d.slotFreed)
}

// Run fans out and delivers until ctx ends, then waits for POSTs in flight. Fan-out and
// delivery run as two loops: a finished POST wakes only the delivery loop, and new outbox
// activities wake both.
func (d *Deliverer) Run(ctx context.Context) error {
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	var loops sync.WaitGroup
	loops.Go(func() { d.loop(ctx, d.kick, func() int { return d.fanOutDue(ctx) }) })
	d.loop(ctx, d.slotFreed, func() int { return d.deliverDue(ctx, &inFlight) })
	loops.Wait()
	return ctx.Err()
}

// loop runs step until ctx ends: again at once while it finds work, otherwise after a wake-up
// or the poll interval.
func (d *Deliverer) loop(ctx context.Context, wake <-chan struct{}, step func() int) {
	for ctx.Err() == nil {
		if step() > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-time.After(d.cfg.Poll):
		}
	}
}

// notify wakes a loop without blocking.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// fanOutDue expands due outbox activities into deliveries and reports how many it handled.
func (d *Deliverer) fanOutDue(ctx context.Context) int {
	activities, err := d.cfg.Store.ClaimFanOut(ctx, d.cfg.Now(), 50, 30*time.Second)
	if err != nil {
		d.logErr(ctx, "claim fan-out", err)
		return 0
	}
	for _, a := range activities {
		inboxes, err := d.recipients(ctx, a)
		if err == nil {
			err = d.cfg.Store.FanOut(ctx, a.ID, inboxes, d.cfg.Now())
		}
		if err != nil {
			d.logErr(ctx, "fan out "+a.ID, err)
		}
	}
	if len(activities) > 0 {
		notify(d.slotFreed) // new deliveries are due
	}
	return len(activities)
}

// deliverDue claims as many due deliveries as there are free workers and starts a POST for
// each. Claiming no more than can start at once keeps every lease far longer than the
// attempt it covers (a POST gives up after 30 s; a lease lasts a minute).
func (d *Deliverer) deliverDue(ctx context.Context, inFlight *sync.WaitGroup) int {
	// Claim in batches (a quarter of the workers at least): one claim per finished POST would
	// make the claim query, a write, the bottleneck.
	free := cap(d.slots) - len(d.slots)
	if free < max(1, cap(d.slots)/4) {
		return 0 // finishing workers kick the loop
	}
	deliveries, err := d.cfg.Store.ClaimDeliveries(ctx, d.cfg.Now(), free, time.Minute)
	if err != nil {
		d.logErr(ctx, "claim deliveries", err)
		return 0
	}
	for _, dl := range deliveries {
		d.slots <- struct{}{} // never blocks: at most free were claimed, and only this loop adds
		inFlight.Go(func() {
			defer func() { <-d.slots; notify(d.slotFreed) }()
			d.deliver(context.WithoutCancel(ctx), dl)
		})
	}
	return len(deliveries)
}

func (d *Deliverer) logErr(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		d.cfg.Log.ErrorContext(ctx, what, "err", err)
	}
}

// deliver makes one attempt at one delivery and records the outcome.
func (d *Deliverer) deliver(ctx context.Context, dl *convene.Delivery) {
	host := d.host(dl.Host)
	now := d.cfg.Now()
	if blocked, err := d.cfg.Store.IsDomainBlocked(ctx, hostnameOf(dl.Inbox)); err != nil || blocked {
		if blocked {
			err = d.cfg.Store.FinishDelivery(ctx, dl, convene.DeliveryDead, 0, "domain blocked", now, now)
		}
		d.finishErr(ctx, err)
		return
	}
	if open := d.breakerOpenUntil(host); now.Before(open) {
		d.finishErr(ctx, d.cfg.Store.DeferDelivery(ctx, dl, open))
		return
	}
	// A busy host does not hold a worker (or the lease) hostage: its delivery waits in the
	// queue a moment while the worker serves other hosts.
	select {
	case host.slots <- struct{}{}:
	default:
		d.finishErr(ctx, d.cfg.Store.DeferDelivery(ctx, dl, now.Add(hostBusyRetry)))
		return
	}
	status, retryAfter, err := d.post(ctx, dl)
	<-host.slots
	d.record(ctx, dl, host, status, retryAfter, err)
}

// post renders (once per activity), signs and sends the activity to the delivery's inbox.
func (d *Deliverer) post(ctx context.Context, dl *convene.Delivery) (int, time.Duration, error) {
	activity, body, err := d.render(ctx, dl.ActivityID)
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.Inbox, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", as2MediaType)
	req.Header.Set("Accept", acceptAS2)
	if d.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", d.cfg.UserAgent)
	}
	keyID, key, err := d.cfg.Keys.SigningKey(ctx, activity.Actor)
	if err != nil {
		return 0, 0, err
	}
	if err := SignRequest(req, body, keyID, key, d.cfg.Now()); err != nil {
		return 0, 0, err
	}
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, parseRetryAfter(resp.Header.Get("Retry-After"), d.cfg.Now()), nil
}

// as2MediaType is what we POST activities as; GoToSocial answers 406 to anything else.
const as2MediaType = "application/activity+json"

// outcome classifies an attempt as Mastodon does: 2xx done; 501 and 4xx other than 401, 408
// and 429 final (the peer will never take it); everything else, network errors included, retried.
func outcome(status int, err error) string {
	switch {
	case err == nil && status >= 200 && status < 300:
		return convene.DeliveryDone
	case err == nil && (status == 501 || (status >= 400 && status < 500 && status != 401 && status != 408 && status != 429)):
		return convene.DeliveryDead
	}
	return convene.DeliveryPending
}

func (d *Deliverer) record(ctx context.Context, dl *convene.Delivery, host *hostState, status int, retryAfter time.Duration, err error) {
	state := outcome(status, err)
	now := d.cfg.Now()
	d.trackBreaker(host, state == convene.DeliveryDone, now)
	next := now
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if state == convene.DeliveryPending {
		next = now.Add(max(d.cfg.Backoff(dl.Attempts), min(retryAfter, 24*time.Hour)))
		if dl.Attempts+1 >= maxAttempts {
			state, msg = convene.DeliveryDead, fmt.Sprintf("gave up after %d attempts: %s", maxAttempts, msg)
		}
	}
	d.finishErr(ctx, d.cfg.Store.FinishDelivery(ctx, dl, state, status, msg, next, now))
	if status == http.StatusGone {
		d.forgetGone(ctx, dl.Inbox)
	}
	if state == convene.DeliveryDone || state == convene.DeliveryPending || err != nil {
		_, herr := d.cfg.Store.RecordHostResult(ctx, dl.Host, state == convene.DeliveryDone, now)
		d.finishErr(ctx, herr)
	}
}

// forgetGone removes the actor behind a personal inbox that answered 410: the account is
// gone, and its follows with it. A shared inbox's 410 says nothing about one actor.
func (d *Deliverer) forgetGone(ctx context.Context, inbox string) {
	actors, err := d.cfg.Store.FindRemoteActorsByInbox(ctx, inbox)
	if err != nil {
		d.finishErr(ctx, err)
		return
	}
	for _, a := range actors {
		d.cfg.Log.InfoContext(ctx, "removing an actor whose inbox is gone", "actor", a.IRI)
		d.finishErr(ctx, d.cfg.Store.DeleteRemoteActor(ctx, a.IRI))
	}
}

func (d *Deliverer) finishErr(ctx context.Context, err error) {
	if err != nil {
		d.cfg.Log.ErrorContext(ctx, "record delivery", "err", err)
	}
}

func (d *Deliverer) host(name string) *hostState {
	d.mu.Lock()
	defer d.mu.Unlock()
	h, ok := d.hosts[name]
	if !ok {
		h = &hostState{slots: make(chan struct{}, d.cfg.PerHost)}
		d.hosts[name] = h
	}
	return h
}

func (d *Deliverer) breakerOpenUntil(h *hostState) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return h.openUntil
}

func (d *Deliverer) trackBreaker(h *hostState, ok bool, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok {
		h.failures = 0
		return
	}
	h.failures++
	if h.failures >= breakerThreshold {
		h.openUntil, h.failures = now.Add(breakerCoolOff), 0
	}
}
