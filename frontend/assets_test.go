package frontend

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The Mastodon API gives every account these images (Tusky and Ice Cubes drop an account
// without an avatar URL), so they must exist, be served as PNG and decode.
func TestDefaultAvatarAndHeaderAreServedAsPNG(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for name, size := range map[string][2]int{"avatar.png": {120, 120}, "header.png": {1500, 500}} {
		u := r.AssetURL(name)
		if !strings.HasPrefix(u, StaticPrefix+strings.TrimSuffix(name, ".png")+".") || !strings.HasSuffix(u, ".png") {
			t.Fatalf("AssetURL(%q) = %q, want a fingerprinted path", name, u)
		}
		rec := httptest.NewRecorder()
		r.AssetHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("GET %s = %d %s", u, rec.Code, rec.Header().Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size[0] || b.Dy() != size[1] {
			t.Errorf("%s is %v, want %v", name, b.Size(), size)
		}
	}
	if r.AssetURL("missing.png") != "" {
		t.Error("AssetURL of a missing asset is not empty")
	}
}
