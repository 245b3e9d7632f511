package handlers

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
)

func TestErrorStatus(t *testing.T) {
	for err, want := range map[error]int{
		convene.Errorf(convene.EINVALID, "x"):                             http.StatusUnprocessableEntity,
		convene.Errorf(convene.ENOTFOUND, "x"):                            http.StatusNotFound,
		convene.Errorf(convene.ECONFLICT, "x"):                            http.StatusConflict,
		convene.Errorf(convene.EFORBIDDEN, "x"):                           http.StatusForbidden,
		convene.Errorf(convene.EUNAUTHORIZED, "x"):                        http.StatusUnauthorized,
		fmt.Errorf("wrapped: %w", convene.Errorf(convene.ECONFLICT, "x")): http.StatusConflict,
		fmt.Errorf("disk full"):                                           http.StatusInternalServerError,
	} {
		if got := errorStatus(err); got != want {
			t.Errorf("errorStatus(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestPanicsBecomeA500PageWithoutDetails(t *testing.T) {
	render, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	s := New(Config{Renderer: render, Logger: slog.New(slog.NewTextHandler(&logged, nil)), Domain: "convene.test"})
	s.router.HandleFunc("/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret detail") ||
		strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("panic answered %d:\n%s", rec.Code, rec.Body)
	}
	if !strings.Contains(logged.String(), "secret detail") {
		t.Error("the panic was not logged")
	}
	// The page gives the reference that finds the failure in the log.
	ref := rec.Header().Get("X-Request-Id")
	if ref == "" || !strings.Contains(rec.Body.String(), "<code>"+ref+"</code>") || !strings.Contains(logged.String(), ref) {
		t.Errorf("500 page does not give the request's reference %q:\n%s", ref, rec.Body)
	}
}

func TestForbiddenPagesSayWhatToDo(t *testing.T) {
	render, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Renderer: render, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Domain: "convene.test"})
	s.router.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, convene.Errorf(convene.EFORBIDDEN, "only moderators may see this"))
	})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/private?tab=2", nil))
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "only moderators may see this") ||
		!strings.Contains(rec.Body.String(), `href="/login?next=%2Fprivate%3Ftab%3D2"`) {
		t.Errorf("a visitor's 403 = %d:\n%s", rec.Code, rec.Body)
	}
}
