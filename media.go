package convene

import (
	"context"
	"io"
	"time"
)

// Media kinds, as Mastodon names them in MediaAttachment.type.
const (
	MediaImage   = "image"
	MediaGIFV    = "gifv"
	MediaVideo   = "video"
	MediaAudio   = "audio"
	MediaUnknown = "unknown"
)

// MaxMediaDescription is the longest alt text, Mastodon's limit.
const MaxMediaDescription = 1500

// MaxPostMedia is how many uploads one local post may carry, as on Mastodon.
const MaxPostMedia = 4

// Media is a file attached (or about to be attached) to a post. A local upload has its
// files in MediaFiles under FileKey and SmallKey; a remote attachment is only its URL
// (RemoteURL), never downloaded.
type Media struct {
	ID          string    `db:"id"`
	AccountID   string    `db:"account_id"` // the local owner; empty for a remote attachment
	PostID      string    `db:"post_id"`    // empty until attached
	Kind        string    `db:"kind"`       // MediaImage, …
	ContentType string    `db:"content_type"`
	Description string    `db:"description"` // alt text, plain
	Blurhash    string    `db:"blurhash"`
	Width       int       `db:"width"`
	Height      int       `db:"height"`
	Size        int64     `db:"size"`
	SmallWidth  int       `db:"small_width"`
	SmallHeight int       `db:"small_height"`
	SmallSize   int64     `db:"small_size"`
	FileKey     string    `db:"file_key"`  // the original (re-encoded) file; empty when remote
	SmallKey    string    `db:"small_key"` // the JPEG preview; empty when remote
	RemoteURL   string    `db:"remote_url"`
	FocusX      float64   `db:"focus_x"` // -1 (left) … 1 (right)
	FocusY      float64   `db:"focus_y"` // -1 (bottom) … 1 (top)
	Position    int       `db:"position"`
	CreatedAt   time.Time `db:"created_at"`
}

// IsRemote reports whether m is another server's file we only link to.
func (m *Media) IsRemote() bool { return m.RemoteURL != "" }

// MediaStore persists attachments.
type MediaStore interface {
	CreateMedia(ctx context.Context, m *Media) error
	FindMedia(ctx context.Context, id string) (*Media, error)
	// FindMediaByFileKey finds the local upload one of whose files (original or small) is key.
	FindMediaByFileKey(ctx context.Context, key string) (*Media, error)
	// FindPostsMedia returns each post's attachments in position order, by post id: one query
	// for a page of posts.
	FindPostsMedia(ctx context.Context, postIDs []string) (map[string][]*Media, error)
	// UpdateMediaDescription writes description and focus.
	UpdateMediaDescription(ctx context.Context, m *Media) error
	// SetPostMedia makes ids (in order) the post's local attachments: each must belong to
	// accountID and be unattached or already the post's (else ECONFLICT). Attachments of the
	// post left out are deleted and returned, for their files to be removed.
	SetPostMedia(ctx context.Context, postID, accountID string, ids []string) ([]*Media, error)
	// DeletePostMedia deletes all of a post's attachments and returns them.
	DeletePostMedia(ctx context.Context, postID string) ([]*Media, error)
	// DetachPostMedia makes a post's local uploads unattached again, as if uploaded at at, so
	// that their owner may attach them to another post before the sweep takes them.
	DetachPostMedia(ctx context.Context, postID string, at time.Time) error
	// DeleteUnattachedMedia deletes uploads never attached and made before the given time, at
	// most limit, and returns them.
	DeleteUnattachedMedia(ctx context.Context, before time.Time, limit int) ([]*Media, error)
}

// MediaFiles keeps uploaded files by key. Keys are made by the service (random, with a
// fixed extension), never taken from a request; implementations refuse anything else.
type MediaFiles interface {
	Put(ctx context.Context, key string, r io.Reader) error
	Open(ctx context.Context, key string) (MediaFile, error)
	// Delete removes a file; a file already gone is not an error.
	Delete(ctx context.Context, key string) error
}

// MediaFile is an open stored file, seekable so that it can serve ranges.
type MediaFile interface {
	io.ReadSeekCloser
	ModTime() time.Time
}
