package handlers

import (
	"fmt"
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
}
