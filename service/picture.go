package service

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"time"

	"golang.org/x/image/draw"

	"github.com/convene-social/convene"
)

// pictureSizes are the pictures' shapes and largest sizes, Mastodon's: apps lay them out so.
var pictureSizes = map[convene.Picture]image.Point{
	convene.PictureAvatar: {X: 400, Y: 400},
	convene.PictureHeader: {X: 1500, Y: 500},
}

// SetAccountPicture makes an upload the person's avatar or header, or removes it when file
// is nil. Only the person and admins may. Other servers hear of it by an Update.
func (s *Service) SetAccountPicture(ctx context.Context, username string, p convene.Picture, file io.Reader) (*convene.Account, error) {
	a, err := s.store.FindAccountByUsername(ctx, convene.NormalizeName(username))
	if err != nil {
		return nil, err
	}
	pr := convene.PrincipalFrom(ctx)
	if !pr.IsAdmin() && (pr.Account == nil || pr.Account.ID != a.ID) {
		return nil, convene.Errorf(convene.EFORBIDDEN, "you may only change your own pictures")
	}
	publish := ""
	if a.State == convene.AccountApproved {
		publish = s.iris.Person(a.Username)
	}
	key, err := s.replacePicture(ctx, a.ID, a.Key(p), publish, p, file)
	if err != nil {
		return nil, err
	}
	setPictureKey(&a.Pictures, p, key)
	return a, nil
}

// SetCommunityPicture makes an upload a community's avatar or header, or removes it when
// file is nil. Its moderators and instance staff may.
func (s *Service) SetCommunityPicture(ctx context.Context, slug string, p convene.Picture, file io.Reader) (*convene.Community, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	key, err := s.replacePicture(ctx, c.ID, c.Key(p), s.iris.Group(c.Slug), p, file)
	if err != nil {
		return nil, err
	}
	setPictureKey(&c.Pictures, p, key)
	return c, nil
}

func setPictureKey(ps *convene.Pictures, p convene.Picture, key string) {
	if p == convene.PictureHeader {
		ps.HeaderKey = key
	} else {
		ps.AvatarKey = key
	}
}

// replacePicture stores file (nil: none) as the actor's picture p in place of the file old,
// and, when publish names the actor's IRI, sends its followers an Update. It returns the new
// file's key. The old file goes once the new one is in place; a failure leaves no new file.
func (s *Service) replacePicture(ctx context.Context, actorID, old, publish string, p convene.Picture, file io.Reader) (string, error) {
	if _, ok := pictureSizes[p]; !ok {
		return "", convene.Errorf(convene.EINVALID, "there is no picture %q", p)
	}
	key := ""
	if file != nil {
		var err error
		if key, err = s.storePicture(ctx, p, file); err != nil {
			return "", err
		}
	}
	now := s.timestamp()
	defer s.notifyOutbox()
	err := s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.SetActorPicture(ctx, actorID, p, key); err != nil || publish == "" {
			return err
		}
		return tx.EnqueueActivity(ctx, s.actorUpdate(publish, now))
	})
	if err != nil {
		if key != "" {
			s.deleteFile(ctx, key)
		}
		return "", fmt.Errorf("set %s: %w", p, err)
	}
	if old != "" {
		s.deleteFile(ctx, old)
	}
	return key, nil
}

// actorUpdate is the Update a local actor sends when its profile changes. It carries only
// the actor's id: peers fetch the actor again, as Mastodon does for profile changes.
func (s *Service) actorUpdate(actor string, at time.Time) *convene.Activity {
	return &convene.Activity{ID: convene.NewIDAt(at), Type: "Update", Actor: actor, Object: actor,
		To: []string{convene.PublicIRI}, Cc: []string{s.iris.Followers(actor)}, Published: at}
}

// storePicture processes an upload as picture p, counted against the uploader's uploads,
// and stores it under a new random key.
func (s *Service) storePicture(ctx context.Context, p convene.Picture, file io.Reader) (string, error) {
	uploader, err := s.signedInAccount(ctx)
	if err != nil {
		return "", err
	}
	if s.files == nil {
		return "", convene.Errorf(convene.EINVALID, "this server does not accept uploads")
	}
	if ok, until := s.uploadsByAccount.allow(uploader.ID, s.now()); !ok {
		return "", convene.Errorf(convene.ETOOMANY, "too many uploads: try again after %s", until.UTC().Format("15:04 UTC"))
	}
	select {
	case s.imageSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	data, ext, err := processPicture(file, pictureSizes[p])
	<-s.imageSlots
	if err != nil {
		return "", err
	}
	key := newFileKey(ext)
	if err := s.files.Put(ctx, key, bytes.NewReader(data)); err != nil {
		return "", fmt.Errorf("store %s: %w", p, err)
	}
	return key, nil
}

func (s *Service) deleteFile(ctx context.Context, key string) {
	if err := s.files.Delete(ctx, key); err != nil {
		s.log.WarnContext(ctx, "delete file", "key", key, "err", err)
	}
}

// processPicture decodes an upload as uploads are checked, turns it upright as its EXIF
// says, crops its middle to size's shape and scales it down to at most size, never up. Everything but the pixels is dropped (an
// animated GIF keeps its first frame): PNG when there is transparency to keep, else JPEG.
func processPicture(r io.Reader, size image.Point) ([]byte, string, error) {
	data, format, img, err := decodeUpload(r)
	if err != nil {
		return nil, "", err
	}
	if format == "image/jpeg" {
		img = orient(img, jpegOrientation(data)) // a phone's portrait photo is stored on its side
	}
	crop := centredCrop(img.Bounds(), size)
	w := min(size.X, crop.Dx())
	h := max(1, w*size.Y/size.X)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, crop, draw.Src, nil)
	var buf bytes.Buffer
	if isOpaque(img) {
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 90})
		return buf.Bytes(), "jpg", err
	}
	err = png.Encode(&buf, dst)
	return buf.Bytes(), "png", err
}

// centredCrop is the largest rectangle of shape's proportions in the middle of b.
func centredCrop(b image.Rectangle, shape image.Point) image.Rectangle {
	w, h := b.Dx(), b.Dy()
	if w*shape.Y > h*shape.X { // wider than the shape: cut the sides
		w = max(1, h*shape.X/shape.Y)
	} else { // taller: cut top and bottom
		h = max(1, w*shape.Y/shape.X)
	}
	x0, y0 := b.Min.X+(b.Dx()-w)/2, b.Min.Y+(b.Dy()-h)/2
	return image.Rect(x0, y0, x0+w, y0+h)
}
