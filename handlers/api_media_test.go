package handlers_test

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // decodes the preview
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/convene-social/convene/service"
)

// uploadForm is a multipart body with a file part (name and content type as a client
// might claim them) and extra fields.
func uploadForm(t *testing.T, filename, contentType string, data []byte, fields ...string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", contentType)
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func (b *browser) upload(path, token, contentType string, body []byte) (*http.Response, map[string]any) {
	b.t.Helper()
	return b.sendJSON(http.MethodPost, path, bytes.NewReader(body), "Content-Type", contentType, "Authorization", "Bearer "+token)
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// localPath turns one of our absolute URLs into a path on the test server.
func localPath(t *testing.T, u any) string {
	t.Helper()
	s, _ := u.(string)
	path, ok := strings.CutPrefix(s, "https://convene.test")
	if !ok {
		t.Fatalf("URL %v is not an absolute URL of this instance", u)
	}
	return path
}

func TestClientAPIUploadsAndPostsMedia(t *testing.T) {
	w := newAPIWorld(t)
	b, alice, bob := w.b, w.alice, w.bob

	// The client calls it a text file; the bytes are a PNG, and the bytes decide.
	ct, body := uploadForm(t, "notes.txt", "text/plain", testPNG(t, 900, 300), "description", "A hedge", "focus", "0.5,-0.5")
	resp, m := b.upload("/api/v2/media", alice, ct, body)
	if resp.StatusCode != 200 || m["type"] != "image" || m["description"] != "A hedge" || m["remote_url"] != nil || m["blurhash"] == nil {
		t.Fatalf("upload = %d %v", resp.StatusCode, m)
	}
	id := m["id"].(string)
	meta := obj(m["meta"])
	if o := obj(meta["original"]); o["width"] != 900.0 || o["height"] != 300.0 || o["size"] != "900x300" || o["aspect"] != 3.0 {
		t.Errorf("meta.original = %v", o)
	}
	if s := obj(meta["small"]); s["width"] != 640.0 || obj(meta["focus"])["x"] != 0.5 {
		t.Errorf("meta = %v", meta)
	}
	original, preview := localPath(t, m["url"]), localPath(t, m["preview_url"])

	if resp, v := b.apiJSON("GET", "/api/v1/media/"+id, "", alice); resp.StatusCode != 200 || obj(v)["id"] != id {
		t.Errorf("GET own media = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("GET", "/api/v1/media/"+id, "", bob); resp.StatusCode != 404 {
		t.Errorf("GET someone else's media = %d, want 404", resp.StatusCode)
	}
	if resp, v := b.apiJSON("PUT", "/api/v1/media/"+id, `{"description":"A hawthorn hedge"}`, alice); resp.StatusCode != 200 ||
		obj(v)["description"] != "A hawthorn hedge" {
		t.Errorf("PUT description = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("PUT", "/api/v1/media/"+id, `{"description":"mine now"}`, bob); resp.StatusCode != 404 {
		t.Errorf("PUT someone else's media = %d, want 404", resp.StatusCode)
	}

	// Files or a poll, not both, as on Mastodon.
	if resp, _ := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Which?","media_ids":["`+id+
		`"],"poll":{"options":["a","b"],"expires_in":3600}}`, alice); resp.StatusCode != 422 {
		t.Errorf("a status with files and a poll = %d, want 422", resp.StatusCode)
	}

	// Posted with the status: absolute URLs, alt text, and only_media finds it.
	resp, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey The hedge in May","media_ids":["`+id+`"]}`, alice)
	st := obj(v)
	atts := arr(st["media_attachments"])
	if resp.StatusCode != 200 || len(atts) != 1 || obj(atts[0])["id"] != id || obj(atts[0])["description"] != "A hawthorn hedge" {
		t.Fatalf("status with media = %d %v", resp.StatusCode, v)
	}
	if resp, _ := b.apiJSON("PUT", "/api/v1/media/"+id, `{"description":"late"}`, alice); resp.StatusCode != 422 {
		t.Errorf("PUT after posting = %d, want 422 (edit the status instead)", resp.StatusCode)
	}
	if _, v := b.apiJSON("GET", "/api/v1/timelines/public?only_media=true", "", ""); len(arr(v)) != 1 || obj(arr(v)[0])["id"] != st["id"] {
		t.Errorf("only_media = %v", v)
	}

	// A reply may be files alone.
	ct, body = uploadForm(t, "x.png", "image/png", testPNG(t, 20, 20))
	_, m2 := b.upload("/api/v1/media", alice, ct, body)
	if resp, _ := b.apiJSON("POST", "/api/v1/statuses", `{"status":"Borrowed","in_reply_to_id":"`+st["id"].(string)+
		`","media_ids":["`+m2["id"].(string)+`"]}`, bob); resp.StatusCode != 422 {
		t.Errorf("bob posting alice's upload = %d, want 422", resp.StatusCode)
	}
	resp, v = b.apiJSON("POST", "/api/v1/statuses", `{"status":"","in_reply_to_id":"`+st["id"].(string)+`","media_ids":["`+m2["id"].(string)+`"]}`, alice)
	if resp.StatusCode != 200 || len(arr(obj(v)["media_attachments"])) != 1 {
		t.Errorf("a reply with only a file = %d %v", resp.StatusCode, v)
	}

	// The files are served with their type and headers that keep browsers from running them.
	for path, wantType := range map[string]string{original: "image/png", preview: "image/jpeg"} {
		r, raw := b.get(path)
		h := r.Header
		if r.StatusCode != 200 || h.Get("Content-Type") != wantType || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" || !strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s = %d %v", path, r.StatusCode, h)
		}
		if _, _, err := image.Decode(strings.NewReader(raw)); err != nil {
			t.Errorf("GET %s is not an image: %v", path, err)
		}
	}
	for _, path := range []string{"/media/nothing.jpg", "/media/.upload-1", "/media/a.b.c"} {
		if r, _ := b.get(path); r.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", path, r.StatusCode)
		}
	}
	// The router cleans a path that climbs out (a redirect to /convene.db, which is nothing).
	if r, _ := b.get("/media/..%2f..%2fconvene.db"); r.StatusCode == 200 {
		t.Errorf("a climbing path was served")
	}

	// A posted file's alt text changes through the status edit (media_attributes), JSON or form.
	edit := `{"status":"@surrey The hedge in May","media_ids":["` + id + `"],"media_attributes":[{"id":"` + id + `","description":"Edited alt"}]}`
	if _, v := b.apiJSON("PUT", "/api/v1/statuses/"+st["id"].(string), edit, alice); obj(arr(obj(v)["media_attachments"])[0])["description"] != "Edited alt" {
		t.Errorf("edit with media_attributes (JSON) = %v", v)
	}
	form := "status=%40surrey+The+hedge&media_ids[]=" + id + "&media_attributes[][id]=" + id + "&media_attributes[][description]=Form+alt"
	if _, v := b.apiJSON("PUT", "/api/v1/statuses/"+st["id"].(string), form, alice); obj(arr(obj(v)["media_attachments"])[0])["description"] != "Form alt" {
		t.Errorf("edit with media_attributes (form) = %v", v)
	}

	// An edit drops the file; the file is gone from /media.
	if resp, v := b.apiJSON("PUT", "/api/v1/statuses/"+st["id"].(string), `{"status":"@surrey The hedge","media_ids":[]}`, alice); resp.StatusCode != 200 ||
		len(arr(obj(v)["media_attachments"])) != 0 {
		t.Errorf("edit dropping the file = %d %v", resp.StatusCode, v)
	}
	if r, _ := b.get(original); r.StatusCode != 404 {
		t.Errorf("a dropped file is still served: %d", r.StatusCode)
	}
}

func TestClientAPIRefusesUnsupportedUploads(t *testing.T) {
	w := newAPIWorld(t)
	b := w.b
	for name, data := range map[string][]byte{
		"picture.png": []byte("just some text pretending\n"),
		"clip.mp4":    append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 100)...),
	} {
		ct, body := uploadForm(t, name, "image/png", data)
		resp, v := b.upload("/api/v2/media", w.alice, ct, body)
		if resp.StatusCode != 422 || !strings.Contains(v["error"].(string), "not supported") {
			t.Errorf("%s = %d %v, want 422 with a clear error", name, resp.StatusCode, v)
		}
	}
	resp, v := b.upload("/api/v2/media", w.alice, "application/x-www-form-urlencoded", []byte("file=abc"))
	if resp.StatusCode != 422 || v["error"] == "" {
		t.Errorf("a form without a file = %d %v", resp.StatusCode, v)
	}
	// A body over the limit is cut off before it is read through.
	ct, body := uploadForm(t, "big.png", "image/png", make([]byte, 17<<20))
	if resp, v := b.upload("/api/v2/media", w.alice, ct, body); resp.StatusCode != 422 || !strings.Contains(v["error"].(string), "larger") {
		t.Errorf("a 17 MB upload = %d %v", resp.StatusCode, v)
	}
	// The instance says exactly what it accepts.
	_, inst := b.apiJSON("GET", "/api/v2/instance", "", "")
	conf := obj(obj(obj(inst)["configuration"])["media_attachments"])
	if got := arr(conf["supported_mime_types"]); len(got) != 4 || got[0] != "image/jpeg" || conf["image_size_limit"] != float64(16<<20) ||
		conf["image_matrix_limit"] != 33177600.0 {
		t.Errorf("configuration.media_attachments = %v", conf)
	}
}

func TestThreadPageAndAPIShowAttachmentsLocalAndRemote(t *testing.T) {
	w := newAPIWorld(t)
	b := w.b
	ct, body := uploadForm(t, "hedge.png", "image/png", testPNG(t, 900, 300), "description", `A hedge & "its" shadow`)
	_, m := b.upload("/api/v2/media", w.alice, ct, body)
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey The hedge","media_ids":["`+m["id"].(string)+`"]}`, w.alice)
	thread := obj(v)
	p, err := w.svc.FindPost(context.Background(), thread["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	// A Mastodon reply with a video, filed as federation files it: a link, never a copy.
	remote, err := w.svc.ReceivePost(context.Background(), service.RemotePost{IRI: "https://mastodon.example/users/bob/statuses/9",
		Author: "https://mastodon.example/users/bob", Content: "<p>Mine in winter</p>", InReplyTo: p.IRI, Public: true,
		Attachments: []service.RemoteAttachment{{URL: "https://files.mastodon.example/v.mp4", MediaType: "video/mp4", Name: "Snow"},
			{URL: "https://files.mastodon.example/p.jpg", MediaType: "image/jpeg", Width: 1200, Height: 800}}})
	if err != nil || remote == nil {
		t.Fatalf("remote reply = %v, %v", remote, err)
	}
	_, v = b.apiJSON("GET", "/api/v1/statuses/"+remote.ID, "", "")
	atts := arr(obj(v)["media_attachments"])
	if len(atts) != 2 || obj(atts[0])["type"] != "video" || obj(atts[0])["remote_url"] != "https://files.mastodon.example/v.mp4" ||
		obj(atts[1])["type"] != "image" || obj(obj(obj(atts[1])["meta"])["original"])["width"] != 1200.0 {
		t.Errorf("the remote reply's media_attachments = %v", atts)
	}

	_, page := b.get("/p/" + p.ID)
	preview := obj(arr(thread["media_attachments"])[0])["preview_url"].(string)
	for _, want := range []string{
		`<a href="` + obj(arr(thread["media_attachments"])[0])["url"].(string) + `"><img src="` + preview + `"`,
		`alt="A hedge &amp; &#34;its&#34; shadow" loading="lazy" width="640" height="213">`,
		`<a href="https://files.mastodon.example/v.mp4" rel="nofollow noopener">Snow</a>`,
		`<img src="https://files.mastodon.example/p.jpg" alt="" loading="lazy" width="1200" height="800">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the thread page lacks %s", want)
		}
	}
}

// TestClientAPIDeleteAndRedraftKeepsTheFiles: an app deletes a status and posts it again with
// the same media_ids, as Mastodon apps' "delete and redraft" does; delete_media=true instead
// removes the files at once.
func TestClientAPIDeleteAndRedraftKeepsTheFiles(t *testing.T) {
	w := newAPIWorld(t)
	b, alice := w.b, w.alice
	ct, body := uploadForm(t, "hedge.png", "image/png", testPNG(t, 40, 30))
	_, m := b.upload("/api/v2/media", alice, ct, body)
	id, file := m["id"].(string), localPath(t, m["url"])
	_, v := b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Our hedge","media_ids":["`+id+`"]}`, alice)
	status := obj(v)["id"].(string)

	resp, v := b.apiJSON("DELETE", "/api/v1/statuses/"+status, "", alice)
	if resp.StatusCode != 200 || len(arr(obj(v)["media_attachments"])) != 1 || obj(v)["text"] == nil {
		t.Fatalf("delete = %d %v", resp.StatusCode, v)
	}
	resp, v = b.apiJSON("POST", "/api/v1/statuses", `{"status":"@surrey Our hedge, again","media_ids":["`+id+`"]}`, alice)
	if resp.StatusCode != 200 || len(arr(obj(v)["media_attachments"])) != 1 {
		t.Fatalf("redraft with the same file = %d %v", resp.StatusCode, v)
	}
	if r, _ := b.get(file); r.StatusCode != 200 {
		t.Errorf("the redraft's file = %d", r.StatusCode)
	}
	if resp, _ := b.apiJSON("DELETE", "/api/v1/statuses/"+obj(v)["id"].(string)+"?delete_media=true", "", alice); resp.StatusCode != 200 {
		t.Fatalf("delete with its media = %d", resp.StatusCode)
	}
	if r, _ := b.get(file); r.StatusCode != 404 {
		t.Errorf("the file after delete_media = %d, want 404", r.StatusCode)
	}
}
