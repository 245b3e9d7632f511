package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// postMultipart sends a web form as multipart/form-data, with a file when data is not nil.
func (b *browser) postMultipart(path string, fields map[string]string, data []byte) *http.Response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+map[bool]string{true: "hedge.png"}[data != nil]+`"`)
	h.Set("Content-Type", "application/octet-stream")
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestWebReplyCarriesAPicture(t *testing.T) {
	x := newThreadFixture(t)
	ben := x.signIn(t, "ben")
	page := x.page(t, ben)
	if !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `<input type="file" id="reply-file" name="file"`) {
		t.Fatal("the reply form offers no picture")
	}
	resp := ben.postMultipart("/p/"+x.thread.ID+"/reply", map[string]string{"csrf": ben.formSecret(page), "body": "Our hedge",
		"alt": "Hawthorn in flower"}, testPNG(t, 50, 40))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply with a picture = %d", resp.StatusCode)
	}
	page = x.page(t, ben)
	if !strings.Contains(page, `alt="Hawthorn in flower" loading="lazy" width="50" height="40"`) {
		t.Error("the reply's picture is not on the thread page")
	}
	// The file field left empty is a reply without a picture.
	resp = ben.postMultipart("/p/"+x.thread.ID+"/reply", map[string]string{"csrf": ben.formSecret(page), "body": "No picture"}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("reply with an empty file field = %d", resp.StatusCode)
	}
	// A file that is not a picture is refused, and nothing is posted.
	resp = ben.postMultipart("/p/"+x.thread.ID+"/reply", map[string]string{"csrf": ben.formSecret(page), "body": "Text file"},
		[]byte("not a picture"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("reply with a text file = %d, want 422", resp.StatusCode)
	}
	if strings.Contains(x.page(t, ben), "Text file") {
		t.Error("the refused reply was posted")
	}
	// A picture over the limit is cut off and said to be too large, not taken for a stale form.
	resp = ben.postMultipart("/p/"+x.thread.ID+"/reply", map[string]string{"csrf": ben.formSecret(page), "body": "Huge"},
		make([]byte, 17<<20))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("reply with a 17 MB file = %d, want 413", resp.StatusCode)
	}
}

func TestWebNewThreadCarriesAPicture(t *testing.T) {
	x := newThreadFixture(t)
	ben := x.signIn(t, "ben")
	_, page := ben.get("/c/surrey")
	if !strings.Contains(page, `action="/c/surrey/threads" class="stack" enctype="multipart/form-data"`) ||
		!strings.Contains(page, `<input type="file" id="thread-file" name="file"`) {
		t.Fatal("the new-thread form offers no picture")
	}
	resp := ben.postMultipart("/c/surrey/threads", map[string]string{"csrf": ben.formSecret(page), "title": "Our hedge",
		"body": "In May", "alt": "Hawthorn in flower"}, testPNG(t, 50, 40))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new thread with a picture = %d", resp.StatusCode)
	}
	if _, page := ben.get(resp.Header.Get("Location")); !strings.Contains(page, `alt="Hawthorn in flower" loading="lazy"`) {
		t.Error("the thread's picture is not on its page")
	}
	// Without JavaScript or a file, the same form still starts a plain thread.
	resp = ben.postMultipart("/c/surrey/threads", map[string]string{"csrf": ben.formSecret(page), "title": "Plain", "body": "Text"}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("new thread with an empty file field = %d", resp.StatusCode)
	}
}
