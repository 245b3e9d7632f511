package mastodon

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/gorilla/mux"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// StreamDeps is what the streaming API needs.
type StreamDeps struct {
	Service *service.Service
	// Authenticate checks an access token: who it speaks for, its id (to end its streams when
	// it is revoked) and its scopes. Any error but an EINTERNAL one is answered 401.
	Authenticate func(r *http.Request, token string) (p convene.Principal, tokenID string, scopes []string, err error)
	// Render turns an update, status.update or notification event into its payload for one
	// viewer (a Status or Notification as JSON); ok false when the viewer may not see it.
	Render func(ctx context.Context, p convene.Principal, ev convene.StreamEvent) (payload string, ok bool, err error)
	Logger *slog.Logger
	// PingInterval is how often an idle connection is pinged (default 30 s); a client that
	// does not answer within it is disconnected.
	PingInterval time.Duration
}

// RegisterStreamRoutes mounts the streaming API: the WebSocket at /api/v1/streaming and its
// health check.
func RegisterStreamRoutes(r *mux.Router, deps StreamDeps) {
	r.HandleFunc("/api/v1/streaming/health", StreamHealth).Methods(http.MethodGet, http.MethodHead)
	h := StreamHandler(deps)
	r.Handle("/api/v1/streaming", h).Methods(http.MethodGet)
	r.Handle("/api/v1/streaming/", h).Methods(http.MethodGet)
}

// StreamHealth answers Mastodon's streaming health check, which clients probe.
func StreamHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("OK"))
}

// streamMessage is an event as Mastodon sends it: the payload is JSON in a string.
type streamMessage struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
}

// streamRequest is a client's subscribe or unsubscribe message.
type streamRequest struct {
	Type   string `json:"type"`
	Stream string `json:"stream"`
	Tag    string `json:"tag"`
	List   string `json:"list"`
}

// streamConn is one client's open WebSocket.
type streamConn struct {
	deps      StreamDeps
	conn      *websocket.Conn
	sub       *service.Subscription
	principal convene.Principal
	scopes    []string
}

// maxStreamMessage bounds what a client may send (subscribe messages are tiny).
const maxStreamMessage = 4096

// StreamHandler serves Mastodon's streaming WebSocket: one connection, the token in the
// Sec-WebSocket-Protocol header (as masto.js and Ice Cubes send it), the Authorization header
// or the access_token parameter, streams chosen by the stream parameter and by subscribe and
// unsubscribe messages.
func StreamHandler(deps StreamDeps) http.HandlerFunc {
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.PingInterval <= 0 {
		deps.PingInterval = 30 * time.Second
	}
	return func(w http.ResponseWriter, r *http.Request) {
		token, fromProtocol := streamToken(w, r)
		if token == "" {
			writeStreamError(w, http.StatusUnauthorized, "The access token is missing")
			return
		}
		p, tokenID, scopes, err := deps.Authenticate(r, token)
		if convene.ErrorCode(err) == convene.EINTERNAL {
			deps.Logger.ErrorContext(r.Context(), "stream authentication", "err", err)
			writeStreamError(w, http.StatusInternalServerError, "Internal error")
			return
		}
		if err != nil {
			writeStreamError(w, http.StatusUnauthorized, "The access token is invalid")
			return
		}
		ctx := convene.WithPrincipal(r.Context(), p)
		c := &streamConn{deps: deps, principal: p, scopes: scopes}
		var first *service.Stream
		if name := r.URL.Query().Get("stream"); name != "" {
			st, err := c.allowed(ctx, name, r.URL.Query().Get("tag"), r.URL.Query().Get("list"))
			if err != nil {
				writeStreamError(w, streamStatus(err), convene.ErrorMessage(err))
				return
			}
			first = &st
		}
		if c.sub, err = deps.Service.Subscribe(ctx, tokenID); err != nil {
			writeStreamError(w, streamStatus(err), convene.ErrorMessage(err))
			return
		}
		defer c.sub.Close()
		if first != nil {
			if err := c.sub.Add(*first); err != nil {
				writeStreamError(w, streamStatus(err), convene.ErrorMessage(err))
				return
			}
		}
		opts := &websocket.AcceptOptions{
			// Browser clients (Elk, Phanpy) connect from their own origin. Only a token
			// authenticates here, never a cookie, so a cross-site page gains nothing.
			InsecureSkipVerify: true,
		}
		if fromProtocol {
			// The client offered the token as its subprotocol and refuses a 101 without it.
			opts.Subprotocols = []string{token}
		}
		conn, err := websocket.Accept(w, r, opts)
		if err != nil {
			return // Accept has answered the client
		}
		c.conn = conn
		conn.SetReadLimit(maxStreamMessage)
		c.run(context.WithoutCancel(ctx))
	}
}

// streamToken finds the access token and whether it came as the WebSocket subprotocol;
// otherwise it is read as every API request reads it (bearerToken).
func streamToken(w http.ResponseWriter, r *http.Request) (string, bool) {
	if h := r.Header.Get("Sec-WebSocket-Protocol"); h != "" {
		if tok, _, _ := strings.Cut(h, ","); strings.TrimSpace(tok) != "" {
			return strings.TrimSpace(tok), true
		}
	}
	return bearerToken(w, r), false
}

// allowed parses a stream the client asked for and checks that its token may read it: the
// personal streams need read:statuses (user), read:notifications (user:notification) or
// read:lists and the list being the account's own (list); public streams are open to any
// valid token.
func (c *streamConn) allowed(ctx context.Context, name, tag, list string) (service.Stream, error) {
	st, err := service.ParseStream(name, tag, list)
	if err != nil {
		return st, err
	}
	need := ""
	switch st.Name {
	case service.StreamUser:
		need = "read:statuses"
	case service.StreamUserNotification:
		need = "read:notifications"
	case service.StreamList:
		need = "read:lists"
	}
	if need != "" && !convene.HasScope(c.scopes, need) {
		return st, convene.Errorf(convene.EFORBIDDEN, "This stream needs the %s scope", need)
	}
	if need != "" && c.principal.Account == nil {
		return st, convene.Errorf(convene.EFORBIDDEN, "This stream needs a token of an account")
	}
	if st.Name == service.StreamList {
		if _, err := c.deps.Service.FindList(convene.WithPrincipal(ctx, c.principal), st.List); err != nil {
			return st, err
		}
	}
	return st, nil
}

// run serves the open connection until the client leaves, stops answering pings, or the
// subscription ends (token revoked, too slow, server stopping).
func (c *streamConn) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	readDone := make(chan error, 1)
	go func() { readDone <- c.readLoop(ctx) }()
	ping := time.NewTicker(c.deps.PingInterval)
	defer ping.Stop()
	for {
		select {
		case d, ok := <-c.sub.C():
			if !ok {
				c.closeFor(c.sub.Reason())
				return
			}
			if err := c.send(ctx, d); err != nil {
				c.conn.CloseNow()
				return
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, c.deps.PingInterval)
			err := c.conn.Ping(pctx)
			pcancel()
			if err != nil {
				c.conn.CloseNow()
				return
			}
		case <-readDone: // the client left, or broke the protocol (the library has answered)
			c.conn.CloseNow()
			return
		}
	}
}

// closeFor closes the connection with a status saying why the subscription ended.
func (c *streamConn) closeFor(reason string) {
	switch reason {
	case service.StreamRevoked:
		c.conn.Close(websocket.StatusPolicyViolation, "the access token was revoked")
	case service.StreamTooSlow:
		c.conn.Close(websocket.StatusTryAgainLater, "the client fell behind")
	case service.StreamShutdown:
		c.conn.Close(websocket.StatusGoingAway, "the server is restarting")
	default:
		c.conn.Close(websocket.StatusNormalClosure, "")
	}
}

// readLoop applies the client's subscribe and unsubscribe messages; it also lets pongs in.
func (c *streamConn) readLoop(ctx context.Context) error {
	for {
		typ, data, err := c.conn.Read(ctx)
		if err != nil {
			return err
		}
		if typ != websocket.MessageText {
			continue
		}
		var req streamRequest
		if err := json.Unmarshal(data, &req); err != nil {
			c.sendError(ctx, http.StatusBadRequest, "Could not parse the message as JSON")
			continue
		}
		if err := c.apply(ctx, req); err != nil {
			c.sendError(ctx, streamStatus(err), convene.ErrorMessage(err))
		}
	}
}

func (c *streamConn) apply(ctx context.Context, req streamRequest) error {
	switch req.Type {
	case "subscribe", "unsubscribe":
	default:
		return convene.Errorf(convene.EINVALID, "Unknown message type %q", req.Type)
	}
	st, err := c.allowed(ctx, req.Stream, req.Tag, req.List)
	if err != nil {
		return err
	}
	if req.Type == "unsubscribe" {
		c.sub.Remove(st)
		return nil
	}
	return c.sub.Add(st)
}

// send renders a delivery for this viewer and writes it; events the viewer may not see are
// skipped, and so are notifications on the user stream without the notifications scope.
func (c *streamConn) send(ctx context.Context, d service.Delivery) error {
	ev := d.Event
	if ev.Kind == convene.StreamNotification && !convene.HasScope(c.scopes, "read:notifications") {
		return nil
	}
	payload := ev.PostID // a delete carries the bare id
	if ev.Kind != convene.StreamDelete {
		var ok bool
		var err error
		payload, ok, err = c.deps.Render(convene.WithPrincipal(ctx, c.principal), c.principal, ev)
		if err != nil {
			c.deps.Logger.ErrorContext(ctx, "render stream event", "kind", ev.Kind, "post", ev.PostID, "err", err)
			return nil
		}
		if !ok {
			return nil
		}
	}
	msg, err := json.Marshal(streamMessage{Stream: d.Stream.Wire(), Event: ev.Kind, Payload: payload})
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.conn.Write(wctx, websocket.MessageText, msg)
}

// sendError tells the client a message was refused, as Mastodon does: {"error", "status"}.
func (c *streamConn) sendError(ctx context.Context, status int, msg string) {
	data, _ := json.Marshal(map[string]any{"error": msg, "status": status})
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c.conn.Write(wctx, websocket.MessageText, data)
}

// streamStatus is the HTTP status for a use-case error on the streaming API.
func streamStatus(err error) int {
	switch convene.ErrorCode(err) {
	case convene.EINVALID:
		return http.StatusBadRequest
	case convene.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case convene.EFORBIDDEN:
		return http.StatusForbidden
	case convene.ETOOMANY:
		return http.StatusTooManyRequests
	case convene.ENOTFOUND:
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

func writeStreamError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
