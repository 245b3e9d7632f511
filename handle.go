package convene

import (
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Handle is a fediverse account address, user@host, as people type it ("@alice@mastodon.social").
// Host may carry a port; whether such a host (or an IP address) may be contacted is for
// federation to decide, since only it knows which private networks are allowed.
type Handle struct {
	User string
	Host string // lowercase; "host" or "host:port"
}

// handleUser is what fediverse servers allow in the user part (Mastodon: letters, digits, _;
// Pleroma, Friendica and PeerTube add . - ~), all of it unreserved in URLs.
var handleUser = regexp.MustCompile(`^[A-Za-z0-9_.~-]{1,64}$`)

// dnsLabel is one label of a host name (RFC 1123): letters, digits and inner hyphens.
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ParseHandle reads "@user@host", "user@host" or "acct:user@host". The host must be a DNS
// name or an IP address, optionally with a port; anything that could steer a URL built from
// it (paths, userinfo, spaces, percent signs) is refused.
func ParseHandle(s string) (Handle, error) {
	raw := strings.TrimSpace(s)
	acct := strings.TrimPrefix(strings.TrimPrefix(raw, "acct:"), "@")
	user, host, ok := strings.Cut(acct, "@")
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if !ok || !handleUser.MatchString(user) || !validHandleHost(host) {
		return Handle{}, Errorf(EINVALID, "%q is not a handle like @name@example.org", raw)
	}
	return Handle{User: user, Host: host}, nil
}

// validHandleHost accepts "name.example", "name.example:8080", "127.0.0.1:3000" and "[::1]:3000"
// (an IPv6 address only in brackets with a port, the one form a URL takes it in).
func validHandleHost(host string) bool {
	name := host
	if h, port, err := net.SplitHostPort(host); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return false
		}
		name = h
	} else if strings.ContainsAny(host, "[]:") {
		return false
	}
	bracketed := strings.HasPrefix(host, "[")
	if ip, err := netip.ParseAddr(name); err == nil {
		return ip.Zone() == "" && ip.Is4() != bracketed
	}
	return !bracketed && validDNSName(name)
}

// validDNSName: labels of letters, digits and inner hyphens, at most 253 characters, and a
// last label that is not all digits (so "1.2.3" is not taken for a name).
func validDNSName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return false
		}
	}
	_, err := strconv.Atoi(labels[len(labels)-1])
	return err != nil
}

// Hostname is the host without its port: what domain blocks name.
func (h Handle) Hostname() string {
	if name, _, err := net.SplitHostPort(h.Host); err == nil {
		return strings.Trim(name, "[]")
	}
	return strings.Trim(h.Host, "[]")
}

// IsPublicName reports whether the host is a plain DNS name with a dot and no port: the only
// kind of host a server on the public internet has in a handle.
func (h Handle) IsPublicName() bool {
	return h.Host == h.Hostname() && validDNSName(h.Host) && strings.Contains(h.Host, ".")
}

// String is the handle as user@host.
func (h Handle) String() string { return h.User + "@" + h.Host }
