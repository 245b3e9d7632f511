package federation

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

func TestCheckAddrBlocksSpecialRanges(t *testing.T) {
	blocked := []string{
		"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
		"127.0.0.1", "127.255.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255",
		"192.0.0.8", "192.0.2.1", "192.31.196.1", "192.52.193.1", "192.88.99.1", "192.168.1.1",
		"192.175.48.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
		"224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
		"::1", "::", "::7f00:1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:0.0.0.0",
		"::ffff:169.254.169.254", "64:ff9b::7f00:1", "64:ff9b::5db8:d822", "64:ff9b:1::1",
		"100::1", "2001::1", "2001:1ff::1", "2001:db8::1", "2002:7f00:1::1", "2620:4f:8000::53",
		"fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "febf::1", "fec0::1", "ff02::1",
	}
	for _, s := range blocked {
		if CheckAddr(netip.MustParseAddr(s), nil) {
			t.Errorf("CheckAddr(%s) = true, want blocked", s)
		}
	}
}

func TestCheckAddrAllowsPublicAddresses(t *testing.T) {
	public := []string{
		"93.184.216.34", "8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "192.0.1.1",
		"198.20.0.1", "223.255.255.254",
		"2606:4700::1111", "2a00:1450:4001::200e", "2001:4860:4860::8888", "::ffff:93.184.216.34",
	}
	for _, s := range public {
		if !CheckAddr(netip.MustParseAddr(s), nil) {
			t.Errorf("CheckAddr(%s) = false, want allowed", s)
		}
	}
}

func TestCheckAddrAllowList(t *testing.T) {
	allowed := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		addr string
		want bool
	}{
		{"10.1.2.3", true},
		{"::ffff:10.1.2.3", true}, // same host as 10.1.2.3
		{"fd00::5", true},
		{"192.168.1.1", false},
		{"127.0.0.1", false},
		{"fc00::1", false},
		{"93.184.216.34", true},
	}
	for _, tt := range tests {
		if got := CheckAddr(netip.MustParseAddr(tt.addr), allowed); got != tt.want {
			t.Errorf("CheckAddr(%s, 10/8+fd00::/8) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestCheckAddrRefusesInvalidAddr(t *testing.T) {
	if CheckAddr(netip.Addr{}, nil) {
		t.Error("CheckAddr(zero Addr) = true")
	}
}

// listenLoopback returns a TCP listener on 127.0.0.1 that accepts and closes connections.
func listenLoopback(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln
}

func TestGuardedDialerRefusesLoopback(t *testing.T) {
	ln := listenLoopback(t)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	d := guardedDialer(time.Second, nil)
	for _, addr := range []string{ln.Addr().String(), net.JoinHostPort("localhost", port), "[::1]:" + port, "0.0.0.0:" + port} {
		c, err := d.DialContext(t.Context(), "tcp", addr)
		if err == nil {
			c.Close()
			t.Errorf("dial %s: connected, want ErrBlockedAddress", addr)
			continue
		}
		if !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("dial %s: %v, want ErrBlockedAddress", addr, err)
		}
	}
}

func TestGuardedDialerAllowsAllowedNetwork(t *testing.T) {
	ln := listenLoopback(t)
	d := guardedDialer(time.Second, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	c, err := d.DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial %s with 127/8 allowed: %v", ln.Addr(), err)
	}
	c.Close()
}

func TestGuardedDialerRefusesNonTCP(t *testing.T) {
	d := guardedDialer(time.Second, []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")})
	c, err := d.DialContext(t.Context(), "udp", "127.0.0.1:53")
	if err == nil {
		c.Close()
		t.Fatal("udp dial succeeded, want ErrBlockedAddress")
	}
	if !errors.Is(err, ErrBlockedAddress) {
		t.Fatalf("udp dial: %v, want ErrBlockedAddress", err)
	}
}
