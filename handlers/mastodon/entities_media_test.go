package mastodon_test

import (
	"encoding/json"
	"testing"

	"github.com/convene-social/convene"
)

func TestMediaAttachmentEntities(t *testing.T) {
	f := newFixture(t)
	local := f.conv.MediaAttachmentOf(&convene.Media{ID: "01LOCAL", Kind: convene.MediaImage, ContentType: "image/png",
		Width: 900, Height: 300, SmallWidth: 640, SmallHeight: 213, FileKey: "orig.png", SmallKey: "small.jpg", FocusX: 0.5})
	raw, _ := json.Marshal(local)
	var v map[string]any
	json.Unmarshal(raw, &v)
	if v["url"] != "https://convene.test/media/orig.png" || v["preview_url"] != "https://convene.test/media/small.jpg" ||
		v["remote_url"] != nil || v["description"] != nil || v["blurhash"] != nil {
		t.Errorf("local = %s", raw)
	}
	for _, key := range []string{"text_url", "remote_url", "description", "blurhash"} {
		if _, ok := v[key]; !ok {
			t.Errorf("local attachment lacks %s (clients want it, null or not): %s", key, raw)
		}
	}
	remote := f.conv.MediaAttachmentOf(&convene.Media{ID: "01REMOTE", Kind: convene.MediaVideo, ContentType: "video/mp4",
		RemoteURL: "https://mastodon.example/v.mp4", Description: "A walk", Blurhash: "U00000fQfQfQ"})
	raw, _ = json.Marshal(remote)
	json.Unmarshal(raw, &v)
	if v["url"] != "https://mastodon.example/v.mp4" || v["preview_url"] != v["url"] || v["remote_url"] != v["url"] ||
		v["type"] != "video" || v["description"] != "A walk" {
		t.Errorf("remote = %s", raw)
	}
	if meta := v["meta"].(map[string]any); len(meta) != 0 {
		t.Errorf("remote meta without sizes = %v, want {}", meta)
	}
}
