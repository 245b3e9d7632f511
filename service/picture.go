package service

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"maps"
	"slices"
	"time"

	"golang.org/x/image/draw"

	"github.com/convene-social/convene"
)

// pictureSizes are the pictures' shapes and largest sizes, Mastodon's: apps lay them out so.
var pictureSizes = map[convene.Picture]image.Point{
	convene.PictureAvatar: {X: 400, Y: 400},
	convene.PictureHeader: {X: 1500, Y: 500},
}

// SetCommunityPicture makes an upload a community's avatar or header, or removes it when
// file is nil. Its moderators and instance staff may.
func (s *Service) SetCommunityPicture(ctx context.Context, slug string, p convene.Picture, file io.Reader) (*convene.Community, error) {
	c, err := s.moderatedCommunity(ctx, slug)
	if err != nil {
		return nil, err
	}
	err = s.changePictures(ctx, c.ID, &c.Pictures, map[convene.Picture]io.Reader{p: file}, s.iris.Group(c.Slug), nil)
	if err != nil {
		return nil, fmt.Errorf("set %s: %w", p, err)
	}
	return c, nil
}

// changePictures stores the uploads and makes them the actor's pictures, in ps too, all or
// nothing. Whoever follows publish (the actor's IRI, "" for an actor not yet published)
// hears of it in an Update when a picture changed, or when also (run in the same
// transaction, after the pictures) reports a change of its own. Files left unused are
// deleted: the new ones on failure, else the replaced ones.
func (s *Service) changePictures(ctx context.Context, actorID string, ps *convene.Pictures, uploads map[convene.Picture]io.Reader,
	publish string, also func(tx convene.Store) (bool, error)) error {
	keys, err := s.storePictures(ctx, uploads)
	if err != nil {
		return err
	}
	var replaced []string
	defer s.notifyOutbox()
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		changed := false
		if also != nil {
			var err error
			if changed, err = also(tx); err != nil {
				return err
			}
		}
		var err error
		if replaced, err = swapPictures(ctx, tx, actorID, ps, keys); err != nil {
			return err
		}
		if publish == "" || (!changed && len(replaced) == 0) {
			return nil
		}
		return tx.EnqueueActivity(ctx, s.actorUpdate(publish, s.timestamp()))
	})
	s.settlePictures(ctx, err, keys, replaced)
	return err
}

// storePictures processes and stores the uploads of a picture change, and returns the new
// keys by picture ("" where the picture is to be removed). On failure none is left stored.
func (s *Service) storePictures(ctx context.Context, uploads map[convene.Picture]io.Reader) (map[convene.Picture]string, error) {
	for p := range uploads {
		if _, ok := pictureSizes[p]; !ok {
			return nil, convene.Errorf(convene.EINVALID, "there is no picture %q: only avatar and header", p)
		}
	}
	keys := make(map[convene.Picture]string, len(uploads))
	for _, p := range []convene.Picture{convene.PictureAvatar, convene.PictureHeader} {
		file, ok := uploads[p]
		if !ok {
			continue
		}
		keys[p] = ""
		if file == nil {
			continue
		}
		key, err := s.storePicture(ctx, p, file)
		if err != nil {
			s.settlePictures(ctx, err, keys, nil)
			return nil, err
		}
		keys[p] = key
	}
	return keys, nil
}

// swapPictures makes keys the actor's pictures, in ps too, and returns the keys of the
// files they replace (pictures that do not change are left out).
func swapPictures(ctx context.Context, tx convene.Store, actorID string, ps *convene.Pictures, keys map[convene.Picture]string) ([]string, error) {
	var replaced []string
	for p, key := range keys {
		old, err := tx.SetActorPicture(ctx, actorID, p, key)
		if err != nil {
			return nil, err
		}
		ps.SetPictureKey(p, key)
		if old != key {
			replaced = append(replaced, old)
		}
	}
	return replaced, nil
}

// settlePictures deletes the files a picture change leaves unused: the new ones when it
// failed (err), else the ones it replaced.
func (s *Service) settlePictures(ctx context.Context, err error, keys map[convene.Picture]string, replaced []string) {
	unused := replaced
	if err != nil {
		unused = slices.Collect(maps.Values(keys))
	}
	for _, key := range unused {
		if key != "" {
			s.deleteFile(ctx, key)
		}
	}
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
	if err := s.allowUpload(uploader); err != nil {
		return "", err
	}
	var data []byte
	var ext string
	err = s.withImageSlot(ctx, func() (err error) {
		data, ext, err = processPicture(file, pictureSizes[p])
		return err
	})
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
// says, crops its middle to size's shape and scales it down to at most size, never up.
// Everything but the pixels is dropped (an animated GIF keeps its first frame): PNG when
// there is transparency to keep, else JPEG.
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
