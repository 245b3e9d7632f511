package mastodon

import (
	"net/http"
	"strconv"
	"time"

	"github.com/convene-social/convene/service"
)

// Mastodon's published limits (docs.joinmastodon.org/api/rate-limits/): 300 requests in 5
// minutes per account or token, and as many per address for requests without a token.
const (
	rateLimitRequests = 300
	rateLimitWindow   = 5 * time.Minute
)

// RateLimiter applies the API's rate limits and tells clients where they stand with the
// X-RateLimit-Limit, -Remaining and -Reset headers Mastodon sends, answering 429 past the
// limit. Keys are whatever identifies the caller: the token, else the client's address.
type RateLimiter struct {
	limit *service.RateLimit
}

// NewRateLimiter makes a limiter with Mastodon's numbers.
func NewRateLimiter() *RateLimiter {
	return &RateLimiter{limit: service.NewRateLimit(rateLimitRequests, rateLimitWindow)}
}

// Allow counts a request by key, sets the headers, and reports whether it may go on; when
// not, it has answered 429 with a JSON error.
func (l *RateLimiter) Allow(w http.ResponseWriter, key string) bool {
	ok, remaining, reset := l.limit.Take(key)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.limit.Limit()))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05.000Z"))
	if ok {
		return true
	}
	h.Set("Retry-After", strconv.Itoa(int(time.Until(reset).Seconds())+1))
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"error":"Too many requests"}` + "\n"))
	return false
}
