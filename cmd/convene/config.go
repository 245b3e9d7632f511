package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/convene-social/convene"
)

// Config is the whole configuration contract (DESIGN.md §2): each field comes from a
// CONVENE_* environment variable, and a flag of the same name in kebab case overrides it.
type Config struct {
	Listen               string
	Domain               string
	Protocol             string // empty until Validate derives it from Domain
	DatabaseURL          string // empty until Validate derives it from DataDir
	DataDir              string
	AllowPrivateNetworks string
	Registration         string
	AuthorizedFetch      string
	LogLevel             string

	// Parsed by Validate.
	allowedNetworks []netip.Prefix
	authorizedFetch bool
	logLevel        slog.Level
}

// setting describes one configuration variable: its name, flag, default and meaning. The
// README's table is this list.
type setting struct {
	env, flag, def, usage string
	field                 func(*Config) *string
}

var settings = []setting{
	{"CONVENE_LISTEN", "listen", ":8080", "address to listen on", func(c *Config) *string { return &c.Listen }},
	{"CONVENE_DOMAIN", "domain", "localhost:8080", "public host (may include a port); part of every actor id", func(c *Config) *string { return &c.Domain }},
	{"CONVENE_PROTOCOL", "protocol", "", "scheme of public URLs: https, or http when the domain is localhost or an IP", func(c *Config) *string { return &c.Protocol }},
	{"CONVENE_DATABASE_URL", "database-url", "", "sqlite:PATH or postgres://… (default sqlite:<data dir>/convene.db)", func(c *Config) *string { return &c.DatabaseURL }},
	{"CONVENE_DATA_DIR", "data-dir", "./data", "directory for the SQLite file and uploads", func(c *Config) *string { return &c.DataDir }},
	{"CONVENE_ALLOW_PRIVATE_NETWORKS", "allow-private-networks", "", "comma-separated CIDRs federation may reach although private or loopback", func(c *Config) *string { return &c.AllowPrivateNetworks }},
	{"CONVENE_REGISTRATION", "registration", "approval", "who may sign up: open, approval or closed", func(c *Config) *string { return &c.Registration }},
	{"CONVENE_AUTHORIZED_FETCH", "authorized-fetch", "false", "true: answer unsigned GETs of ActivityPub documents with 401", func(c *Config) *string { return &c.AuthorizedFetch }},
	{"CONVENE_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }},
}

// configFromEnv fills a Config from the environment, with defaults for what is unset.
func configFromEnv(getenv func(string) string) *Config {
	c := &Config{}
	for _, s := range settings {
		v := getenv(s.env)
		if v == "" {
			v = s.def
		}
		*s.field(c) = v
	}
	return c
}

// bindFlags lets flags override the values already read from the environment.
func (c *Config) bindFlags(fs *flag.FlagSet) {
	for _, s := range settings {
		fs.StringVar(s.field(c), s.flag, *s.field(c), s.usage+" ("+s.env+")")
	}
}

// configError names the setting at fault, its flag, and what to do about it.
func configError(env, problem string) error {
	for _, s := range settings {
		if s.env == env {
			return fmt.Errorf("%s (--%s) %s", env, s.flag, problem)
		}
	}
	return fmt.Errorf("%s %s", env, problem)
}

// Validate checks every setting and fills in the derived ones (Protocol, DatabaseURL).
func (c *Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Listen); err != nil || !validPort(port, true) {
		return configError("CONVENE_LISTEN", fmt.Sprintf("is %q: want host:port or :port, e.g. :8080 or 127.0.0.1:8080", c.Listen))
	}
	if err := c.validateDomain(); err != nil {
		return err
	}
	if err := c.validateProtocol(); err != nil {
		return err
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return configError("CONVENE_DATA_DIR", "is empty: name a directory, e.g. ./data or /var/lib/convene")
	}
	if err := c.validateDatabaseURL(); err != nil {
		return err
	}
	if err := c.validateNetworks(); err != nil {
		return err
	}
	if !convene.RegistrationMode(c.Registration).Valid() {
		return configError("CONVENE_REGISTRATION", fmt.Sprintf("is %q: want open, approval or closed", c.Registration))
	}
	var err error
	if c.authorizedFetch, err = strconv.ParseBool(c.AuthorizedFetch); err != nil {
		return configError("CONVENE_AUTHORIZED_FETCH", fmt.Sprintf("is %q: want true or false", c.AuthorizedFetch))
	}
	if err := c.logLevel.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return configError("CONVENE_LOG_LEVEL", fmt.Sprintf("is %q: want debug, info, warn or error", c.LogLevel))
	}
	return nil
}

func (c *Config) validateDomain() error {
	d := strings.ToLower(strings.TrimSpace(c.Domain))
	u, err := url.Parse("//" + d)
	bad := err != nil || d == "" || u.Host != d || u.User != nil || u.Path != "" || u.RawQuery != "" ||
		strings.HasSuffix(u.Hostname(), ".") || (u.Port() != "" && !validPort(u.Port(), false)) || u.Hostname() == ""
	if bad {
		return configError("CONVENE_DOMAIN", fmt.Sprintf("is %q: want the public host name, e.g. convene.example.org or localhost:8080, without scheme or path", c.Domain))
	}
	c.Domain = d
	return nil
}

func (c *Config) validateProtocol() error {
	switch c.Protocol {
	case "":
		c.Protocol = "https"
		if isLocalHost(c.Domain) {
			c.Protocol = "http"
		}
	case "http", "https":
	default:
		return configError("CONVENE_PROTOCOL", fmt.Sprintf("is %q: want https (or http for local testing)", c.Protocol))
	}
	return nil
}

func (c *Config) validateDatabaseURL() error {
	switch {
	case c.DatabaseURL == "":
		c.DatabaseURL = "sqlite:" + filepath.Join(c.DataDir, "convene.db")
	case strings.HasPrefix(c.DatabaseURL, "sqlite:") && len(c.DatabaseURL) > len("sqlite:"):
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		if _, err := url.Parse(c.DatabaseURL); err != nil {
			return configError("CONVENE_DATABASE_URL", "is not a valid URL: want postgres://user:password@host/dbname")
		}
	default:
		return configError("CONVENE_DATABASE_URL", "must be sqlite:PATH or postgres://user:password@host/dbname")
	}
	return nil
}

func (c *Config) validateNetworks() error {
	c.allowedNetworks = nil
	for _, part := range strings.Split(c.AllowPrivateNetworks, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(part)
		if err != nil {
			addr, aerr := netip.ParseAddr(part) // a bare address means just that host
			if aerr != nil {
				return configError("CONVENE_ALLOW_PRIVATE_NETWORKS", fmt.Sprintf("has %q: want CIDRs such as 127.0.0.0/8,10.1.0.0/16", part))
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.allowedNetworks = append(c.allowedNetworks, prefix.Masked())
	}
	return nil
}

// BaseURL is the public root URL of the instance, e.g. https://convene.example.org.
func (c *Config) BaseURL() string {
	return c.Protocol + "://" + c.Domain
}

func validPort(port string, zeroOK bool) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n <= 65535 && (n > 0 || (zeroOK && n == 0))
}

// isLocalHost reports whether domain is localhost or an IP address: hosts without certificates.
func isLocalHost(domain string) bool {
	host := domain
	if h, _, err := net.SplitHostPort(domain); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}
