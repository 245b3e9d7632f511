package convene_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/convene-social/convene"
)

func TestParseHandleAcceptsWhatPeopleType(t *testing.T) {
	for in, want := range map[string]convene.Handle{
		"@alice@mastodon.social":         {"alice", "mastodon.social"},
		"alice@mastodon.social":          {"alice", "mastodon.social"},
		" acct:Alice_B@Social.Example. ": {"Alice_B", "social.example"},
		"j.doe-x@pleroma.example":        {"j.doe-x", "pleroma.example"},
		"peer@127.0.0.1:3000":            {"peer", "127.0.0.1:3000"},
		"peer@[::1]:3000":                {"peer", "[::1]:3000"},
		"peer@localhost:8080":            {"peer", "localhost:8080"},
	} {
		got, err := convene.ParseHandle(in)
		if err != nil || got != want {
			t.Errorf("ParseHandle(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestParseHandleRefusesWhatCouldSteerAURL(t *testing.T) {
	for _, in := range []string{"", "alice", "@alice", "alice@", "@@host.example", "alice@host.example/path",
		"alice@evil.example#@good.example", "alice@user:pw@host.example", "al ice@host.example",
		"alice@host .example", "alice@host.example:0", "alice@host.example:99999", "alice@host.example:http",
		"alice@-host.example", "alice@host..example", "alice@1.2.3", "alice@host%2eexample", "al%40ice@host.example",
		"alice@[::1]", "alice@fe80::1%25eth0", "alice@::1", "alice@::1:3000", "alice@[1.2.3.4]:80", "alice@[host.example]:80", "alice@h\u00f6st.example", "alice@host.example?x=1"} {
		if h, err := convene.ParseHandle(in); convene.ErrorCode(err) != convene.EINVALID {
			t.Errorf("ParseHandle(%q) = %+v, %v; want invalid", in, h, err)
		}
	}
}

func TestHandleHostname(t *testing.T) {
	for in, want := range map[string]struct {
		host   string
		public bool
	}{
		"a@mastodon.social":  {"mastodon.social", true},
		"a@localhost":        {"localhost", false},
		"a@example.org:8443": {"example.org", false},
		"a@127.0.0.1:3000":   {"127.0.0.1", false},
		"a@[::1]:3000":       {"::1", false},
		"a@10.0.0.1":         {"10.0.0.1", false},
	} {
		h, err := convene.ParseHandle(in)
		if err != nil || h.Hostname() != want.host || h.IsPublicName() != want.public {
			t.Errorf("%q: Hostname %q, IsPublicName %v, %v; want %q, %v", in, h.Hostname(), h.IsPublicName(), err, want.host, want.public)
		}
	}
}

// FuzzParseHandle: whatever is accepted can be put into a URL as a host without changing
// which host it names, and reads back the same.
func FuzzParseHandle(f *testing.F) {
	for _, seed := range []string{"@alice@mastodon.social", "acct:a@127.0.0.1:3000", "a@[::1]:1", "a@b@c", "a@h/p", "a@h:0"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := convene.ParseHandle(s)
		if err != nil {
			return
		}
		u, perr := url.Parse("https://" + h.Host + "/.well-known/webfinger")
		if perr != nil {
			t.Fatalf("%q gave host %q, which is not a URL's: %v", s, h.Host, perr)
		}
		if u.Host != h.Host || u.User != nil || u.Path != "/.well-known/webfinger" || strings.ContainsAny(h.Host, "/?#@%\\ ") {
			t.Fatalf("%q gave host %q, which a URL reads as %q", s, h.Host, u.Host)
		}
		if again, err := convene.ParseHandle(h.String()); err != nil || again != h {
			t.Fatalf("%q → %+v, read back as %+v, %v", s, h, again, err)
		}
	})
}
