package mastodon

import (
	"encoding/json"
	"fmt"
	"time"
)

// The Mastodon client API's entities, with the fields the strictest clients (Tusky's Moshi,
// Ice Cubes' Codable) require; research/mastodon-client-api.md §3 lists them. Wire rules:
// ids are strings, lists are [] and never null (the converters always make them), numbers and
// booleans are JSON numbers and booleans, datetimes have exactly three fractional digits.
//
// Where the ids come from: Account.id is accounts.id for a person here, communities.id for a
// community here, remote_actors.id for an actor elsewhere; Status.id is posts.id for a thread
// or reply and events.id for an event; Notification.id is notifications.id. All are ULIDs:
// fixed width and sorting by creation time, as Tusky and Ice Cubes compare them as strings.

// timeLayout is how Mastodon writes datetimes; Ice Cubes parses exactly three fractional
// digits and silently takes "now" for anything else.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Time is a datetime that marshals as "2026-01-02T03:04:05.678Z", always in UTC.
type Time struct{ time.Time }

// NewTime wraps t.
func NewTime(t time.Time) Time { return Time{t} }

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format(timeLayout) + `"`), nil
}

// UnmarshalJSON accepts any RFC 3339 datetime.
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("datetime %q: %w", s, err)
	}
	t.Time = v
	return nil
}

// NullTime is a datetime that may be null (Status.edited_at, for one).
type NullTime struct {
	Time  time.Time
	Valid bool
}

// NullTimeOf is null for a nil t.
func NullTimeOf(t *time.Time) NullTime {
	if t == nil {
		return NullTime{}
	}
	return NullTime{Time: *t, Valid: true}
}

// MarshalJSON implements json.Marshaler.
func (t NullTime) MarshalJSON() ([]byte, error) {
	if !t.Valid {
		return []byte("null"), nil
	}
	return Time{t.Time}.MarshalJSON()
}

// NullDate is a calendar date ("2026-01-02") or null: Account.last_status_at.
type NullDate struct {
	Time  time.Time
	Valid bool
}

// MarshalJSON implements json.Marshaler.
func (d NullDate) MarshalJSON() ([]byte, error) {
	if !d.Valid {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Time.UTC().Format(time.DateOnly) + `"`), nil
}

// Account is a person or a community (group: true), here or elsewhere.
type Account struct {
	ID             string   `json:"id"`
	Username       string   `json:"username"`
	Acct           string   `json:"acct"` // username here, username@domain elsewhere
	DisplayName    string   `json:"display_name"`
	Locked         bool     `json:"locked"` // follows need approval
	Bot            bool     `json:"bot"`
	Group          bool     `json:"group"`
	Discoverable   *bool    `json:"discoverable"`
	Indexable      bool     `json:"indexable"`
	CreatedAt      Time     `json:"created_at"`
	Note           string   `json:"note"` // HTML
	URL            string   `json:"url"`
	URI            string   `json:"uri"` // the ActivityPub id
	Avatar         string   `json:"avatar"`
	AvatarStatic   string   `json:"avatar_static"`
	Header         string   `json:"header"`
	HeaderStatic   string   `json:"header_static"`
	FollowersCount int      `json:"followers_count"`
	FollowingCount int      `json:"following_count"`
	StatusesCount  int      `json:"statuses_count"`
	LastStatusAt   NullDate `json:"last_status_at"`
	Emojis         []Emoji  `json:"emojis"`
	Fields         []Field  `json:"fields"`
}

// CredentialAccount is the signed-in account as verify_credentials returns it.
type CredentialAccount struct {
	Account
	Source Source `json:"source"`
}

// Source is what the signed-in person typed, for the composer's defaults and profile editing.
type Source struct {
	Privacy             string  `json:"privacy"` // default visibility of new statuses
	Sensitive           bool    `json:"sensitive"`
	Language            string  `json:"language"`
	Note                string  `json:"note"` // the bio as typed (markdown)
	Fields              []Field `json:"fields"`
	FollowRequestsCount int     `json:"follow_requests_count"`
	// Discoverable and Indexable are the same choice here, the profile editor's switches.
	Discoverable bool `json:"discoverable"`
	Indexable    bool `json:"indexable"`
}

// Field is a profile metadata row.
type Field struct {
	Name       string   `json:"name"`
	Value      string   `json:"value"` // HTML
	VerifiedAt NullTime `json:"verified_at"`
}

// Emoji is a custom emoji; Convene has none yet, but lists of them appear on several entities.
type Emoji struct {
	Shortcode       string `json:"shortcode"`
	URL             string `json:"url"`
	StaticURL       string `json:"static_url"`
	VisibleInPicker bool   `json:"visible_in_picker"`
	Category        string `json:"category,omitempty"`
}

// Status is a thread, a reply or an event, or a boost of one (Reblog set).
type Status struct {
	ID                 string            `json:"id"`
	URI                string            `json:"uri"`
	URL                *string           `json:"url"`
	CreatedAt          Time              `json:"created_at"`
	EditedAt           NullTime          `json:"edited_at"`
	Account            Account           `json:"account"`
	Content            string            `json:"content"` // sanitized HTML
	Visibility         string            `json:"visibility"`
	Sensitive          bool              `json:"sensitive"`
	SpoilerText        string            `json:"spoiler_text"`
	MediaAttachments   []MediaAttachment `json:"media_attachments"`
	Mentions           []Mention         `json:"mentions"`
	Tags               []Tag             `json:"tags"`
	Emojis             []Emoji           `json:"emojis"`
	ReblogsCount       int               `json:"reblogs_count"`
	FavouritesCount    int               `json:"favourites_count"`
	RepliesCount       int               `json:"replies_count"`
	InReplyToID        *string           `json:"in_reply_to_id"`
	InReplyToAccountID *string           `json:"in_reply_to_account_id"`
	Reblog             *Status           `json:"reblog"`
	Poll               *Poll             `json:"poll"`
	Card               *PreviewCard      `json:"card"`
	Language           *string           `json:"language"`
	Favourited         bool              `json:"favourited"`
	Reblogged          bool              `json:"reblogged"`
	Muted              bool              `json:"muted"`
	Bookmarked         bool              `json:"bookmarked"`
	Pinned             bool              `json:"pinned"`
	// Text is the markdown source, sent only in the answer to a delete (for delete-and-redraft).
	Text *string `json:"text,omitempty"`
}

// Mention is an account a status mentions.
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

// Tag is a hashtag a status carries.
type Tag struct {
	Name string `json:"name"` // without '#'
	URL  string `json:"url"`
}

// MediaAttachment is a file attached to a status, or an upload about to be.
type MediaAttachment struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"` // image, gifv, video, audio, unknown
	URL         *string   `json:"url"`
	PreviewURL  *string   `json:"preview_url"`
	RemoteURL   *string   `json:"remote_url"` // the file on its own server; null for ours
	TextURL     *string   `json:"text_url"`   // always null (a retired Mastodon field)
	Meta        MediaMeta `json:"meta"`
	Description *string   `json:"description"`
	Blurhash    *string   `json:"blurhash"`
}

// MediaMeta holds a file's sizes and focal point; what is unknown is left out.
type MediaMeta struct {
	Original *MediaSize  `json:"original,omitempty"`
	Small    *MediaSize  `json:"small,omitempty"`
	Focus    *MediaFocus `json:"focus,omitempty"`
}

// MediaSize is one rendition's size; Size is "WIDTHxHEIGHT" as Mastodon writes it.
type MediaSize struct {
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Size   string  `json:"size"`
	Aspect float64 `json:"aspect"`
}

// MediaFocus is the focal point clients crop around, each coordinate -1…1.
type MediaFocus struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// PreviewCard is the link preview under a status; an event's status links its page this way.
type PreviewCard struct {
	URL          string  `json:"url"`
	Title        string  `json:"title"`
	Description  string  `json:"description"`
	Type         string  `json:"type"` // link, photo, video, rich
	AuthorName   string  `json:"author_name"`
	AuthorURL    string  `json:"author_url"`
	ProviderName string  `json:"provider_name"`
	ProviderURL  string  `json:"provider_url"`
	HTML         string  `json:"html"`
	Width        int     `json:"width"`
	Height       int     `json:"height"`
	Image        *string `json:"image"`
	EmbedURL     string  `json:"embed_url"`
	Blurhash     *string `json:"blurhash"`
}

// Notification tells the signed-in account that something happened.
type Notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt Time    `json:"created_at"`
	Account   Account `json:"account"`
	Status    *Status `json:"status,omitempty"` // for status-bearing types
}

// Relationship is how the signed-in account and another one stand.
type Relationship struct {
	ID                  string    `json:"id"`
	Following           bool      `json:"following"`
	ShowingReblogs      bool      `json:"showing_reblogs"`
	Notifying           bool      `json:"notifying"`
	FollowedBy          bool      `json:"followed_by"`
	Blocking            bool      `json:"blocking"`
	BlockedBy           bool      `json:"blocked_by"`
	Muting              bool      `json:"muting"`
	MutingNotifications bool      `json:"muting_notifications"`
	Requested           bool      `json:"requested"`
	RequestedBy         bool      `json:"requested_by"`
	DomainBlocking      bool      `json:"domain_blocking"`
	Endorsed            bool      `json:"endorsed"`
	Note                string    `json:"note"`
	Languages           *[]string `json:"languages"`
}

// Context is the thread around a status: ancestors oldest first, then descendants.
type Context struct {
	Ancestors   []Status `json:"ancestors"`
	Descendants []Status `json:"descendants"`
}

// Rule is one of the instance's rules.
type Rule struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Hint string `json:"hint"`
}

// Marker is where the signed-in account stopped reading a timeline.
type Marker struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  Time   `json:"updated_at"`
}

// Preferences are the signed-in account's preferences, keyed like
// "posting:default:visibility"; values are strings, booleans or null.
type Preferences map[string]any

// Application is an OAuth client as POST /api/v1/apps returns it.
type Application struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Website      *string  `json:"website"`
	Scopes       []string `json:"scopes"`
	RedirectURI  string   `json:"redirect_uri"` // the redirect URIs, one per line
	RedirectURIs []string `json:"redirect_uris"`
	ClientID     string   `json:"client_id,omitempty"`
	ClientSecret string   `json:"client_secret,omitempty"`
	VapidKey     string   `json:"vapid_key"` // empty until Web Push exists; Elk reads it
}

// Token is an issued access token. Tokens do not expire.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"` // "Bearer"
	Scope       string `json:"scope"`
	CreatedAt   int64  `json:"created_at"` // Unix seconds
}

// Error is every error answer; OAuth errors add a description.
type Error struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}
