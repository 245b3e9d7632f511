package main

import (
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestConfigDefaults(t *testing.T) {
	c := configFromEnv(func(string) string { return "" })
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Config{Listen: ":8080", Domain: "localhost:8080", Protocol: "http", DatabaseURL: "sqlite:data/convene.db",
		DataDir: "./data", Registration: "approval", AuthorizedFetch: "false", LogLevel: "info"}
	got := *c
	got.allowedNetworks, got.logLevel, got.authorizedFetch = nil, 0, false
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults = %+v\nwant %+v", got, want)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // "" means valid
		check   func(*Config) bool
	}{
		{"public domain means https", map[string]string{"CONVENE_DOMAIN": "Convene.Example.org"}, "",
			func(c *Config) bool { return c.Protocol == "https" && c.Domain == "convene.example.org" }},
		{"IP domain means http", map[string]string{"CONVENE_DOMAIN": "127.0.0.1:9000"}, "",
			func(c *Config) bool { return c.Protocol == "http" }},
		{"explicit protocol wins", map[string]string{"CONVENE_DOMAIN": "localhost", "CONVENE_PROTOCOL": "https"}, "",
			func(c *Config) bool { return c.Protocol == "https" }},
		{"postgres url", map[string]string{"CONVENE_DATABASE_URL": "postgres://u:p@db/convene"}, "", nil},
		{"data dir sets sqlite path", map[string]string{"CONVENE_DATA_DIR": "/var/lib/convene"}, "",
			func(c *Config) bool { return c.DatabaseURL == "sqlite:/var/lib/convene/convene.db" }},
		{"private networks", map[string]string{"CONVENE_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8, ::1,10.1.2.3/16"}, "",
			func(c *Config) bool {
				return len(c.allowedNetworks) == 3 && c.allowedNetworks[2].String() == "10.1.0.0/16"
			}},
		{"listen without port", map[string]string{"CONVENE_LISTEN": "8080"}, "CONVENE_LISTEN (--listen)", nil},
		{"listen bad port", map[string]string{"CONVENE_LISTEN": ":99999"}, "CONVENE_LISTEN", nil},
		{"domain with scheme", map[string]string{"CONVENE_DOMAIN": "https://example.org"}, "CONVENE_DOMAIN (--domain)", nil},
		{"domain with path", map[string]string{"CONVENE_DOMAIN": "example.org/convene"}, "without scheme or path", nil},
		{"domain with user", map[string]string{"CONVENE_DOMAIN": "me@example.org"}, "CONVENE_DOMAIN", nil},
		{"domain bad port", map[string]string{"CONVENE_DOMAIN": "example.org:0"}, "CONVENE_DOMAIN", nil},
		{"protocol ftp", map[string]string{"CONVENE_PROTOCOL": "ftp"}, "CONVENE_PROTOCOL (--protocol)", nil},
		{"database mysql", map[string]string{"CONVENE_DATABASE_URL": "mysql://x"}, "CONVENE_DATABASE_URL (--database-url) must be sqlite:PATH or postgres://", nil},
		{"database bare sqlite", map[string]string{"CONVENE_DATABASE_URL": "sqlite:"}, "CONVENE_DATABASE_URL", nil},
		{"network garbage", map[string]string{"CONVENE_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8,lan"}, `CONVENE_ALLOW_PRIVATE_NETWORKS (--allow-private-networks) has "lan"`, nil},
		{"registration", map[string]string{"CONVENE_REGISTRATION": "invite"}, "want open, approval or closed", nil},
		{"log level", map[string]string{"CONVENE_LOG_LEVEL": "loud"}, "CONVENE_LOG_LEVEL", nil},
		{"authorized fetch", map[string]string{"CONVENE_AUTHORIZED_FETCH": "yes please"}, "CONVENE_AUTHORIZED_FETCH (--authorized-fetch)", nil},
		{"authorized fetch on", map[string]string{"CONVENE_AUTHORIZED_FETCH": "true"}, "", func(c *Config) bool { return c.authorizedFetch }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := configFromEnv(func(k string) string { return tt.env[k] })
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.wantErr)
			case tt.check != nil && !tt.check(c):
				t.Errorf("config = %+v", c)
			}
		})
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c := configFromEnv(func(k string) string {
		return map[string]string{"CONVENE_LISTEN": ":7000", "CONVENE_DOMAIN": "env.example.org"}[k]
	})
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.bindFlags(fs)
	if err := fs.Parse([]string{"--listen", ":9000", "--registration=open"}); err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":9000" || c.Domain != "env.example.org" || c.Registration != "open" {
		t.Errorf("config = %+v", c)
	}
}

func TestEverySettingHasAFlag(t *testing.T) {
	for _, s := range settings {
		want := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(s.env, "CONVENE_")), "_", "-")
		if s.flag != want {
			t.Errorf("%s has flag --%s, want --%s (the contract: kebab case of the variable)", s.env, s.flag, want)
		}
	}
}
