package handlers

import (
	"net/http/httptest"
	"testing"
)

// TestClientIPTrustsForwardedForOnlyFromLoopback: the address sign-in and remote-follow
// limits count by. A proxy on the same host appends the real client's address; anyone else
// could write any X-Forwarded-For to dodge the limits.
func TestClientIPTrustsForwardedForOnlyFromLoopback(t *testing.T) {
	tests := []struct {
		name, remote string
		forwarded    []string
		want         string
	}{
		{"direct client", "203.0.113.7:5555", nil, "203.0.113.7"},
		{"forged header from afar", "203.0.113.7:5555", []string{"198.51.100.1"}, "203.0.113.7"},
		{"proxy on loopback", "127.0.0.1:4444", []string{"198.51.100.1"}, "198.51.100.1"},
		{"proxy on IPv6 loopback", "[::1]:4444", []string{"2001:db8::9"}, "2001:db8::9"},
		{"client-written hops before the proxy's", "127.0.0.1:4444", []string{"10.0.0.1, 192.0.2.44"}, "192.0.2.44"},
		{"several headers: the last is the proxy's", "127.0.0.1:4444", []string{"10.0.0.1", "192.0.2.45"}, "192.0.2.45"},
		{"garbage last hop", "127.0.0.1:4444", []string{"198.51.100.1, not-an-ip"}, "127.0.0.1"},
		{"loopback without a proxy", "127.0.0.1:4444", nil, "127.0.0.1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		for _, v := range tt.forwarded {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientIP(r); got != tt.want {
			t.Errorf("%s: clientIP = %q, want %q", tt.name, got, tt.want)
		}
	}
}
