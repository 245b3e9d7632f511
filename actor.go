package convene

import (
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
)

// MaxNameLength is the longest username or community slug. Both name an actor on this
// domain (@name@domain), so they share one namespace and one rule.
const MaxNameLength = 30

// nameRule is the shape of a username or slug: lowercase letters, digits and underscores,
// with single runs of dots or dashes only between them (Mastodon's and Lemmy's rules agree
// on the characters; the separators keep "a.b" readable without allowing "a." or "-a").
var nameRule = regexp.MustCompile(`^[a-z0-9_]+([.-]+[a-z0-9_]+)*$`)

// NormalizeName lowercases and trims a username or slug, which are unique case-insensitively.
func NormalizeName(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// ValidateName checks a normalized username or community slug; what names the field in
// the message ("username", "slug").
func ValidateName(what, name string) error {
	switch {
	case name == "":
		return Errorf(EINVALID, "%s is required", what)
	case len(name) > MaxNameLength:
		return Errorf(EINVALID, "%s %q is longer than %d characters", what, name, MaxNameLength)
	case !nameRule.MatchString(name):
		return Errorf(EINVALID, "%s %q may contain only a-z, 0-9 and _, with . or - between them", what, name)
	}
	return nil
}

// ActorKind says what a local actor is. Accounts and communities share the name namespace
// and the key storage through it.
type ActorKind string

const (
	ActorPerson ActorKind = "person"
	ActorGroup  ActorKind = "group"
)

// KeyPair is an actor's RSA key pair in PEM. Every actor gets one when it is created; the
// private half stays in the database and is only read back to sign requests.
type KeyPair struct {
	PublicKeyPEM  string
	PrivateKeyPEM PrivateKey
}

// PrivateKey is a PEM-encoded private key. Its String, GoString, LogValue and MarshalJSON
// methods all redact it, so a stray %v, log line or JSON dump cannot leak it.
type PrivateKey string

const redacted = "[redacted]"

func (PrivateKey) String() string               { return redacted }
func (PrivateKey) GoString() string             { return redacted }
func (PrivateKey) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (PrivateKey) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// PEM returns the key itself, for the one caller that signs with it.
func (k PrivateKey) PEM() string { return string(k) }

// Picture names one of a local actor's pictures.
type Picture string

const (
	PictureAvatar Picture = "avatar" // square, shown beside the name (AS2 icon)
	PictureHeader Picture = "header" // wide, across the top of the profile (AS2 image)
)

// Pictures are a local actor's avatar and header: keys of files in the media store, or ""
// for none (apps then show the default). People and communities have them alike.
type Pictures struct {
	AvatarKey string `db:"avatar_key"`
	HeaderKey string `db:"header_key"`
}

// PictureType is the content type of a picture's file: PNG where there was transparency to
// keep, else JPEG (the service writes nothing else).
func PictureType(key string) string {
	if strings.HasSuffix(key, ".png") {
		return "image/png"
	}
	return "image/jpeg"
}

// SetPictureKey makes key the file key of picture p.
func (ps *Pictures) SetPictureKey(p Picture, key string) {
	if p == PictureHeader {
		ps.HeaderKey = key
	} else {
		ps.AvatarKey = key
	}
}

// PictureStore keeps which files are local actors' pictures.
type PictureStore interface {
	// SetActorPicture makes key (or "" for none) the actor's picture p and returns the key it
	// replaces. In a transaction, a concurrent change waits for this one, so that each
	// replaced file is known to exactly one caller.
	SetActorPicture(ctx context.Context, actorID string, p Picture, key string) (string, error)
	// IsActorPicture says whether key is some local actor's picture, for serving it.
	IsActorPicture(ctx context.Context, key string) (bool, error)
}
