package service

import (
	"strings"
	"testing"
	"time"
)

// TestThrottleKeepsLongKeysSmall: a sign-in form's login (up to the form's 256 KiB) becomes a
// throttle key kept for an hour; the map must not hold it whole, or a few thousand attempts
// hold gigabytes.
func TestThrottleKeepsLongKeysSmall(t *testing.T) {
	th := newThrottle(2, time.Hour)
	now := time.Now()
	long := strings.Repeat("a", 256<<10)
	for i := range 3 {
		ok, _ := th.allow(long, now)
		if want := i < 2; ok != want {
			t.Errorf("attempt %d with a long key allowed = %v, want %v", i+1, ok, want)
		}
	}
	if ok, _ := th.allow(long[:len(long)-1], now); !ok {
		t.Error("another long key shares the first one's count")
	}
	for key := range th.windows {
		if len(key) > 100 {
			t.Errorf("the throttle keeps a key of %d bytes", len(key))
		}
	}
}
