package mastodon

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

// InstanceV2 is GET /api/v2/instance: Ice Cubes decodes it before it offers to sign in, and
// Elk reads configuration.urls.streaming without a guard (research §1.6).
type InstanceV2 struct {
	Domain        string          `json:"domain"`
	Title         string          `json:"title"`
	Version       string          `json:"version"`
	SourceURL     string          `json:"source_url"`
	Description   string          `json:"description"` // plain text
	Usage         InstanceUsage   `json:"usage"`
	Thumbnail     InstanceImage   `json:"thumbnail"`
	Languages     []string        `json:"languages"`
	Configuration InstanceConfig  `json:"configuration"`
	Registrations RegistrationsV2 `json:"registrations"`
	Contact       InstanceContact `json:"contact"`
	Rules         []Rule          `json:"rules"`
}

// InstanceUsage is how many people used the instance in the last 30 days.
type InstanceUsage struct {
	Users struct {
		ActiveMonth int `json:"active_month"`
	} `json:"users"`
}

// InstanceImage is the instance's picture.
type InstanceImage struct {
	URL string `json:"url"`
}

// InstanceConfig holds the limits clients apply before sending (v2; v1 has a subset).
type InstanceConfig struct {
	URLs             *InstanceURLs   `json:"urls,omitempty"`     // v2 only
	Accounts         *AccountLimits  `json:"accounts,omitempty"` // v2 only
	Statuses         StatusLimits    `json:"statuses"`
	MediaAttachments MediaLimits     `json:"media_attachments"`
	Polls            PollLimits      `json:"polls"`
	Translation      *TranslationCfg `json:"translation,omitempty"` // v2 only
}

// InstanceURLs says where the streaming API is.
type InstanceURLs struct {
	Streaming string `json:"streaming"`
}

// AccountLimits: Tusky requires max_featured_tags whenever accounts is present.
type AccountLimits struct {
	MaxFeaturedTags   int `json:"max_featured_tags"`
	MaxPinnedStatuses int `json:"max_pinned_statuses"`
}

// StatusLimits bound a status; Elk's composer counts against max_characters.
type StatusLimits struct {
	MaxCharacters            int `json:"max_characters"`
	MaxMediaAttachments      int `json:"max_media_attachments"`
	CharactersReservedPerURL int `json:"characters_reserved_per_url"`
}

// MediaLimits bound uploads.
type MediaLimits struct {
	SupportedMIMETypes  []string `json:"supported_mime_types"`
	ImageSizeLimit      int      `json:"image_size_limit"`
	ImageMatrixLimit    int      `json:"image_matrix_limit"`
	VideoSizeLimit      int      `json:"video_size_limit"`
	VideoFrameRateLimit int      `json:"video_frame_rate_limit"`
	VideoMatrixLimit    int      `json:"video_matrix_limit"`
}

// PollLimits bound polls; Ice Cubes requires them whenever configuration is present.
type PollLimits struct {
	MaxOptions             int `json:"max_options"`
	MaxCharactersPerOption int `json:"max_characters_per_option"`
	MinExpiration          int `json:"min_expiration"`
	MaxExpiration          int `json:"max_expiration"`
}

// TranslationCfg says whether the server translates statuses.
type TranslationCfg struct {
	Enabled bool `json:"enabled"`
}

// RegistrationsV2 says whether and how people sign up.
type RegistrationsV2 struct {
	Enabled          bool    `json:"enabled"`
	ApprovalRequired bool    `json:"approval_required"`
	Message          *string `json:"message"`
	URL              *string `json:"url"`
}

// InstanceContact is who runs the instance; Ice Cubes requires email to be a string.
type InstanceContact struct {
	Email   string   `json:"email"`
	Account *Account `json:"account"`
}

// InstanceV1 is GET /api/v1/instance: toot derives the domain from uri, and the official
// Android app refuses a server whose v1 instance fails.
type InstanceV1 struct {
	URI              string `json:"uri"`
	Title            string `json:"title"`
	ShortDescription string `json:"short_description"` // plain text
	Description      string `json:"description"`       // HTML
	Email            string `json:"email"`
	Version          string `json:"version"`
	URLs             struct {
		StreamingAPI string `json:"streaming_api"`
	} `json:"urls"`
	Stats struct {
		UserCount   int `json:"user_count"`
		StatusCount int `json:"status_count"`
		DomainCount int `json:"domain_count"`
	} `json:"stats"`
	Thumbnail        string         `json:"thumbnail"`
	Languages        []string       `json:"languages"`
	Registrations    bool           `json:"registrations"`
	ApprovalRequired bool           `json:"approval_required"`
	InvitesEnabled   bool           `json:"invites_enabled"`
	Configuration    InstanceConfig `json:"configuration"`
	ContactAccount   *Account       `json:"contact_account"`
	Rules            []Rule         `json:"rules"`
}

// sourceURL is where Convene's source lives (as NodeInfo says).
const sourceURL = "https://github.com/convene-social/convene"

// CompatibleVersion is the version Mastodon clients see (research §1.7): 4.2.0 turns on edits
// (Ice Cubes ≥ 3.5) and filters v2 (≥ 4) but not grouped notifications (≥ 4.3), which
// Convene does not serve; api_versions is left out for the same reason.
func CompatibleVersion(convene string) string {
	return "4.2.0 (compatible; Convene " + convene + ")"
}

// InstanceInfo is what the instance documents show, gathered from the service.
type InstanceInfo struct {
	Settings convene.InstanceSettings // with the registration mode in force
	Usage    service.Usage
	Contact  *Account // an admin; nil before there is one
	Version  string   // Convene's own version
}

// streamingURL is the WebSocket root: wss:// for an https instance, ws:// for plain http.
func (c Converter) streamingURL() string {
	if rest, ok := strings.CutPrefix(c.iris.Base(), "http://"); ok {
		return "ws://" + rest
	}
	return "wss://" + c.iris.Domain()
}

func (c Converter) instanceTitle(set convene.InstanceSettings) string {
	if set.Name != "" {
		return set.Name
	}
	return c.iris.Domain()
}

// configuration is Convene's real limits. Images only (video and audio would need
// transcoding), so the video limits are zero; polls are what the service enforces.
func configuration() InstanceConfig {
	return InstanceConfig{
		Statuses: StatusLimits{
			MaxCharacters: service.MaxStatusCharacters,
			// Convene counts a link at its full length; Mastodon's 23 is what clients expect
			// here, and with a 20,000-character limit the difference never decides a post.
			CharactersReservedPerURL: 23,
			MaxMediaAttachments:      convene.MaxPostMedia,
		},
		MediaAttachments: MediaLimits{SupportedMIMETypes: append([]string{}, service.SupportedMediaTypes...),
			ImageSizeLimit: service.ImageSizeLimit, ImageMatrixLimit: service.ImageMatrixLimit},
		Polls: PollLimits{MaxOptions: convene.PollMaxOptions, MaxCharactersPerOption: convene.PollMaxOptionChars,
			MinExpiration: int(convene.PollMinExpiration.Seconds()), MaxExpiration: int(convene.PollMaxExpiration.Seconds())},
	}
}

// InstanceV2 builds the v2 instance document.
func (c Converter) InstanceV2(in InstanceInfo) InstanceV2 {
	out := InstanceV2{
		Domain: c.iris.Domain(), Title: c.instanceTitle(in.Settings), Version: CompatibleVersion(in.Version),
		SourceURL: sourceURL, Description: in.Settings.Description, Thumbnail: InstanceImage{URL: c.header},
		Languages: []string{"en"}, Configuration: configuration(), Rules: []Rule{},
		Registrations: RegistrationsV2{
			Enabled:          in.Settings.Registration != convene.RegistrationClosed,
			ApprovalRequired: in.Settings.Registration == convene.RegistrationApproval,
		},
		Contact: InstanceContact{Account: in.Contact},
	}
	out.Usage.Users.ActiveMonth = in.Usage.ActiveMonth
	out.Configuration.URLs = &InstanceURLs{Streaming: c.streamingURL()}
	out.Configuration.Accounts = &AccountLimits{}
	out.Configuration.Translation = &TranslationCfg{}
	return out
}

// InstanceV1 builds the v1 instance document.
func (c Converter) InstanceV1(in InstanceInfo) InstanceV1 {
	out := InstanceV1{
		URI: c.iris.Domain(), Title: c.instanceTitle(in.Settings), ShortDescription: in.Settings.Description,
		Description: service.RenderMarkdown(in.Settings.Description), Version: CompatibleVersion(in.Version),
		Thumbnail: c.header, Languages: []string{"en"},
		Registrations:    in.Settings.Registration != convene.RegistrationClosed,
		ApprovalRequired: in.Settings.Registration == convene.RegistrationApproval,
		Configuration:    configuration(), ContactAccount: in.Contact, Rules: []Rule{},
	}
	out.URLs.StreamingAPI = c.streamingURL()
	out.Stats.UserCount, out.Stats.StatusCount, out.Stats.DomainCount = in.Usage.Users, in.Usage.LocalPosts, in.Usage.Domains
	return out
}

// InstanceDeps is what the instance endpoints need; the router passes it explicitly.
type InstanceDeps struct {
	Service   *service.Service
	Converter Converter
	Version   string // Convene's version
	Logger    *slog.Logger
}

// instanceInfo gathers the instance documents' data, all of it public.
func instanceInfo(ctx context.Context, d InstanceDeps) (InstanceInfo, error) {
	in := InstanceInfo{Version: d.Version}
	var err error
	if in.Settings, err = d.Service.InstanceSettings(ctx); err != nil {
		return in, err
	}
	if in.Usage, err = d.Service.Usage(ctx); err != nil {
		return in, err
	}
	admin, err := d.Service.InstanceContact(ctx)
	switch {
	case convene.ErrorCode(err) == convene.ENOTFOUND:
		return in, nil
	case err != nil:
		return in, err
	}
	st, err := d.Service.AccountStats(ctx, admin)
	if err != nil {
		return in, err
	}
	a := d.Converter.LocalAccount(admin, st)
	in.Contact = &a
	return in, nil
}

// InstanceV2Handler serves GET /api/v2/instance, anonymously.
func InstanceV2Handler(d InstanceDeps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, err := instanceInfo(r.Context(), d)
		if err != nil {
			entityError(w, r, d.Logger, err)
			return
		}
		_ = writeJSONBody(w, http.StatusOK, d.Converter.InstanceV2(in))
	}
}

// InstanceV1Handler serves GET /api/v1/instance, anonymously.
func InstanceV1Handler(d InstanceDeps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, err := instanceInfo(r.Context(), d)
		if err != nil {
			entityError(w, r, d.Logger, err)
			return
		}
		_ = writeJSONBody(w, http.StatusOK, d.Converter.InstanceV1(in))
	}
}

// CustomEmojisHandler serves GET /api/v1/custom_emojis: Convene has no custom emojis, and
// Elk's and Phanpy's composers are content with an empty list.
func CustomEmojisHandler(w http.ResponseWriter, r *http.Request) {
	_ = writeJSONBody(w, http.StatusOK, []Emoji{})
}

// entityError answers a failed read of the instance endpoints: logged, and a JSON 500.
func entityError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if log == nil {
		log = slog.Default()
	}
	log.ErrorContext(r.Context(), "mastodon instance", "err", err, "path", r.URL.Path)
	_ = writeJSONBody(w, http.StatusInternalServerError, Error{Error: "Internal error."})
}
