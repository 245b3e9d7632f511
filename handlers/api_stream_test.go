package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// streamMessage is one event of the streaming API.
type streamMessage struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
}

// TestStreamingAPIDeliversRealStatusesAndNotifications opens the WebSocket as masto.js does
// (the token as the subprotocol) and watches the user and public:local streams while the
// REST API posts, replies and deletes.
func TestStreamingAPIDeliversRealStatusesAndNotifications(t *testing.T) {
	w := newAPIWorld(t)
	b, app, alice, bob := w.b, w.app, w.alice, w.bob

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wsURL := "wss" + strings.TrimPrefix(b.srv.URL, "https") + "/api/v1/streaming?stream=user"
	conn, resp, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: b.c, Subprotocols: []string{alice}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()
	if resp.Header.Get("Sec-WebSocket-Protocol") != alice {
		t.Fatal("the token subprotocol was not echoed")
	}
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"subscribe","stream":"public:local"}`)); err != nil {
		t.Fatal(err)
	}
	next := func(event string) streamMessage {
		t.Helper()
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %s: %v", event, err)
			}
			var m streamMessage
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("not a stream message: %s", data)
			}
			if m.Event == event {
				return m
			}
		}
	}
	time.Sleep(100 * time.Millisecond) // let the subscription land before posting

	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Seed swap?"}`, alice)
	thread := obj(v)["id"].(string)
	var status map[string]any
	m := next("update")
	if err := json.Unmarshal([]byte(m.Payload), &status); err != nil || status["id"] != thread || status["content"] == nil {
		t.Fatalf("update payload = %s", m.Payload)
	}
	_, v = b.apiJSON("POST", "/api/v1/statuses", `{"status":"Me too","in_reply_to_id":"`+thread+`"}`, bob)
	reply := obj(v)["id"].(string)
	m = next("notification")
	var note map[string]any
	if err := json.Unmarshal([]byte(m.Payload), &note); err != nil || note["type"] != "mention" || obj(note["status"])["id"] != reply {
		t.Fatalf("notification payload = %s", m.Payload)
	}
	b.apiJSON("DELETE", "/api/v1/statuses/"+reply, "", bob)
	if m = next("delete"); m.Payload != reply {
		t.Errorf("delete payload = %q, want the bare id %s", m.Payload, reply)
	}
	// Revoking the token closes the stream.
	b.apiCall("POST", "/oauth/revoke", `{"token":"`+alice+`","client_id":"`+app.clientID+`","client_secret":"`+app.secret+`"}`, "")
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Errorf("after revoking, the stream ended with %v; want a policy-violation close", err)
			}
			break
		}
	}
}

// TestStreamingAPIListStreams subscribes to a list's stream, which only the list's owner may.
func TestStreamingAPIListStreams(t *testing.T) {
	w := newAPIWorld(t)
	b, alice, bob := w.b, w.alice, w.bob
	_, v := b.apiJSON("GET", "/api/v1/accounts/lookup?acct=surrey", "", "")
	surrey := obj(v)["id"].(string)
	b.apiJSON("POST", "/api/v1/accounts/"+surrey+"/follow", "", bob)
	_, v = b.apiJSON("POST", "/api/v1/lists", `{"title":"Surrey"}`, bob)
	list := obj(v)["id"].(string)
	if resp, _ := b.apiJSON("POST", "/api/v1/lists/"+list+"/accounts", "account_ids[]="+surrey, bob); resp.StatusCode != 200 {
		t.Fatalf("listing surrey = %d", resp.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	base := "wss" + strings.TrimPrefix(b.srv.URL, "https") + "/api/v1/streaming?stream=list&list=" + list
	if _, resp, err := websocket.Dial(ctx, base, &websocket.DialOptions{HTTPClient: b.c, Subprotocols: []string{alice}}); err == nil ||
		resp == nil || resp.StatusCode != 404 {
		t.Fatalf("alice streaming bob's list: %v (%v), want 404", err, resp)
	}
	conn, _, err := websocket.Dial(ctx, base, &websocket.DialOptions{HTTPClient: b.c, Subprotocols: []string{bob}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()
	time.Sleep(100 * time.Millisecond) // let the subscription land before posting

	_, v = b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Pruning on Sunday"}`, alice)
	thread := obj(v)["id"].(string)
	_, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var m streamMessage
	var status map[string]any
	if err := json.Unmarshal(data, &m); err != nil || m.Event != "update" || len(m.Stream) != 2 || m.Stream[0] != "list" ||
		m.Stream[1] != list || json.Unmarshal([]byte(m.Payload), &status) != nil || status["id"] != thread {
		t.Fatalf("list stream message = %s", data)
	}
}

// TestStreamingAPIBoostsReachFollowers: a boost goes to its booster's followers' user streams,
// and its withdrawal as a delete of the boost's id.
func TestStreamingAPIBoostsReachFollowers(t *testing.T) {
	w := newAPIWorld(t)
	b, app, alice, bob := w.b, w.app, w.alice, w.bob
	mustCreateAccountH(t, w.svc, "carol")
	carol := b.tokenFor(app, "carol", "read write follow")
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Apple day"}`, alice)
	thread := obj(v)["id"].(string)
	_, v = b.apiJSON("GET", "/api/v1/accounts/lookup?acct=bob", "", "")
	b.apiJSON("POST", "/api/v1/accounts/"+obj(v)["id"].(string)+"/follow", "", carol)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(b.srv.URL, "https")+"/api/v1/streaming?stream=user",
		&websocket.DialOptions{HTTPClient: b.c, Subprotocols: []string{carol}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()
	time.Sleep(100 * time.Millisecond) // let the subscription land before boosting
	read := func() streamMessage {
		t.Helper()
		_, data, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m streamMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	_, v = b.apiJSON("POST", "/api/v1/statuses/"+thread+"/reblog", "", bob)
	boost := obj(v)["id"].(string)
	var status map[string]any
	if m := read(); m.Event != "update" || json.Unmarshal([]byte(m.Payload), &status) != nil || status["id"] != boost ||
		obj(status["reblog"])["id"] != thread {
		t.Fatalf("carol's stream after bob's boost: %+v", m)
	}
	b.apiJSON("POST", "/api/v1/statuses/"+thread+"/unreblog", "", bob)
	if m := read(); m.Event != "delete" || m.Payload != boost {
		t.Errorf("carol's stream after the unboost: %+v, want a delete of %s", m, boost)
	}
}
