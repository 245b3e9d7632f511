package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/convene-social/convene/db/dbtest"
)

// megalodonDir holds the client-library peer (interop/megalodon); `npm ci --prefix
// interop/megalodon` installs it.
var megalodonDir = filepath.Join("..", "..", "interop", "megalodon")

// TestMastodonClientLibraryEndToEnd drives the client API with megalodon, a Mastodon client
// library from the npm registry, against the real server: it registers an app, gets tokens
// with the password grant, verifies credentials, posts into a community, reads the post back
// from the home and public timelines, replies, follows an account, reads notifications and
// pages through the home timeline, bookmarks and boosts, edits and reads the edit history,
// searches, and uploads an image and posts it (interop/megalodon/e2e.mjs).
func TestMastodonClientLibraryEndToEnd(t *testing.T) {
	if _, err := os.Stat(filepath.Join(megalodonDir, "node_modules", "megalodon")); err != nil {
		dbtest.Unavailable(t, "megalodon", "run `npm ci --prefix interop/megalodon` ("+err.Error()+")")
	}
	if _, err := exec.LookPath("node"); err != nil {
		dbtest.Unavailable(t, "megalodon", "no node on PATH")
	}
	in := newInstance(t, nil)
	in.Start()
	defer in.Stop()
	for _, name := range []string{"alice", "bob"} {
		in.CLI("correct horse battery\n", "user", "create", name, "--email", name+"@example.org")
	}
	in.CLI("", "community", "create", "surrey", "--name", "Surrey conveners", "--owner", "alice")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(megalodonDir, "e2e.mjs"), in.URL(""))
	out, err := cmd.CombinedOutput()
	t.Logf("megalodon:\n%s", out)
	if err != nil {
		t.Fatalf("the megalodon run failed: %v\nserver log:\n%s", err, in.Log())
	}
}
