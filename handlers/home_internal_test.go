package handlers

import "testing"

// TestPageImageKeepsOnlyHTTPS: our pages' Content-Security-Policy loads images from elsewhere
// over https only, so a remote avatar on http would be a broken picture and is left out.
func TestPageImageKeepsOnlyHTTPS(t *testing.T) {
	for in, want := range map[string]string{
		"https://files.example/a.png": "https://files.example/a.png",
		"http://files.example/a.png":  "",
		"":                            "",
	} {
		if got := pageImage(in); got != want {
			t.Errorf("pageImage(%q) = %q, want %q", in, got, want)
		}
	}
}
