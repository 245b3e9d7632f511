package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/convene-social/convene/db/dbtest"
)

// TestMain doubles as the convene binary: with CONVENE_TEST_RUN_MAIN=1 the test executable
// runs main, so process tests exercise the real signal handling without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("CONVENE_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	dbtest.Main(m)
}

type cliResult struct {
	code        int
	out, errOut string
}

// runCLI runs the command in-process with only the given environment.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] },
		stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return cliResult{code, out.String(), errOut.String()}
}
