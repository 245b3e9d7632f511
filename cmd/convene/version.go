package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = ""

// Version returns the version this binary was built as.
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func setupVersion(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		fmt.Fprintf(a.stdio.out, "convene %s (%s %s/%s)\n", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	}
}

func setupHealthcheck(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		host, port, _ := net.SplitHostPort(a.cfg.Listen) // validated already
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		client := &http.Client{Timeout: 3 * time.Second}
		resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
		if err != nil {
			return fmt.Errorf("healthcheck: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
		}
		return nil
	}
}
