package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// server is a convene serve process started by a test.
type server struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncBuffer
	exited chan error
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) WriteString(str string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.WriteString(str)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs "convene serve" as a separate process in dir with nothing configured but
// a free loopback port, and waits until it logs the address it listens on.
func startServer(t *testing.T, dir string) *server {
	t.Helper()
	return startServerEnv(t, dir, map[string]string{"CONVENE_LISTEN": "127.0.0.1:0"})
}

// startServerEnv runs "convene serve" in dir with exactly the given CONVENE_* settings.
func startServerEnv(t *testing.T, dir string, env map[string]string) *server {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Dir = dir
	cmd.Env = []string{"CONVENE_TEST_RUN_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	addrCh := make(chan string, 1)
	go func() {
		scan := bufio.NewScanner(pipe)
		for scan.Scan() {
			line := scan.Text()
			s.stderr.WriteString(line + "\n")
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" {
				addrCh <- entry.Addr
			}
		}
		s.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.exited
		}
	})
	select {
	case s.addr = <-addrCh:
	case err := <-s.exited:
		t.Fatalf("server exited before listening: %v\n%s", err, s.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not listen within 60s:\n%s", s.stderr)
	}
	return s
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Fatalf("server exited with %v after SIGTERM:\n%s", err, s.stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("server still running 15s after SIGTERM")
	}
	if !strings.Contains(s.stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no graceful stop logged:\n%s", s.stderr)
	}
}

func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitReady polls /readyz until it answers 200.
func (s *server) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + s.addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("/readyz never answered 200:\n%s", s.stderr)
}

func TestServeFromAnEmptyDirectoryAndRestart(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir)
	srv.waitReady(t)
	if code, body := srv.get(t, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := srv.get(t, "/"); code != http.StatusOK || !strings.Contains(body, "Welcome to your new instance") {
		t.Errorf("home on a fresh instance = %d:\n%s", code, body)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "convene.db")); err != nil {
		t.Errorf("the default SQLite file was not created: %v", err)
	}
	srv.stop(t)

	env := map[string]string{"CONVENE_DATA_DIR": filepath.Join(dir, "data")}
	if r := runCLI(t, env, "correct horse battery\n", "user", "create", "alice", "--email", "a@example.org", "--admin"); r.code != exitOK {
		t.Fatalf("user create: %+v", r)
	}
	if r := runCLI(t, env, "", "community", "create", "surrey", "--name", "Surrey conveners", "--owner", "alice"); r.code != exitOK {
		t.Fatalf("community create: %+v", r)
	}

	srv = startServer(t, dir)
	srv.waitReady(t)
	code, body := srv.get(t, "/")
	if code != http.StatusOK || !strings.Contains(body, "Surrey conveners") || strings.Contains(body, "Welcome to your new instance") {
		t.Errorf("home after restart = %d:\n%s", code, body)
	}
	if findAccount(t, env, "alice").Role != "admin" {
		t.Error("alice lost her role across the restart")
	}
	srv.stop(t)
}

func TestServeDrainsRequestsInFlight(t *testing.T) {
	started := make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		w.Write([]byte("finished"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var drained atomic.Bool
	done := make(chan error, 1)
	go func() {
		done <- serveHTTP(ctx, &http.Server{Handler: handler}, ln, func() { drained.Store(true) }, 5*time.Second)
	}()

	result := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			result <- err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		result <- string(body)
	}()
	<-started
	cancel() // the signal arrives while the request runs
	if got := <-result; got != "finished" {
		t.Errorf("request in flight got %q, want it to finish", got)
	}
	if err := <-done; err != nil {
		t.Errorf("serveHTTP = %v", err)
	}
	if !drained.Load() {
		t.Error("the handler was not told to drain")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}

func TestServeCutsOffRequestsPastTheDrainTimeout(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveHTTP(ctx, &http.Server{Handler: handler}, ln, func() {}, 100*time.Millisecond) }()
	go http.Get("http://" + ln.Addr().String() + "/stuck")
	<-started
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "cut off") {
			t.Errorf("serveHTTP = %v, want a cut-off error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serveHTTP did not give up on a stuck request")
	}
}
