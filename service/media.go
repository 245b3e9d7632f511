package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// MediaUpload is a file a member uploads before attaching it to a post.
type MediaUpload struct {
	File        io.Reader
	Description string // alt text
	Focus       string // "x,y", each -1…1; empty for the centre
}

// MediaEdit changes the fields that are not nil.
type MediaEdit struct {
	Description *string
	Focus       *string
}

// UploadMedia processes and stores an image the principal will attach to a post: it comes
// back with its URLs ready, since images are processed at once.
func (s *Service) UploadMedia(ctx context.Context, in MediaUpload) (*convene.Media, error) {
	a, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.allowUpload(a); err != nil {
		return nil, err
	}
	now := s.timestamp()
	m := &convene.Media{ID: convene.NewIDAt(now), AccountID: a.ID, CreatedAt: now}
	if err := setMediaText(m, MediaEdit{Description: &in.Description, Focus: &in.Focus}); err != nil {
		return nil, err
	}
	img, err := s.processImage(ctx, in.File)
	if err != nil {
		return nil, err
	}
	m.Kind, m.ContentType, m.Blurhash = img.kind, img.contentType, img.blurhash
	m.Width, m.Height, m.Size = img.width, img.height, int64(len(img.original))
	m.SmallWidth, m.SmallHeight, m.SmallSize = img.smallW, img.smallH, int64(len(img.small))
	m.FileKey, m.SmallKey = newFileKey(img.ext), newFileKey("jpg")
	if err := s.storeFiles(ctx, m, img); err != nil {
		return nil, err
	}
	return m, nil
}

// allowUpload checks that the server keeps uploads and that uploader has not made too many
// lately (Mastodon's 30 in 30 minutes).
func (s *Service) allowUpload(uploader *convene.Account) error {
	if s.files == nil {
		return convene.Errorf(convene.EINVALID, "this server does not accept uploads")
	}
	if ok, until := s.uploadsByAccount.allow(uploader.ID, s.now()); !ok {
		return convene.Errorf(convene.ETOOMANY, "too many uploads: try again after %s", until.UTC().Format("15:04 UTC"))
	}
	return nil
}

// processImage processes an upload once one of the few image slots is free.
func (s *Service) processImage(ctx context.Context, r io.Reader) (img *processedImage, err error) {
	err = s.withImageSlot(ctx, func() error {
		img, err = processImage(r)
		return err
	})
	return img, err
}

// withImageSlot runs decode once one of the few image slots is free: a picture at the pixel
// limit takes hundreds of megabytes while it is worked on.
func (s *Service) withImageSlot(ctx context.Context, decode func() error) error {
	select {
	case s.imageSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.imageSlots }()
	return decode()
}

// storeFiles writes an upload's files, then its row; on failure nothing is left behind.
func (s *Service) storeFiles(ctx context.Context, m *convene.Media, img *processedImage) error {
	err := s.files.Put(ctx, m.FileKey, bytes.NewReader(img.original))
	if err == nil {
		err = s.files.Put(ctx, m.SmallKey, bytes.NewReader(img.small))
	}
	if err == nil {
		err = s.store.CreateMedia(ctx, m)
	}
	if err != nil {
		s.removeFiles(ctx, []*convene.Media{m})
	}
	return err
}

// newFileKey is a random file name: unguessable, so that the URL of an upload not yet
// posted, or of a community-only post's picture, cannot be found by counting.
func newFileKey(ext string) string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)) + "." + ext
}

// setMediaText applies alt text and focus, validated.
func setMediaText(m *convene.Media, e MediaEdit) error {
	if e.Description != nil {
		d, err := validateText("description", *e.Description, convene.MaxMediaDescription, false)
		if err != nil {
			return err
		}
		m.Description = d
	}
	if e.Focus != nil {
		x, y, err := parseFocus(*e.Focus)
		if err != nil {
			return err
		}
		m.FocusX, m.FocusY = x, y
	}
	return nil
}

// parseFocus reads Mastodon's focal point "x,y", each between -1 and 1.
func parseFocus(s string) (float64, float64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, 0, nil
	}
	xs, ys, ok := strings.Cut(s, ",")
	x, errX := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if !ok || errX != nil || errY != nil || math.Abs(x) > 1 || math.Abs(y) > 1 {
		return 0, 0, convene.Errorf(convene.EINVALID, "focus %q must be two numbers from -1 to 1, like 0.5,-0.2", s)
	}
	return x, y, nil
}

// OwnMedia returns one of the principal's uploads; anyone else's is not found.
func (s *Service) OwnMedia(ctx context.Context, id string) (*convene.Media, error) {
	a, err := s.postingAccount(ctx)
	if err != nil {
		return nil, err
	}
	m, err := s.store.FindMedia(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.AccountID != a.ID {
		return nil, convene.Errorf(convene.ENOTFOUND, "media not found")
	}
	return m, nil
}

// UpdateMedia changes an upload's alt text or focus before it is posted; afterwards the
// post's edit does that, as on Mastodon.
func (s *Service) UpdateMedia(ctx context.Context, id string, e MediaEdit) (*convene.Media, error) {
	m, err := s.OwnMedia(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.PostID != "" {
		return nil, convene.Errorf(convene.EINVALID, "this file is already posted: edit the post instead")
	}
	if err := setMediaText(m, e); err != nil {
		return nil, err
	}
	return m, s.store.UpdateMediaDescription(ctx, m)
}

// MediaFile opens a stored file by key, with its content type.
func (s *Service) MediaFile(ctx context.Context, key string) (convene.MediaFile, string, error) {
	if s.files == nil {
		return nil, "", convene.Errorf(convene.ENOTFOUND, "no such file")
	}
	contentType, err := s.fileType(ctx, key)
	if err != nil {
		return nil, "", err
	}
	f, err := s.files.Open(ctx, key)
	if err != nil {
		return nil, "", err
	}
	return f, contentType, nil
}

// fileType is the content type of a stored file: a post's attachment or its preview, or a
// person's or community's picture. ENOTFOUND for anything else, such as a file whose row is
// gone.
func (s *Service) fileType(ctx context.Context, key string) (string, error) {
	m, err := s.store.FindMediaByFileKey(ctx, key)
	if err == nil {
		if key == m.SmallKey {
			return "image/jpeg", nil
		}
		return m.ContentType, nil
	}
	if convene.ErrorCode(err) != convene.ENOTFOUND {
		return "", err
	}
	picture, err := s.store.IsActorPicture(ctx, key)
	if err != nil || !picture {
		return "", firstErr(err, convene.Errorf(convene.ENOTFOUND, "no such file"))
	}
	return convene.PictureType(key), nil
}

// unattachedMediaLifetime is how long an upload may wait to be posted.
const unattachedMediaLifetime = 24 * time.Hour

// SweepMedia deletes uploads never posted within a day, with their files, and says how
// many; run it periodically.
func (s *Service) SweepMedia(ctx context.Context) (int, error) {
	const batch = 100
	total := 0
	for {
		removed, err := s.store.DeleteUnattachedMedia(ctx, s.timestamp().Add(-unattachedMediaLifetime), batch)
		if err != nil {
			return total, err
		}
		s.removeFiles(ctx, removed)
		total += len(removed)
		if len(removed) < batch {
			return total, nil
		}
	}
}

// removeFiles deletes the files of media whose rows are gone. A file that cannot be deleted
// is logged and left: nothing links to it any more.
func (s *Service) removeFiles(ctx context.Context, list []*convene.Media) {
	if s.files == nil {
		return
	}
	for _, m := range list {
		for _, key := range []string{m.FileKey, m.SmallKey} {
			if key == "" {
				continue
			}
			s.deleteFile(ctx, key)
		}
	}
}

// checkAttachable checks media ids a local author wants on a post: at most MaxPostMedia,
// no repeats, each the author's own and not on another post. postID is the post being
// edited, or "" for a new one.
func (s *Service) checkAttachable(ctx context.Context, author *convene.Account, postID string, ids []string) error {
	if len(ids) > convene.MaxPostMedia {
		return convene.Errorf(convene.EINVALID, "a post may carry at most %d files", convene.MaxPostMedia)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return convene.Errorf(convene.EINVALID, "file %s is listed twice", id)
		}
		seen[id] = true
		m, err := s.store.FindMedia(ctx, id)
		if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && m.AccountID != author.ID) {
			return convene.Errorf(convene.EINVALID, "file %s is not one of your uploads", id)
		}
		if err != nil {
			return err
		}
		if m.PostID != "" && m.PostID != postID {
			return convene.Errorf(convene.EINVALID, "file %s is already attached to another post", id)
		}
	}
	return nil
}

// attachMedia makes ids a local post's attachments within tx and returns those it
// dropped, whose files go once the transaction commits.
func attachMedia(ctx context.Context, tx convene.Store, p *convene.Post, ids []string) ([]*convene.Media, error) {
	removed, err := tx.SetPostMedia(ctx, p.ID, p.AccountID, ids)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return nil, convene.Errorf(convene.EINVALID, "a file was attached elsewhere meanwhile: upload it again")
	}
	return removed, err
}

// PostsMedia returns the attachments of posts the caller already may see, by post id, in
// one query: for pages that show posts without the rest of PostViews.
func (s *Service) PostsMedia(ctx context.Context, posts []*convene.Post) (map[string][]*convene.Media, error) {
	ids := make([]string, 0, len(posts))
	for _, p := range posts {
		if p.DeletedAt == nil { // a deleted post keeps its place, not its files
			ids = append(ids, p.ID)
		}
	}
	return s.store.FindPostsMedia(ctx, ids)
}

// checkDescriptions validates alt texts given with a post's edit.
func checkDescriptions(descs map[string]string) error {
	for id, d := range descs {
		text, err := validateText("description", d, convene.MaxMediaDescription, false)
		if err != nil {
			return err
		}
		descs[id] = text
	}
	return nil
}

// describeMedia sets the alt text of a post's files within tx; other ids are ignored.
func describeMedia(ctx context.Context, tx convene.Store, postID string, descs map[string]string) error {
	for id, d := range descs {
		m, err := tx.FindMedia(ctx, id)
		if convene.ErrorCode(err) == convene.ENOTFOUND || (err == nil && m.PostID != postID) {
			continue
		}
		if err != nil {
			return err
		}
		m.Description = d
		if err := tx.UpdateMediaDescription(ctx, m); err != nil {
			return err
		}
	}
	return nil
}
