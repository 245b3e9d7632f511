package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/convene-social/convene/db/dbtest"
)

// fedifyDir holds the Fedify peer (interop/fedify) relative to this package's directory,
// where go test runs; `npm ci --prefix interop/fedify` installs its node_modules.
var fedifyDir = filepath.Join("..", "..", "interop", "fedify")

// fedifyPeer is interop/fedify/peer.mjs running on loopback: an independent ActivityPub
// server built on @fedify/fedify, driven through its /control/ API.
type fedifyPeer struct {
	Origin string // http://127.0.0.1:PORT
	Host   string // 127.0.0.1:PORT
	cmd    *exec.Cmd
	output *syncBuffer
	exited chan error
}

// peerState is what the peer's inbox recorded; Fedify calls a listener only after it has
// verified the activity's HTTP signature and that the key belongs to the activity's actor.
type peerState struct {
	Follows []peerActivity `json:"follows"`
	Accepts []peerActivity `json:"accepts"`
	Undos   []peerActivity `json:"undos"`
	Errors  []string       `json:"errors"`
}

type peerActivity struct{ ID, Actor, Object string }

// startFedifyPeer runs the peer on a free port and waits until it says it is ready. The
// process is stopped when the test ends, and its output is logged if the test failed.
func startFedifyPeer(t *testing.T) *fedifyPeer {
	t.Helper()
	host := freePort(t)
	_, port, _ := net.SplitHostPort(host)
	p := &fedifyPeer{Origin: "http://" + host, Host: host, output: &syncBuffer{}, exited: make(chan error, 1)}
	p.cmd = exec.Command("node", filepath.Join(fedifyDir, "peer.mjs"), port)
	p.cmd.Env = append(os.Environ(), "FEDIFY_LOG=info")
	p.cmd.Stderr = writerFunc(func(b []byte) { p.output.WriteString(string(b)) })
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		scan := bufio.NewScanner(stdout)
		for scan.Scan() {
			p.output.WriteString(scan.Text() + "\n")
			if scan.Text() == "ready "+p.Origin {
				close(ready)
			}
		}
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() { p.stop(t) })
	select {
	case <-ready:
	case err := <-p.exited:
		p.exited <- err
		t.Fatalf("fedify peer exited before it was ready: %v\n%s", err, p.output)
	case <-time.After(30 * time.Second):
		t.Fatalf("fedify peer not ready within 30s:\n%s", p.output)
	}
	return p
}

// stop ends the peer with SIGTERM, or SIGKILL if it lingers, and waits for it to exit.
func (p *fedifyPeer) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		if err != nil && !t.Failed() {
			t.Errorf("fedify peer exited with %v after SIGTERM", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("fedify peer still running 10s after SIGTERM; killing it")
		p.cmd.Process.Kill()
		<-p.exited
	}
	if t.Failed() {
		t.Logf("fedify peer output:\n%s", p.output)
	}
}

// control calls the peer's control API, decoding its JSON answer into out.
func (p *fedifyPeer) control(t *testing.T, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.Origin+"/control/"+path, body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s /control/%s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s /control/%s: %d %s", method, path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s /control/%s: %v in %s", method, path, err, b)
	}
}

func (p *fedifyPeer) state(t *testing.T) peerState {
	t.Helper()
	var s peerState
	p.control(t, http.MethodGet, "state", nil, &s)
	return s
}

// signedItems has the peer fetch the first page of a collection with a GET signed by its
// key, and returns the page's items.
func (p *fedifyPeer) signedItems(t *testing.T, collection string) []string {
	t.Helper()
	var page struct {
		Type         string   `json:"type"`
		OrderedItems []string `json:"orderedItems"`
	}
	p.control(t, http.MethodPost, "fetch", map[string]string{"url": collection + "?page=true"}, &page)
	if page.Type != "OrderedCollectionPage" {
		t.Fatalf("signed GET %s?page=true gave a %q", collection, page.Type)
	}
	return page.OrderedItems
}

type writerFunc func([]byte)

func (f writerFunc) Write(b []byte) (int, error) { f(b); return len(b), nil }

func TestInteropWithFedifyPeer(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		dbtest.Unavailable(t, "fedify", "node is not on PATH")
	}
	if _, err := os.Stat(filepath.Join(fedifyDir, "node_modules", "@fedify", "fedify")); err != nil {
		dbtest.Unavailable(t, "fedify", "interop/fedify/node_modules is missing: run npm ci --prefix interop/fedify")
	}
	in := newInstance(t, map[string]string{"CONVENE_AUTHORIZED_FETCH": "true"})
	in.CLI("", "user", "create", "alice", "--email", "alice@example.org", "--admin", "--password", "correct horse battery")
	in.CLI("", "community", "create", "surrey", "--name", "Surrey conveners")
	in.Start()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("convene log:\n%s", in.Log())
		}
	})
	peer := startFedifyPeer(t)
	peerID := peer.Origin + "/users/peer"
	alice, surrey := in.URL("/u/alice"), in.URL("/c/surrey")

	t.Run("unsigned fetch is refused under authorized fetch", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, surrey, nil)
		req.Header.Set("Accept", "application/activity+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("unsigned GET %s = %d, want 401", surrey, resp.StatusCode)
		}
	})

	t.Run("fedify follows a community", func(t *testing.T) {
		var got struct{ ID, Type, PreferredUsername, Follow string }
		peer.control(t, http.MethodPost, "follow", map[string]string{"handle": "@surrey@" + in.Domain}, &got)
		if got.ID != surrey || got.Type != "Group" || got.PreferredUsername != "surrey" {
			t.Fatalf("the peer resolved @surrey@%s to %+v", in.Domain, got)
		}
		eventually(t, 20*time.Second, "the peer to verify Convene's Accept", func() bool {
			return slices.ContainsFunc(peer.state(t).Accepts, func(a peerActivity) bool {
				return a.Actor == surrey && a.Object == got.Follow
			})
		})
		eventually(t, 20*time.Second, "the peer in surrey's followers", func() bool {
			return slices.Contains(peer.signedItems(t, surrey+"/followers"), peerID)
		})
	})

	t.Run("convene follows a fedify actor", func(t *testing.T) {
		in.CLI("", "follow", "alice", "@peer@"+peer.Host)
		eventually(t, 20*time.Second, "the peer to verify alice's Follow", func() bool {
			return slices.ContainsFunc(peer.state(t).Follows, func(a peerActivity) bool {
				return a.Actor == alice && a.Object == peerID
			})
		})
		eventually(t, 20*time.Second, "the peer in alice's following", func() bool {
			return slices.Contains(peer.signedItems(t, alice+"/following"), peerID)
		})
	})

	t.Run("every delivery to the peer succeeded", func(t *testing.T) {
		const want = "deliveries: 0 pending (0 failing), 0 dead, 2 done"
		eventually(t, 20*time.Second, fmt.Sprintf("%q in convene queue", want), func() bool {
			return strings.Contains(in.CLI("", "queue"), want)
		})
		if errs := peer.state(t).Errors; len(errs) > 0 {
			t.Fatalf("the peer recorded errors:\n%s", strings.Join(errs, "\n"))
		}
	})
	in.Stop()
}
