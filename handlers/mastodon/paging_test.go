package mastodon

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/convene-social/convene"
)

func TestParsePage(t *testing.T) {
	id := convene.NewID()
	tests := []struct {
		query   string
		want    Page
		invalid bool
	}{
		{"", Page{Limit: 20}, false},
		{"limit=5&max_id=" + id, Page{MaxID: id, Limit: 5}, false},
		{"limit=500", Page{Limit: 40}, false},
		{"min_id=" + id, Page{MinID: id, Limit: 20}, false},
		{"since_id=" + id, Page{SinceID: id, Limit: 20}, false},
		{"limit=0", Page{}, true},
		{"limit=ten", Page{}, true},
		{"max_id=9", Page{}, true},                      // an unpadded number would sort wrongly against ULIDs
		{"since_id=" + id + "x", Page{}, true},          // too long
		{"min_id=" + strings.ToLower(id), Page{}, true}, // not our alphabet
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		got, err := ParsePage(q, 20, 40)
		if tt.invalid {
			if convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%q: err = %v, want EINVALID", tt.query, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q = %+v, %v; want %+v", tt.query, got, err, tt.want)
		}
	}
}

func TestLinkHeaderKeepsFiltersAndPointsBothWays(t *testing.T) {
	newest, oldest := convene.NewID(), convene.NewID()
	r := httptest.NewRequest("GET", "/api/v1/notifications?types[]=mention&types[]=follow&max_id="+convene.NewID()+"&limit=2", nil)
	w := httptest.NewRecorder()
	SetLinkHeader(w, r, "https://convene.test/api/v1/notifications", []string{newest, oldest})
	links := strings.Split(w.Header().Get("Link"), ", ")
	if len(links) != 2 {
		t.Fatalf("Link = %q: want next and prev split by a comma, with no other commas", w.Header().Get("Link"))
	}
	for i, want := range []struct{ param, id, rel string }{{"max_id", oldest, "next"}, {"min_id", newest, "prev"}} {
		raw, rel, ok := strings.Cut(links[i], ">; ")
		if !ok || rel != `rel="`+want.rel+`"` || !strings.HasPrefix(raw, "<https://convene.test/api/v1/notifications?") {
			t.Fatalf("link %d = %q", i, links[i])
		}
		u, err := url.Parse(strings.TrimPrefix(raw, "<"))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Get(want.param) != want.id || len(q["types[]"]) != 2 || q.Get("limit") != "2" {
			t.Errorf("%s link query = %v", want.rel, q)
		}
		if want.param == "min_id" && q.Get("max_id") != "" {
			t.Error("the prev link keeps the request's max_id")
		}
	}
	w = httptest.NewRecorder()
	SetLinkHeader(w, r, "https://convene.test/api/v1/notifications", nil)
	if w.Header().Get("Link") != "" {
		t.Error("an empty page has neighbours")
	}
}
