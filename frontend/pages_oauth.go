package frontend

import "net/url"

// OAuthAuthorizePage asks a signed-in member whether an app may use their account
// (/oauth/authorize), or, after they allowed an app with no redirect (OOB), shows the code
// to copy into it.
type OAuthAuthorizePage struct {
	Layout
	AppName string
	Website string
	Scopes  []string // what the app asks for, in plain words
	// The request, sent back with the decision.
	ClientID            string
	RedirectURI         string
	ResponseType        string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
	// Code is the authorization code to copy, once approved (OOB only).
	Code string
}

func (*OAuthAuthorizePage) template() string { return "oauth_authorize" }

// SwitchAccountURL is this request again with force_login, which signs the viewer out first.
func (p *OAuthAuthorizePage) SwitchAccountURL() string {
	q := url.Values{"client_id": {p.ClientID}, "redirect_uri": {p.RedirectURI}, "response_type": {p.ResponseType},
		"force_login": {"true"}}
	for k, v := range map[string]string{"scope": p.Scope, "state": p.State, "code_challenge": p.CodeChallenge,
		"code_challenge_method": p.CodeChallengeMethod} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "/oauth/authorize?" + q.Encode()
}

// scopeWords say what each scope lets an app do.
var scopeWords = map[string]string{
	"read":                "read everything your account can see: discussions, events, notifications, whom you follow",
	"write":               "post, reply, like, share, follow and change your profile for you",
	"follow":              "follow, block and mute accounts, and see whom you follow, block and mute",
	"push":                "send notifications to your device",
	"profile":             "see your profile (your name and picture) only",
	"read:accounts":       "see accounts and your profile",
	"read:blocks":         "see whom you block",
	"read:bookmarks":      "see your bookmarks",
	"read:favourites":     "see what you liked",
	"read:filters":        "see your filters",
	"read:follows":        "see whom you follow",
	"read:lists":          "see your lists",
	"read:mutes":          "see whom you mute",
	"read:notifications":  "see your notifications",
	"read:search":         "search for you",
	"read:statuses":       "see discussions, replies and events",
	"write:accounts":      "change your profile",
	"write:blocks":        "block accounts and domains",
	"write:bookmarks":     "bookmark posts",
	"write:conversations": "mute and delete conversations",
	"write:favourites":    "like posts",
	"write:filters":       "change your filters",
	"write:follows":       "follow and unfollow accounts and communities",
	"write:lists":         "change your lists",
	"write:media":         "upload pictures and files",
	"write:mutes":         "mute accounts and conversations",
	"write:notifications": "dismiss your notifications",
	"write:reports":       "report posts and accounts",
	"write:statuses":      "post, reply, share and delete posts",
}

// ScopeWords describes scopes in plain words, each one line.
func ScopeWords(scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if w, ok := scopeWords[s]; ok {
			out = append(out, w)
		} else {
			out = append(out, s)
		}
	}
	return out
}
