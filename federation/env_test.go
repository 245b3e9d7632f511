package federation

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/service"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// testEnv is one Convene instance in-process: store, service, inbox and resolver, with the
// domain convene.test, an owner alice and an open community surrey.
type testEnv struct {
	t        *testing.T
	store    *db.DB
	svc      *service.Service
	iris     IRIs
	fetcher  *Fetcher
	resolver *Resolver
	inbox    *Inbox
	keys     *Keyring
}

var sharedActorKeys = sync.OnceValues(service.GenerateKeyPair)

func newTestEnv(t *testing.T, d *db.DB) *testEnv {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	iris := NewIRIs("https", "convene.test")
	var resolver *Resolver
	svc := service.New(service.Config{Store: d, IRIs: iris, Logger: log, NewKeyPair: sharedActorKeys,
		ResolveHandle: func(ctx context.Context, handle string) (string, error) {
			a, err := resolver.ResolveHandle(ctx, handle)
			if err != nil {
				return "", err
			}
			return a.IRI, nil
		}})
	ctx := convene.WithOperator(context.Background())
	if _, err := svc.CreateAccount(ctx, service.AccountCreate{Username: "alice", Email: "a@example.org",
		Password: "correct horse battery", Role: convene.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.InstanceKeys(ctx); err != nil {
		t.Fatal(err)
	}
	fetcher := NewFetcher(FetcherConfig{AllowedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Timeout: 5 * time.Second, AllowHost: BlockCheck(d)})
	resolver = NewResolver(d, iris, fetcher, log, nil)
	return &testEnv{t: t, store: d, svc: svc, iris: iris, fetcher: fetcher, resolver: resolver,
		inbox: NewInbox(d, svc, resolver, iris, log), keys: NewKeyring(d, iris)}
}

// peer is a fake remote server serving recorded actor documents from testdata/peers/NAME,
// with the peer's real host replaced by the test server's and its keys by a test key.
type peer struct {
	t      *testing.T
	name   string
	host   string // the recorded host, e.g. https://mastodon.example
	srv    *httptest.Server
	key    *rsa.PrivateKey
	mu     sync.Mutex
	docs   map[string][]byte // by path
	gone   map[string]bool   // paths answering 410
	hits   atomic.Int64
	status atomic.Int64 // when non-zero, every request answers this
}

var peerHosts = map[string]string{
	"mastodon": "https://mastodon.example", "gotosocial": "https://gts.example",
	"lemmy": "https://lemmy.example", "mobilizon": "https://mobilizon.example",
	"gancio": "https://gancio.example",
}

func newPeer(t *testing.T, name string, actorFiles ...string) *peer {
	t.Helper()
	p := &peer{t: t, name: name, host: peerHosts[name], key: testKey(t, "key_a.pem"), docs: map[string][]byte{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	for _, f := range actorFiles {
		p.addActor(f)
	}
	return p
}

func (p *peer) serve(w http.ResponseWriter, r *http.Request) {
	p.hits.Add(1)
	if code := p.status.Load(); code != 0 {
		w.WriteHeader(int(code))
		return
	}
	if r.URL.Path == "/.well-known/webfinger" {
		p.serveWebFinger(w, r)
		return
	}
	p.mu.Lock()
	body, ok := p.docs[r.URL.Path]
	gone := p.gone[r.URL.Path]
	p.mu.Unlock()
	if gone {
		w.WriteHeader(http.StatusGone)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json")
	w.Write(body)
}

// serveWebFinger answers acct:NAME@host for every actor served, by its preferredUsername.
func (p *peer) serveWebFinger(w http.ResponseWriter, r *http.Request) {
	resource := strings.TrimPrefix(r.URL.Query().Get("resource"), "acct:")
	name, _, _ := strings.Cut(resource, "@")
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, body := range p.docs {
		var doc struct{ ID, PreferredUsername string }
		if json.Unmarshal(body, &doc) == nil && doc.PreferredUsername == name && doc.ID != "" {
			w.Header().Set("Content-Type", "application/jrd+json")
			fmt.Fprintf(w, `{"subject":"acct:%s","links":[{"rel":"self","type":"application/activity+json","href":%q}]}`, resource, doc.ID)
			return
		}
	}
	http.NotFound(w, r)
}

// serveDoc serves body at path (replacing what was there).
func (p *peer) serveDoc(path string, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs[path] = body
}

// setGone makes path answer 410, as a deleted object's does.
func (p *peer) setGone(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gone == nil {
		p.gone = map[string]bool{}
	}
	p.gone[path] = true
}

// addActor serves a recorded actor at its path, and its key document where the key has a
// path of its own (GoToSocial's …/main-key answers with the owner's document).
func (p *peer) addActor(file string) map[string]any {
	doc := p.load(file)
	key := doc["publicKey"].(map[string]any)
	pub := &p.key.PublicKey
	if strings.Contains(key["publicKeyPem"].(string), "RSA PUBLIC KEY") { // Mobilizon's PKCS#1 form
		key["publicKeyPem"] = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)}))
	} else {
		der, _ := x509.MarshalPKIXPublicKey(pub)
		key["publicKeyPem"] = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}
	body, _ := json.Marshal(doc)
	p.serveDoc(pathOf(doc["id"].(string)), body)
	if keyPath := pathOf(key["id"].(string)); keyPath != pathOf(doc["id"].(string)) {
		p.serveDoc(keyPath, body)
	}
	return doc
}

// load reads a recorded document with the peer's host rewritten to the test server and
// https://convene.test kept (it is the local instance of testEnv).
func (p *peer) load(file string) map[string]any {
	p.t.Helper()
	raw, err := os.ReadFile("testdata/peers/" + p.name + "/" + file)
	if err != nil {
		p.t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(raw), p.host, p.srv.URL)), &doc); err != nil {
		p.t.Fatal(err)
	}
	return doc
}

// IRI maps a recorded IRI of this peer to the test server.
func (p *peer) IRI(recorded string) string { return strings.Replace(recorded, p.host, p.srv.URL, 1) }

// post delivers an activity to the env's inbox signed with keyID, as the peer's server would.
func (p *peer) post(env *testEnv, activity map[string]any, keyID string) error {
	body, _ := json.Marshal(activity)
	return env.receive(body, keyID, p.key)
}

func (env *testEnv) receive(body []byte, keyID string, key *rsa.PrivateKey) error {
	req := httptest.NewRequest(http.MethodPost, "https://convene.test/inbox", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/activity+json")
	if key != nil {
		if err := SignRequest(req, body, keyID, key, time.Now()); err != nil {
			env.t.Fatal(err)
		}
	}
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	return env.inbox.Receive(context.Background(), req)
}

// applyAll runs the inbox worker's job once over everything queued.
func (env *testEnv) applyAll() {
	env.t.Helper()
	items, err := env.store.ClaimInbox(context.Background(), time.Now(), 100, time.Minute)
	if err != nil {
		env.t.Fatal(err)
	}
	for _, item := range items {
		env.inbox.applyOne(context.Background(), item)
	}
}

func keyIDOf(actor map[string]any) string {
	return actor["publicKey"].(map[string]any)["id"].(string)
}

func pathOf(iri string) string {
	i := strings.Index(strings.TrimPrefix(strings.TrimPrefix(iri, "http://"), "https://"), "/")
	if i < 0 {
		return "/"
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(iri, "http://"), "https://")[i:]
	rest, _, _ = strings.Cut(rest, "#")
	return rest
}

var testKeys sync.Map

func testKey(t *testing.T, file string) *rsa.PrivateKey {
	if k, ok := testKeys.Load(file); ok {
		return k.(*rsa.PrivateKey)
	}
	raw, err := os.ReadFile("testdata/signatures/" + file)
	if err != nil {
		t.Fatal(err)
	}
	key, err := parsePrivateKey(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	testKeys.Store(file, key)
	return key
}

func wantRejection(t *testing.T, err error, status int) {
	t.Helper()
	rej, ok := err.(*Rejection)
	if !ok || rej.Status != status {
		t.Fatalf("Receive = %v, want a %d rejection", err, status)
	}
}

func timeNow() time.Time { return time.Now() }
