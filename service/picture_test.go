package service_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// picture is a w×h image: opaque as a JPEG, or a PNG with a transparent corner.
func picture(t *testing.T, w, h int, transparent bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var b bytes.Buffer
	var err error
	if transparent {
		img.Set(0, 0, color.NRGBA{})
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// servedPicture opens a picture's file as /media serves it and decodes it.
func (x *mediaWorld) servedPicture(t *testing.T, key string) (image.Config, string) {
	t.Helper()
	f, contentType, err := x.svc.MediaFile(context.Background(), key)
	if err != nil {
		t.Fatalf("serving %s: %v", key, err)
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != contentType {
		t.Fatalf("%s is a %s served as %s: %v", key, format, contentType, err)
	}
	return cfg, contentType
}

func TestPeopleAndCommunitiesHavePictures(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newMediaWorld(t, d)
		x.outbox(t)

		// A wide photo becomes a 400×400 JPEG avatar cut from its middle.
		olga, err := x.svc.SetAccountPicture(as(x.olga), "olga", convene.PictureAvatar, bytes.NewReader(picture(t, 900, 600, false)))
		if err != nil {
			t.Fatal(err)
		}
		if cfg, ct := x.servedPicture(t, olga.AvatarKey); cfg.Width != 400 || cfg.Height != 400 || ct != "image/jpeg" {
			t.Errorf("avatar = %d×%d %s, want 400×400 JPEG", cfg.Width, cfg.Height, ct)
		}
		if list := x.outbox(t); len(list) != 1 || list[0].Type != "Update" || list[0].Object != "https://convene.test/u/olga" {
			t.Errorf("outbox = %v, want an Update of olga", activitiesBy(list))
		}
		// A small picture is cut, never enlarged; transparency keeps it a PNG.
		olga, err = x.svc.SetAccountPicture(as(x.olga), "olga", convene.PictureHeader, bytes.NewReader(picture(t, 300, 300, true)))
		if err != nil {
			t.Fatal(err)
		}
		if cfg, ct := x.servedPicture(t, olga.HeaderKey); cfg.Width != 300 || cfg.Height != 100 || ct != "image/png" {
			t.Errorf("header = %d×%d %s, want 300×100 PNG", cfg.Width, cfg.Height, ct)
		}

		// A new avatar replaces the old file; removing it leaves none.
		old := olga.AvatarKey
		olga, err = x.svc.SetAccountPicture(as(x.olga), "olga", convene.PictureAvatar, bytes.NewReader(picture(t, 50, 50, false)))
		if err != nil || olga.AvatarKey == old {
			t.Fatalf("replacing the avatar: %v", err)
		}
		if _, err := x.files.Open(context.Background(), old); err == nil {
			t.Error("the replaced avatar's file is still stored")
		}
		if _, _, err := x.svc.MediaFile(context.Background(), old); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("the replaced avatar is still served: %v", err)
		}
		current := olga.AvatarKey
		if olga, err = x.svc.SetAccountPicture(as(x.olga), "olga", convene.PictureAvatar, nil); err != nil || olga.AvatarKey != "" {
			t.Fatalf("removing the avatar: %v", err)
		}
		if a, _ := x.svc.FindAccount(context.Background(), "olga"); a.AvatarKey != "" || a.HeaderKey == "" {
			t.Errorf("stored pictures = %+v", a.Pictures)
		}
		if _, err := x.files.Open(context.Background(), current); err == nil {
			t.Error("the removed avatar's file is still stored")
		}

		// Only the person or an admin; a community's moderators for the community.
		if _, err := x.svc.SetAccountPicture(as(x.mia), "olga", convene.PictureAvatar, bytes.NewReader(picture(t, 50, 50, false))); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Errorf("mia setting olga's avatar: %v", err)
		}
		if _, err := x.svc.SetCommunityPicture(as(x.mia), "surrey", convene.PictureAvatar, bytes.NewReader(picture(t, 50, 50, false))); convene.ErrorCode(err) != convene.EFORBIDDEN {
			t.Errorf("a member setting the community's avatar: %v", err)
		}
		x.outbox(t)
		surrey, err := x.svc.SetCommunityPicture(as(x.olga), "surrey", convene.PictureHeader, bytes.NewReader(picture(t, 3000, 500, false)))
		if err != nil {
			t.Fatal(err)
		}
		if cfg, _ := x.servedPicture(t, surrey.HeaderKey); cfg.Width != 1500 || cfg.Height != 500 {
			t.Errorf("community header = %d×%d, want 1500×500", cfg.Width, cfg.Height)
		}
		if list := x.outbox(t); len(list) != 1 || list[0].Type != "Update" || list[0].Object != "https://convene.test/c/surrey" {
			t.Errorf("outbox = %v, want an Update of surrey", activitiesBy(list))
		}

		// What is not a picture is refused, and leaves nothing behind.
		for what, in := range map[string]struct {
			p    convene.Picture
			data []byte
		}{
			"a text file":        {convene.PictureAvatar, []byte(strings.Repeat("not a picture ", 50))},
			"an unknown picture": {"banner", picture(t, 50, 50, false)},
		} {
			if _, err := x.svc.SetAccountPicture(as(x.mia), "mia", in.p, bytes.NewReader(in.data)); convene.ErrorCode(err) != convene.EINVALID {
				t.Errorf("%s: %v", what, err)
			}
		}
		if a, _ := x.svc.FindAccount(context.Background(), "mia"); a.AvatarKey != "" {
			t.Errorf("a refused upload became mia's avatar")
		}
	})
}
