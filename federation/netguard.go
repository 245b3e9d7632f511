package federation

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrBlockedAddress means a connection was refused because the address actually dialled is
// loopback, private, reserved or otherwise not a public host (SSRF guard).
var ErrBlockedAddress = errors.New("address not allowed")

// blockedPrefixes are the ranges a fetch must never reach: GoToSocial's list
// (internal/netutil/validate.go, research/security-reliability-anchors.md table b), which
// covers IANA's special-purpose registries. IPv4-mapped IPv6 is not listed: CheckAddr unmaps
// it and checks the IPv4 address instead.
var blockedPrefixes = mustPrefixes(
	// IPv4
	"0.0.0.0/8",          // "this network"; 0.0.0.0 reaches localhost on Linux (Lemmy GHSA-q537-8fr5-cw35)
	"10.0.0.0/8",         // private
	"100.64.0.0/10",      // carrier-grade NAT
	"127.0.0.0/8",        // loopback
	"169.254.0.0/16",     // link-local, including cloud metadata at 169.254.169.254
	"172.16.0.0/12",      // private
	"192.0.0.0/24",       // IETF protocol assignments
	"192.0.2.0/24",       // TEST-NET-1
	"192.31.196.0/24",    // AS112
	"192.52.193.0/24",    // AMT
	"192.88.99.0/24",     // 6to4 relay anycast
	"192.168.0.0/16",     // private
	"192.175.48.0/24",    // AS112 direct delegation
	"198.18.0.0/15",      // benchmarking
	"198.51.100.0/24",    // TEST-NET-2
	"203.0.113.0/24",     // TEST-NET-3
	"224.0.0.0/4",        // multicast
	"240.0.0.0/4",        // reserved
	"255.255.255.255/32", // broadcast (inside 240/4; listed for clarity)
	// IPv6
	"::1/128",           // loopback
	"::/128",            // unspecified
	"::/96",             // deprecated IPv4-compatible (RFC 4291 §2.5.5.1); not in GTS's list, never a real peer
	"64:ff9b::/96",      // NAT64: would reach any IPv4 address, private ones included
	"64:ff9b:1::/48",    // local-use NAT64
	"100::/64",          // discard-only
	"2001::/23",         // IETF protocol assignments, including Teredo
	"2001:db8::/32",     // documentation
	"2002::/16",         // 6to4: embeds an arbitrary IPv4 address
	"2620:4f:8000::/48", // AS112
	"fc00::/7",          // unique local
	"fe80::/10",         // link-local
	"fec0::/10",         // deprecated site-local
	"ff00::/8",          // multicast
)

func mustPrefixes(ss ...string) []netip.Prefix {
	ps := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		ps[i] = netip.MustParsePrefix(s)
	}
	return ps
}

// CheckAddr reports whether ip may be contacted: false for loopback, private, link-local,
// unspecified, multicast, reserved, documentation and benchmark ranges and for the IPv4-mapped
// and NAT64 forms of these, unless ip lies inside one of the allowed prefixes (the operator's
// CONVENE_ALLOW_PRIVATE_NETWORKS, e.g. for a test federation on a LAN).
func CheckAddr(ip netip.Addr, allowed []netip.Prefix) bool {
	if !ip.IsValid() {
		return false
	}
	// Prefix.Contains never matches a zoned address, so the zone must go before any check.
	ip = ip.WithZone("")
	if inAny(ip, allowed) || inAny(ip.Unmap(), allowed) {
		return true
	}
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsMulticast() ||
		ip.IsLinkLocalUnicast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	return !inAny(ip, blockedPrefixes)
}

func inAny(ip netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// guardedDialer returns a dialer that checks the address of every connection attempt after
// DNS resolution and before connect. Checking there, on the very IP being dialled, is what
// defeats DNS rebinding: a name that resolved to a public IP for a pre-check and to 127.0.0.1
// for the connect is still caught (GoToSocial does the same in net.Dialer.Control).
func guardedDialer(connectTimeout time.Duration, allowed []netip.Prefix) *net.Dialer {
	return &net.Dialer{
		Timeout:   connectTimeout,
		KeepAlive: 30 * time.Second,
		Control:   guardControl(allowed),
	}
}

// guardControl is the net.Dialer.Control hook of guardedDialer. It sees the resolved
// network ("tcp4", "tcp6", …) and "ip:port" of each attempt, so Happy Eyeballs fallbacks
// are checked one by one.
func guardControl(allowed []netip.Prefix) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if network != "tcp4" && network != "tcp6" {
			return fmt.Errorf("%w: network %s", ErrBlockedAddress, network)
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: unparsable address %q", ErrBlockedAddress, address)
		}
		if !CheckAddr(ap.Addr(), allowed) {
			return fmt.Errorf("%w: %s", ErrBlockedAddress, ap.Addr())
		}
		return nil
	}
}
