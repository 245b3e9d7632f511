package main

import (
	"strings"
	"testing"

	"github.com/convene-social/convene/db/dbtest"
)

// On PostgreSQL, serve listens for stream events from every process (LISTEN/NOTIFY); the
// listener must stop with the server, without an error.
func TestServeOnPostgreSQLStopsItsStreamListenerCleanly(t *testing.T) {
	dir := t.TempDir()
	srv := startServerEnv(t, dir, map[string]string{"CONVENE_LISTEN": "127.0.0.1:0",
		"CONVENE_DATABASE_URL": dbtest.PostgresURL(t), "CONVENE_DATA_DIR": dir})
	srv.waitReady(t)
	srv.stop(t)
	if log := srv.stderr.String(); strings.Contains(log, "stream listener") || strings.Contains(log, `"worker stopped"`) {
		t.Fatalf("the stream listener failed:\n%s", log)
	}
}
