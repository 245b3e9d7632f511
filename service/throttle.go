package service

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// throttle counts attempts per key in fixed windows: at most limit per window. It lives in
// the process, so several processes each allow the limit; that still bounds password
// guessing to a few per second across a cluster.
type throttle struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	windows map[string]throttleWindow
	swept   time.Time
}

type throttleWindow struct {
	start time.Time
	count int
}

// maxThrottleKeys bounds the map: past it, windows that have ended are swept at once.
const maxThrottleKeys = 100_000

// maxThrottleKeyLen bounds what the map keeps of a key: a longer one (a login typed into a
// 256 KiB form) is kept as its SHA-256, so that memory is bounded by the number of keys.
const maxThrottleKeyLen = 64

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, windows: map[string]throttleWindow{}}
}

// allow counts an attempt for key at now and reports whether it is within the limit, and
// if not, when the window ends.
func (t *throttle) allow(key string, now time.Time) (bool, time.Time) {
	count, reset := t.take(key, now)
	return count <= t.limit, reset
}

// take counts an attempt for key at now and returns the count in its window and when the
// window ends.
func (t *throttle) take(key string, now time.Time) (int, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	if len(key) > maxThrottleKeyLen {
		sum := sha256.Sum256([]byte(key))
		key = hex.EncodeToString(sum[:])
	}
	w := t.windows[key]
	if now.Sub(w.start) >= t.window {
		w = throttleWindow{start: now}
	}
	w.count++
	t.windows[key] = w
	return w.count, w.start.Add(t.window)
}

// RateLimit bounds requests per key (a token, an account, an address) in fixed windows, for
// the API's rate limits; it says what is left so that answers can carry X-RateLimit-*.
type RateLimit struct {
	t   *throttle
	now func() time.Time
}

// NewRateLimit allows limit requests per window and key.
func NewRateLimit(limit int, window time.Duration) *RateLimit {
	return &RateLimit{t: newThrottle(limit, window), now: time.Now}
}

// Take counts a request for key: whether it is allowed, how many remain in the window, and
// when the window ends.
func (l *RateLimit) Take(key string) (ok bool, remaining int, reset time.Time) {
	count, reset := l.t.take(key, l.now())
	return count <= l.t.limit, max(0, l.t.limit-count), reset
}

// Limit is how many requests a window allows.
func (l *RateLimit) Limit() int { return l.t.limit }

// sweep drops ended windows once a window, or at once when the map is full.
func (t *throttle) sweep(now time.Time) {
	if now.Sub(t.swept) < t.window && len(t.windows) < maxThrottleKeys {
		return
	}
	t.swept = now
	for key, w := range t.windows {
		if now.Sub(w.start) >= t.window {
			delete(t.windows, key)
		}
	}
}
