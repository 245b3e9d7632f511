package mastodon

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestJSONObjectsBecomeRailsStyleParams(t *testing.T) {
	body := `{"status":"hi","media_ids":["1","2"],"poll":{"options":["A","B"],"expires_in":300,"multiple":true,
		"deep":{"deeper":{"deepest":{"x":"1"}}}},
		"media_attributes":[{"id":"7","description":"A hedge"},{"id":"8","description":"A gate"}]}`
	r := httptest.NewRequest(http.MethodPost, "/api/v1/statuses?poll[hide_totals]=true", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	p, err := params(httptest.NewRecorder(), r)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"status": "[hi]", "media_ids": "[1 2]", "poll[options][]": "[A B]", "poll[expires_in]": "[300]",
		"poll[multiple]": "[true]", "poll[hide_totals]": "[true]",
		"media_attributes[][id]": "[7 8]", "media_attributes[][description]": "[A hedge A gate]",
	}
	for k, v := range want {
		if got := fmt.Sprint(p[k]); got != v {
			t.Errorf("%s = %s, want %s", k, got, v)
		}
	}
	for k := range p {
		if strings.Contains(k, "deepest") {
			t.Errorf("objects nested deeper than %d levels were read: %s", maxParamDepth, k)
		}
	}
	if got := listParam(p, "poll[options]"); fmt.Sprint(got) != "[A B]" {
		t.Errorf("listParam = %v", got)
	}
}
