package frontend

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLandscapesShowFollowedCommunitiesAvatars: the home page's "followed elsewhere" and a
// community's landscape show a community elsewhere beside its avatar: a small, decorative
// picture loaded lazily and without a referrer. One without an avatar shows its name alone.
func TestLandscapesShowFollowedCommunitiesAvatars(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	followed := []ActorLink{
		{Name: "Oak growers", URL: "https://far.example/@oak", Avatar: "https://files.far.example/oak.png?s=1&t=2"},
		{Name: "Ash", URL: "https://far.example/@ash"},
	}
	const img = `<img src="https://files.far.example/oak.png?s=1&amp;t=2" alt="" class="avatar-small" width="24" height="24" ` +
		`loading="lazy" referrerpolicy="no-referrer"> <a href="https://far.example/@oak">Oak growers</a>`
	for name, page := range map[string]Page{
		"home":      &HomePage{Followed: followed},
		"community": &ActorPage{IsGroup: true, Slug: "surrey", Name: "Surrey", Followed: followed},
	} {
		rec := httptest.NewRecorder()
		if err := r.Render(rec, 200, page); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body := rec.Body.String()
		if !strings.Contains(body, img) {
			t.Errorf("%s page lacks %s", name, img)
		}
		if strings.Count(body, "<img") != 1 || !strings.Contains(body, `<a href="https://far.example/@ash">Ash</a>`) {
			t.Errorf("%s page: Ash, without an avatar, has a picture or no link", name)
		}
	}
}
