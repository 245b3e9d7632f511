package mastodon_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/handlers/mastodon"
	"github.com/convene-social/convene/service"
)

var streamTestKeys = sync.OnceValues(service.GenerateKeyPair)

// streamToken is what the test authenticator knows of a token.
type streamTestToken struct {
	account *convene.Account
	id      string
	scopes  []string
}

// streamTest is a streaming endpoint over a real service: olga owns the community surrey,
// mia is a member. Tokens: "olga-read", "mia-read", "mia-write" (write only) and "app"
// (an app's own token, without an account).
type streamTest struct {
	svc       *service.Service
	url       string // ws://…/api/v1/streaming
	http      string // http://…
	olga, mia *convene.Account
}

func newStreamTest(t *testing.T, ping time.Duration) *streamTest {
	t.Helper()
	store := dbtest.OpenSQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(service.Config{Store: store, IRIs: federation.NewIRIs("https", "convene.test"), Logger: log,
		NewKeyPair: streamTestKeys})
	op := convene.WithOperator(context.Background())
	x := &streamTest{svc: svc}
	for _, name := range []string{"olga", "mia"} {
		a, err := svc.CreateAccount(op, service.AccountCreate{Username: name, Email: name + "@example.org",
			Password: "correct horse battery", Role: convene.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		if name == "olga" {
			x.olga = a
		} else {
			x.mia = a
		}
	}
	if _, err := svc.CreateCommunity(x.as(x.olga), service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Join(x.as(x.mia), "surrey"); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]streamTestToken{
		"olga-read": {x.olga, "t-olga", []string{"read", "write"}},
		"mia-read":  {x.mia, "t-mia", []string{"read:statuses", "read:notifications"}},
		"mia-write": {x.mia, "t-mia-write", []string{"write"}},
		"mia-posts": {x.mia, "t-mia-posts", []string{"read:statuses"}},
		"app":       {nil, "t-app", []string{"read"}},
	}
	r := mux.NewRouter()
	mastodon.RegisterStreamRoutes(r, mastodon.StreamDeps{
		Service: svc, Logger: log, PingInterval: ping,
		Authenticate: func(r *http.Request, token string) (convene.Principal, string, []string, error) {
			tok, ok := tokens[token]
			if !ok {
				return convene.Principal{}, "", nil, convene.Errorf(convene.EUNAUTHORIZED, "unknown token")
			}
			return convene.Principal{Account: tok.account}, tok.id, tok.scopes, nil
		},
		Render: renderForTest(svc),
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	x.http = srv.URL
	x.url = "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/v1/streaming"
	return x
}

// renderForTest stands in for the Mastodon entities: a post the viewer may see as
// {"id","content"}, a notification as {"id","type":"notification","status_id"}.
func renderForTest(svc *service.Service) func(context.Context, convene.Principal, convene.StreamEvent) (string, bool, error) {
	return func(ctx context.Context, p convene.Principal, ev convene.StreamEvent) (string, bool, error) {
		var v any
		if ev.Kind == convene.StreamNotification {
			v = map[string]string{"id": ev.NotificationID, "type": "notification", "status_id": ev.PostID}
		} else {
			post, err := svc.FindPost(convene.WithPrincipal(ctx, p), ev.PostID)
			if convene.ErrorCode(err) == convene.ENOTFOUND {
				return "", false, nil
			}
			if err != nil {
				return "", false, err
			}
			v = map[string]string{"id": post.ID, "content": post.Content}
		}
		b, err := json.Marshal(v)
		return string(b), err == nil, err
	}
}

func (x *streamTest) as(a *convene.Account) context.Context {
	return convene.WithPrincipal(context.Background(), convene.Principal{Account: a})
}

// streamClient is a connection whose messages a goroutine reads (which also answers pings:
// coder/websocket closes a connection whose Read is cancelled, so tests wait on the channel).
type streamClient struct {
	*websocket.Conn
	msgs chan streamEvent
	err  chan error
}

func (x *streamTest) dial(t *testing.T, query string, opts *websocket.DialOptions) *streamClient {
	t.Helper()
	c := &streamClient{Conn: x.dialRaw(t, query, opts), msgs: make(chan streamEvent, 100), err: make(chan error, 1)}
	go func() {
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				c.err <- err
				return
			}
			var ev streamEvent
			if err := json.Unmarshal(data, &ev); err != nil {
				ev.Error = "unparseable message " + string(data)
			}
			c.msgs <- ev
		}
	}()
	return c
}

func (x *streamTest) dialRaw(t *testing.T, query string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, x.url+query, opts)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", query, err, status)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func (x *streamTest) thread(t *testing.T, author *convene.Account, body string) *convene.Post {
	t.Helper()
	p, err := x.svc.CreateThread(x.as(author), service.ThreadCreate{Community: "surrey", Title: "T", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type streamEvent struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
	Error   string   `json:"error"`
	Status  int      `json:"status"`
}

// readEvent waits for the client's next message; the error is the connection's end, or
// context.DeadlineExceeded when nothing came in time.
func readEvent(t *testing.T, c *streamClient, wait time.Duration) (streamEvent, error) {
	t.Helper()
	select {
	case ev := <-c.msgs:
		return ev, nil
	case err := <-c.err:
		c.err <- err
		return streamEvent{}, err
	case <-time.After(wait):
		return streamEvent{}, context.DeadlineExceeded
	}
}

func mustRead(t *testing.T, c *streamClient) streamEvent {
	t.Helper()
	ev, err := readEvent(t, c, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func writeJSON(t *testing.T, c *streamClient, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := c.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// postUntil creates threads until the client receives an event on stream (the server applies
// subscribe messages asynchronously, without an answer), and returns that event.
func (x *streamTest) postUntil(t *testing.T, c *streamClient, stream string, body string) (streamEvent, *convene.Post) {
	t.Helper()
	for range 50 {
		p := x.thread(t, x.olga, body)
		for {
			ev, err := readEvent(t, c, 100*time.Millisecond)
			if err != nil {
				break
			}
			if strings.Join(ev.Stream, " ") == stream {
				return ev, p
			}
		}
	}
	t.Fatalf("no event ever arrived on %q", stream)
	return streamEvent{}, nil
}

func payloadID(t *testing.T, ev streamEvent) string {
	t.Helper()
	var v struct{ ID string }
	if err := json.Unmarshal([]byte(ev.Payload), &v); err != nil {
		t.Fatalf("payload %q is not a JSON string of an entity: %v", ev.Payload, err)
	}
	return v.ID
}

func TestStreamingEchoesTheTokenSubprotocolAndStreamsUpdates(t *testing.T) {
	x := newStreamTest(t, 0)
	c := x.dial(t, "?stream=public", &websocket.DialOptions{Subprotocols: []string{"mia-read"}})
	if c.Subprotocol() != "mia-read" {
		t.Fatalf("subprotocol = %q, want the token echoed", c.Subprotocol())
	}
	p := x.thread(t, x.olga, "Hello #gardens")
	ev := mustRead(t, c)
	if strings.Join(ev.Stream, ",") != "public" || ev.Event != "update" || payloadID(t, ev) != p.ID {
		t.Fatalf("received %+v, want an update of %s on public", ev, p.ID)
	}
	if err := x.svc.DeletePost(x.as(x.olga), p.ID); err != nil {
		t.Fatal(err)
	}
	ev = mustRead(t, c)
	if ev.Event != "delete" || ev.Payload != p.ID || strings.Join(ev.Stream, ",") != "public" {
		t.Fatalf("received %+v, want the bare id %s deleted", ev, p.ID)
	}
}

func TestStreamingSubscribeAndUnsubscribeMessages(t *testing.T) {
	x := newStreamTest(t, 0)
	c := x.dial(t, "", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer mia-read"}}})
	writeJSON(t, c, map[string]string{"type": "subscribe", "stream": "user"})
	ev, p := x.postUntil(t, c, "user", "hi")
	if ev.Event != "update" || payloadID(t, ev) != p.ID {
		t.Fatalf("received %+v", ev)
	}

	// Mia's home timeline carries olga's reply notification too.
	reply, err := x.svc.Reply(x.as(x.olga), x.thread(t, x.mia, "mine").ID, "@mia answered")
	if err != nil {
		t.Fatal(err)
	}
	var sawNotification bool
	for !sawNotification {
		ev := mustRead(t, c)
		if ev.Event == "notification" {
			var n struct {
				StatusID string `json:"status_id"`
			}
			json.Unmarshal([]byte(ev.Payload), &n)
			if n.StatusID != reply.ID {
				t.Fatalf("notification %+v, want one for %s", ev, reply.ID)
			}
			sawNotification = true
		}
	}

	writeJSON(t, c, map[string]string{"type": "unsubscribe", "stream": "user"})
	writeJSON(t, c, map[string]string{"type": "subscribe", "stream": "hashtag", "tag": "Gardens"})
	x.postUntil(t, c, "hashtag gardens", "#gardens again")
	// The unsubscribe came first, so from here on only the hashtag stream speaks.
	for range 2 {
		p := x.thread(t, x.olga, "#gardens")
		ev := mustRead(t, c)
		if strings.Join(ev.Stream, " ") != "hashtag gardens" || payloadID(t, ev) != p.ID {
			t.Fatalf("received %+v after unsubscribing from user", ev)
		}
	}

	writeJSON(t, c, map[string]string{"type": "subscribe", "stream": "nonsense"})
	if ev := mustRead(t, c); ev.Status != http.StatusBadRequest || ev.Error == "" {
		t.Fatalf("an unknown stream got %+v, want a 400 error message", ev)
	}
	c.Write(context.Background(), websocket.MessageText, []byte("{not json"))
	if ev := mustRead(t, c); ev.Status != http.StatusBadRequest {
		t.Fatalf("bad JSON got %+v", ev)
	}
}

func TestStreamingRefusesMissingTokensAndScopes(t *testing.T) {
	x := newStreamTest(t, 0)
	ctx := context.Background()
	for _, tc := range []struct {
		query  string
		header http.Header
		want   int
	}{
		{"?stream=public", nil, http.StatusUnauthorized},
		{"?stream=public&access_token=nope", nil, http.StatusUnauthorized},
		{"?stream=public", http.Header{"Authorization": {"Bearer nope"}}, http.StatusUnauthorized},
		{"?stream=user&access_token=mia-write", nil, http.StatusForbidden},
		{"?stream=user:notification&access_token=mia-write", nil, http.StatusForbidden},
		{"?stream=user&access_token=app", nil, http.StatusForbidden},
		{"?stream=list&access_token=mia-read", nil, http.StatusBadRequest},
	} {
		_, resp, err := websocket.Dial(ctx, x.url+tc.query, &websocket.DialOptions{HTTPHeader: tc.header})
		if err == nil || resp == nil || resp.StatusCode != tc.want {
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			t.Errorf("%s %v: status %d (%v), want %d", tc.query, tc.header, status, err, tc.want)
		}
		if resp != nil && resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("401 without a JSON body: %q", resp.Header.Get("Content-Type"))
		}
	}
	// Public streams are open to any valid token, even one without read scopes.
	c := x.dial(t, "?stream=public:local&access_token=mia-write", nil)
	p := x.thread(t, x.olga, "local news")
	if ev := mustRead(t, c); strings.Join(ev.Stream, ",") != "public:local" || payloadID(t, ev) != p.ID {
		t.Fatalf("received %+v", ev)
	}
}

func TestStreamingUserStreamWithholdsNotificationsWithoutTheirScope(t *testing.T) {
	x := newStreamTest(t, 0)
	c := x.dial(t, "?stream=user&access_token=mia-posts", nil)
	mine := x.thread(t, x.mia, "mine")
	reply, err := x.svc.Reply(x.as(x.olga), mine.ID, "answered")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{mine.ID, reply.ID} {
		if ev := mustRead(t, c); ev.Event != "update" || payloadID(t, ev) != want {
			t.Fatalf("received %+v, want the update of %s", ev, want)
		}
	}
	if ev, err := readEvent(t, c, 300*time.Millisecond); err == nil {
		t.Fatalf("a token without read:notifications received %+v", ev)
	}
}

func TestStreamingClosesOnTokenRevocation(t *testing.T) {
	x := newStreamTest(t, 0)
	mia := x.dial(t, "?stream=public", &websocket.DialOptions{Subprotocols: []string{"mia-read"}})
	olga := x.dial(t, "?stream=public&access_token=olga-read", nil)
	x.thread(t, x.olga, "before") // both streams are live
	mustRead(t, mia)
	mustRead(t, olga)
	if err := x.svc.CloseToken(context.Background(), "t-mia"); err != nil {
		t.Fatal(err)
	}
	_, err := readEvent(t, mia, 10*time.Second)
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Fatalf("after revocation read returned %v, want a policy-violation close", err)
	}
	p := x.thread(t, x.olga, "after")
	if ev := mustRead(t, olga); payloadID(t, ev) != p.ID {
		t.Fatalf("another token's stream received %+v", ev)
	}
}

func TestStreamingPingsAndDropsSilentClients(t *testing.T) {
	x := newStreamTest(t, 50*time.Millisecond)
	pings := make(chan struct{}, 100)
	alive := x.dial(t, "?stream=public&access_token=mia-read", &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool { pings <- struct{}{}; return true },
	})
	// The silent client never reads, so it never answers a ping.
	silent := x.dialRaw(t, "?stream=public&access_token=olga-read", nil)
	select {
	case <-pings:
	case <-time.After(5 * time.Second):
		t.Fatal("the server never pinged")
	}
	time.Sleep(300 * time.Millisecond) // several ping intervals
	p := x.thread(t, x.olga, "still there?")
	if ev := mustRead(t, alive); ev.Event != "update" || payloadID(t, ev) != p.ID {
		t.Fatalf("a client answering pings received %+v", ev)
	}
	// The silent client's connection was closed: reading finds its end, not the post.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, data, err := silent.Read(ctx)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("a client that never answered pings is still connected")
			}
			break
		}
		if strings.Contains(string(data), p.ID) {
			t.Fatalf("a client that never answered pings still receives updates: %s", data)
		}
	}
}

func TestStreamingHealth(t *testing.T) {
	x := newStreamTest(t, 0)
	resp, err := http.Get(x.http + "/api/v1/streaming/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "OK" {
		t.Fatalf("health: %d %q", resp.StatusCode, body)
	}
}

func TestStreamingLimitsConnectionsPerAccountAndMessageSize(t *testing.T) {
	x := newStreamTest(t, 0)
	var open []*websocket.Conn
	for range 16 {
		open = append(open, x.dialRaw(t, "?stream=public&access_token=mia-read", nil))
	}
	_, resp, err := websocket.Dial(context.Background(), x.url+"?stream=public&access_token=mia-read", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a 17th stream of one account: %v, %+v; want 429", err, resp)
	}
	x.dialRaw(t, "?stream=public&access_token=olga-read", nil) // others are not affected
	open[0].Close(websocket.StatusNormalClosure, "")
	// Its place frees once the server has seen it go.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, _, err := websocket.Dial(context.Background(), x.url+"?stream=public&access_token=mia-read", nil)
		if err == nil {
			c.CloseNow()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream never freed its place: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	c := x.dial(t, "?access_token=olga-read", nil)
	c.Write(context.Background(), websocket.MessageText, []byte(`{"type":"subscribe","stream":"`+strings.Repeat("x", 10000)+`"}`))
	if _, err := readEvent(t, c, 10*time.Second); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Fatalf("an oversized message: %v, want a message-too-big close", err)
	}
}
