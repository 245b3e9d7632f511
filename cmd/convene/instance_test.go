package main

import (
	"math/rand/v2"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// instance is a Convene server on loopback with its own data directory, reachable at
// http://Domain, that federates with other loopback peers.
type instance struct {
	t      *testing.T
	Dir    string
	Domain string // 127.0.0.1:PORT
	Env    map[string]string
	srv    *server
}

// handedOut holds the ports freePort has returned in this test process: two instances given
// the same one each take the other for themselves (CI once saw B refuse to follow "a local
// actor" on A).
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// Ports for test servers are drawn below the kernel's ephemeral range (32768 and up on
// Linux), from which every listener on port 0 and every outgoing connection takes its port:
// between freePort's check and the server's bind, which can be seconds apart, nothing else
// running here takes the port by chance.
const firstTestPort, lastTestPort = 20000, 32000

// freePort returns a loopback address with a port that was free a moment ago and that it has
// not returned before.
func freePort(t *testing.T) string {
	t.Helper()
	handedOut.Lock()
	defer handedOut.Unlock()
	for range 200 {
		port := firstTestPort + rand.IntN(lastTestPort-firstTestPort)
		if handedOut.ports[port] {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue // taken
		}
		ln.Close()
		handedOut.ports[port] = true
		return ln.Addr().String()
	}
	t.Fatal("no free loopback port found")
	return ""
}

// newInstance prepares (but does not start) an instance; extra settings override the defaults.
func newInstance(t *testing.T, extra map[string]string) *instance {
	t.Helper()
	dir := t.TempDir()
	addr := freePort(t)
	env := map[string]string{
		"CONVENE_LISTEN": addr, "CONVENE_DOMAIN": addr, "CONVENE_DATA_DIR": filepath.Join(dir, "data"),
		"CONVENE_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8", "CONVENE_LOG_LEVEL": "debug",
	}
	for k, v := range extra {
		env[k] = v
	}
	return &instance{t: t, Dir: dir, Domain: addr, Env: env}
}

// Start runs the server process and waits until it is ready.
func (in *instance) Start() {
	in.t.Helper()
	in.srv = startServerEnv(in.t, in.Dir, in.Env)
	in.srv.waitReady(in.t)
}

// Stop shuts the server down gracefully.
func (in *instance) Stop() {
	in.t.Helper()
	in.srv.stop(in.t)
}

// Kill ends the server with SIGKILL: nothing gets to run on the way out.
func (in *instance) Kill() {
	in.t.Helper()
	in.srv.cmd.Process.Signal(syscall.SIGKILL)
	<-in.srv.exited
}

// CLI runs a convene command against this instance's configuration and fails the test on error.
func (in *instance) CLI(stdin string, args ...string) string {
	in.t.Helper()
	r := runCLI(in.t, in.Env, stdin, args...)
	if r.code != exitOK {
		in.t.Fatalf("convene %s: exit %d: %s", strings.Join(args, " "), r.code, r.errOut)
	}
	return r.out
}

// URL is the public URL of a path on this instance.
func (in *instance) URL(path string) string { return "http://" + in.Domain + path }

// Log is what the server has logged so far.
func (in *instance) Log() string { return in.srv.stderr.String() }

// eventually polls cond every 50 ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
