package mastodon

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func TestRateLimiterCountsPerKeyAndAnswers429(t *testing.T) {
	l := NewRateLimiter()
	var last *httptest.ResponseRecorder
	for i := range rateLimitRequests {
		w := httptest.NewRecorder()
		if !l.Allow(w, "token-a") {
			t.Fatalf("request %d refused within the limit", i+1)
		}
		if got := w.Header().Get("X-RateLimit-Remaining"); got != strconv.Itoa(rateLimitRequests-i-1) {
			t.Fatalf("request %d: remaining %s", i+1, got)
		}
		last = w
	}
	reset, err := time.Parse("2006-01-02T15:04:05.000Z", last.Header().Get("X-RateLimit-Reset"))
	if err != nil || time.Until(reset) <= 0 || time.Until(reset) > rateLimitWindow {
		t.Errorf("X-RateLimit-Reset = %q, %v", last.Header().Get("X-RateLimit-Reset"), err)
	}
	w := httptest.NewRecorder()
	if l.Allow(w, "token-a") || w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("request past the limit = %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["error"] == "" {
		t.Errorf("429 body %q is not a JSON error", w.Body)
	}
	if w := httptest.NewRecorder(); !l.Allow(w, "token-b") || w.Header().Get("X-RateLimit-Limit") != "300" {
		t.Error("another token shares the first one's count")
	}
}
