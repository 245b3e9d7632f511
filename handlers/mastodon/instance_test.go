package mastodon_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/handlers/mastodon"
	"github.com/convene-social/convene/service"
)

// instanceWorld is a service over a fresh SQLite database with the instance endpoints' deps.
type instanceWorld struct {
	svc   *service.Service
	store *db.DB
	deps  mastodon.InstanceDeps
}

func newInstanceWorld(t *testing.T, protocol string) instanceWorld {
	t.Helper()
	render, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	iris := federation.NewIRIs(protocol, "convene.test")
	conv, err := mastodon.NewConverter(iris, render)
	if err != nil {
		t.Fatal(err)
	}
	store := dbtest.OpenSQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys, err := service.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Config{Store: store, IRIs: iris, Logger: log, Registration: convene.RegistrationApproval,
		NewKeyPair: func() (convene.KeyPair, error) { return keys, nil }})
	return instanceWorld{svc: svc, store: store,
		deps: mastodon.InstanceDeps{Service: svc, Converter: conv, Version: "1.2.3", Logger: log}}
}

func (w instanceWorld) account(t *testing.T, name string, role convene.Role) *convene.Account {
	t.Helper()
	a, err := w.svc.CreateAccount(convene.WithOperator(context.Background()), service.AccountCreate{
		Username: name, Email: name + "@example.org", Password: "correct horse battery", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// getInstance serves one request to h and decodes its JSON object.
func getInstance(t *testing.T, h http.Handler, path string) map[string]any {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("GET %s = %d %s: %s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, rec.Body)
	}
	return m
}

func TestInstanceV2ReportsWhatClientsNeedToSignIn(t *testing.T) {
	w := newInstanceWorld(t, "https")
	ada := w.account(t, "ada", convene.RoleAdmin)
	mia := w.account(t, "mia", convene.RoleMember)
	if err := w.store.TouchAccount(context.Background(), mia.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	admin := convene.WithPrincipal(context.Background(), convene.Principal{Account: ada})
	if _, err := w.svc.UpdateInstanceSettings(admin, service.SettingsUpdate{Name: "Surrey Commons",
		Description: "Where Surrey's groups meet", Registration: convene.RegistrationOpen}); err != nil {
		t.Fatal(err)
	}
	m := getInstance(t, mastodon.InstanceV2Handler(w.deps), "/api/v2/instance")
	checkShape(t, "instance v2", m, map[string]string{"domain": "string", "title": "string", "version": "string",
		"source_url": "url", "description": "string", "usage": "object", "thumbnail": "object", "languages": "array",
		"configuration": "object", "registrations": "object", "contact": "object", "rules": "array"})
	if m["version"] != "4.2.0 (compatible; Convene 1.2.3)" {
		t.Errorf("version = %v", m["version"])
	}
	if _, ok := m["api_versions"]; ok {
		t.Error("api_versions is advertised, which would make Phanpy ask for grouped notifications")
	}
	if m["domain"] != "convene.test" || m["title"] != "Surrey Commons" || m["description"] != "Where Surrey's groups meet" {
		t.Errorf("domain %v, title %v, description %v", m["domain"], m["title"], m["description"])
	}
	if users := obj(t, obj(t, m, "usage"), "users"); users["active_month"] != 1.0 {
		t.Errorf("usage.users = %v, want mia active this month", users)
	}
	checkShape(t, "thumbnail", obj(t, m, "thumbnail"), map[string]string{"url": "url"})
	reg := obj(t, m, "registrations")
	checkShape(t, "registrations", reg, map[string]string{"enabled": "bool", "approval_required": "bool", "message": "string|null"})
	if reg["enabled"] != true || reg["approval_required"] != false {
		t.Errorf("registrations = %v, want open", reg)
	}
	contact := obj(t, m, "contact")
	checkShape(t, "contact", contact, map[string]string{"email": "string", "account": "object"})
	checkShape(t, "contact.account", obj(t, contact, "account"), accountShape)
	if obj(t, contact, "account")["username"] != "ada" {
		t.Errorf("contact = %v, want the admin", contact)
	}

	conf := obj(t, m, "configuration")
	if urls := obj(t, conf, "urls"); urls["streaming"] != "wss://convene.test" {
		t.Errorf("urls = %v, want wss://convene.test", urls)
	}
	checkShape(t, "accounts", obj(t, conf, "accounts"), map[string]string{"max_featured_tags": "number"})
	statuses := obj(t, conf, "statuses")
	checkShape(t, "statuses", statuses, map[string]string{"max_characters": "number", "max_media_attachments": "number",
		"characters_reserved_per_url": "number"})
	if statuses["max_characters"] != float64(service.MaxStatusCharacters) || service.MaxStatusCharacters != 20000 {
		t.Errorf("max_characters = %v, want Convene's 20000", statuses["max_characters"])
	}
	checkShape(t, "media_attachments", obj(t, conf, "media_attachments"), map[string]string{"supported_mime_types": "array",
		"image_size_limit": "number", "image_matrix_limit": "number", "video_size_limit": "number",
		"video_frame_rate_limit": "number", "video_matrix_limit": "number"})
	checkShape(t, "polls", obj(t, conf, "polls"), map[string]string{"max_options": "number", "max_characters_per_option": "number",
		"min_expiration": "number", "max_expiration": "number"})
	if polls := obj(t, conf, "polls"); polls["max_options"] != 4.0 || polls["max_characters_per_option"] != 50.0 ||
		polls["min_expiration"] != 300.0 || polls["max_expiration"] != 2592000.0 {
		t.Errorf("polls = %v, want the limits the service enforces", polls)
	}
	checkShape(t, "translation", obj(t, conf, "translation"), map[string]string{"enabled": "bool"})
	if rules := m["rules"].([]any); len(rules) != 0 {
		t.Errorf("rules = %v", rules)
	}
}

func TestInstanceV1ReportsStatsAndStreamingURL(t *testing.T) {
	w := newInstanceWorld(t, "https")
	ada := w.account(t, "ada", convene.RoleAdmin)
	ctx := convene.WithPrincipal(context.Background(), convene.Principal{Account: ada})
	if _, err := w.svc.CreateCommunity(ctx, service.CommunityCreate{Slug: "surrey", Name: "Surrey"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.CreateThread(ctx, service.ThreadCreate{Community: "surrey", Title: "Hello", Body: "First"}); err != nil {
		t.Fatal(err)
	}
	remote := &convene.RemoteActor{ID: convene.NewID(), IRI: "https://mastodon.example/users/rae", Type: "Person", Username: "rae",
		Domain: "mastodon.example", Inbox: "https://mastodon.example/users/rae/inbox", FetchedAt: time.Now(), CreatedAt: time.Now()}
	if err := w.store.UpsertRemoteActor(context.Background(), remote); err != nil {
		t.Fatal(err)
	}
	m := getInstance(t, mastodon.InstanceV1Handler(w.deps), "/api/v1/instance")
	checkShape(t, "instance v1", m, map[string]string{"uri": "string", "title": "string", "short_description": "string",
		"description": "string", "email": "string", "version": "string", "urls": "object", "stats": "object",
		"thumbnail": "url", "languages": "array", "registrations": "bool", "approval_required": "bool",
		"invites_enabled": "bool", "configuration": "object", "contact_account": "object", "rules": "array"})
	if m["uri"] != "convene.test" || m["title"] != "convene.test" || m["version"] != "4.2.0 (compatible; Convene 1.2.3)" {
		t.Errorf("uri %v, title %v, version %v", m["uri"], m["title"], m["version"])
	}
	if _, ok := m["api_versions"]; ok {
		t.Error("api_versions is advertised")
	}
	if m["registrations"] != true || m["approval_required"] != true {
		t.Errorf("registrations %v, approval_required %v: want the configured approval mode", m["registrations"], m["approval_required"])
	}
	if urls := obj(t, m, "urls"); urls["streaming_api"] != "wss://convene.test" {
		t.Errorf("urls = %v", urls)
	}
	stats := obj(t, m, "stats")
	if stats["user_count"] != 1.0 || stats["status_count"] != 1.0 || stats["domain_count"] != 1.0 {
		t.Errorf("stats = %v, want 1 user, 1 post, 1 domain", stats)
	}
	conf := obj(t, m, "configuration")
	for _, part := range []string{"statuses", "media_attachments", "polls"} {
		obj(t, conf, part)
	}
	if _, ok := conf["urls"]; ok {
		t.Errorf("v1 configuration has v2's urls: %v", conf)
	}
	contact := obj(t, m, "contact_account")
	if contact["username"] != "ada" || contact["statuses_count"] != 1.0 {
		t.Errorf("contact_account = %v, want ada with her post", contact)
	}
}

func TestInstanceWithoutAdminAndOverPlainHTTP(t *testing.T) {
	w := newInstanceWorld(t, "http")
	w.deps.Converter, _ = mastodon.NewConverter(federation.NewIRIs("http", "localhost:8080"), mustRenderer(t))
	v2 := getInstance(t, mastodon.InstanceV2Handler(w.deps), "/api/v2/instance")
	if urls := obj(t, obj(t, v2, "configuration"), "urls"); urls["streaming"] != "ws://localhost:8080" {
		t.Errorf("streaming = %v, want ws:// for an http instance", urls["streaming"])
	}
	if contact := obj(t, v2, "contact"); contact["account"] != nil || contact["email"] != "" {
		t.Errorf("contact = %v, want no account and an empty email before there is an admin", contact)
	}
	v1 := getInstance(t, mastodon.InstanceV1Handler(w.deps), "/api/v1/instance")
	if v1["contact_account"] != nil || obj(t, v1, "urls")["streaming_api"] != "ws://localhost:8080" {
		t.Errorf("v1 contact %v, urls %v", v1["contact_account"], v1["urls"])
	}
	if thumb, _ := obj(t, v2, "thumbnail")["url"].(string); thumb == "" || thumb[:len("http://localhost:8080/static/")] != "http://localhost:8080/static/" {
		t.Errorf("thumbnail = %q, want the default image under this instance", thumb)
	}
}

func TestInstanceFailureIsAJSONError(t *testing.T) {
	w := newInstanceWorld(t, "https")
	if err := w.store.Close(); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	mastodon.InstanceV2Handler(w.deps).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v2/instance", nil))
	if rec.Code != http.StatusInternalServerError || strings.TrimSpace(rec.Body.String()) != `{"error":"Internal error."}` {
		t.Errorf("with the database gone: %d %s", rec.Code, rec.Body)
	}
}

func TestCustomEmojisIsAnEmptyList(t *testing.T) {
	rec := httptest.NewRecorder()
	mastodon.CustomEmojisHandler(rec, httptest.NewRequest(http.MethodGet, "/api/v1/custom_emojis", nil))
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "[]" || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("custom emojis = %d %q %s", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
	}
}

func mustRenderer(t *testing.T) *frontend.Renderer {
	t.Helper()
	r, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
