package frontend

import (
	"html/template"
	"strings"
	"time"
	"unicode/utf8"
)

// ProfilePage is a person's page at /u/{name}.
type ProfilePage struct {
	Layout
	Username    string
	Handle      string // @name@domain
	Name        string
	Bio         template.HTML // rendered markdown
	Timezone    string
	Since       time.Time
	Communities []ActorLink
	Posts       []ProfilePost
	// Own: the viewer is this person, who gets a link to their settings.
	Own bool
	Pictures
}

func (*ProfilePage) template() string { return "profile" }

// ProfilePost is one of a person's recent posts: a thread by its title, a reply by the
// start of its text.
type ProfilePost struct {
	URL       string
	Title     string
	Excerpt   string
	Reply     bool
	Published time.Time
}

// excerptLength bounds a reply's excerpt on a profile, in characters.
const excerptLength = 160

// Excerpt is the start of stored post HTML as plain text, cut at a word near excerptLength.
func Excerpt(content string) string {
	text := strings.Join(strings.Fields(htmlText(content)), " ")
	if utf8.RuneCountInString(text) <= excerptLength {
		return text
	}
	cut := string([]rune(text)[:excerptLength])
	if i := strings.LastIndexByte(cut, ' '); i > excerptLength/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// SettingsPage is the signed-in person's settings: their profile and their password.
type SettingsPage struct {
	Layout
	Username    string
	DisplayName string
	Bio         string // markdown, as typed
	Timezone    string
	// Discoverable is the "let people find me" choice.
	Discoverable bool
	PictureForms PictureForms
	// Saved names the form that has just been saved ("profile" or "password"); Form the one
	// being shown again with an error, which goes beside that form.
	Saved         string
	Form          string
	ProfileError  string
	PasswordError string
	PicturesError string
}

func (*SettingsPage) template() string { return "settings" }

// Settings forms, as SettingsPage.Form and Saved name them.
const (
	SettingsProfile  = "profile"
	SettingsPassword = "password"
	SettingsPictures = "pictures"
)

// SetError puts a message beside the form that failed.
func (p *SettingsPage) SetError(msg string) {
	switch p.Form {
	case SettingsPassword:
		p.PasswordError = msg
	case SettingsPictures:
		p.PicturesError = msg
	default:
		p.ProfileError = msg
	}
}

// TimeZones are the IANA zone names offered as suggestions for a time zone field: UTC and
// the zones of zone.tab, one per region that has kept its own clock. The service accepts
// any IANA name; this list only helps people find theirs.
func (*SettingsPage) TimeZones() []string { return timeZones }
