package federation

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/convene-social/convene"
)

// actorDoc is what we read from a remote actor document.
type actorDoc struct {
	ID                string   `json:"id"`
	Type              typeName `json:"type"`
	PreferredUsername string   `json:"preferredUsername"`
	Name              string   `json:"name"`
	Inbox             string   `json:"inbox"`
	SharedInbox       string   `json:"sharedInbox"`
	Followers         string   `json:"followers"`
	URL               ref      `json:"url"`
	Endpoints         struct {
		SharedInbox string `json:"sharedInbox"`
	} `json:"endpoints"`
	PublicKey        keyRef `json:"publicKey"`
	ManuallyApproves bool   `json:"manuallyApprovesFollowers"`
	// The profile (remote_profile.go), read leniently: a bad one costs only itself.
	Icon    json.RawMessage `json:"icon"`
	Image   json.RawMessage `json:"image"`
	Summary jsonText        `json:"summary"`
}

// keyRef is a publicKey property: one key object, or a list of them (we take the first
// owned by the actor).
type keyRef struct {
	ID    string `json:"id"`
	Owner string `json:"owner"`
	PEM   string `json:"publicKeyPem"`
}

func (k *keyRef) UnmarshalJSON(b []byte) error {
	type plain keyRef
	if len(b) > 0 && b[0] == '[' {
		var list []plain
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) > 0 {
			*k = keyRef(list[0])
		}
		return nil
	}
	return json.Unmarshal(b, (*plain)(k))
}

// Bounds on what an actor document may make pages print: Mastodon's own display names are
// 30 characters and usernames 30; other servers allow more, none anywhere near these.
const (
	maxActorName     = 200 // characters; a longer name is cut
	maxActorUsername = 255 // bytes; a longer preferredUsername makes the actor unusable
)

// ErrBadActor is returned for actor documents we cannot use.
var ErrBadActor = errors.New("unusable actor document")

// parseActor reads a fetched actor document (whose id the fetcher matched to its URL) and
// checks what we rely on: a known actor type, an inbox, a username, and a key it owns.
func parseActor(body []byte) (*convene.RemoteActor, error) {
	var d actorDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadActor, err)
	}
	switch {
	case !acceptedActorTypes[string(d.Type)]:
		return nil, fmt.Errorf("%w: type %q", ErrBadActor, d.Type)
	case httpIRI(d.ID) == "" || httpIRI(d.Inbox) == "":
		return nil, fmt.Errorf("%w: needs an http(s) id and inbox of at most %d bytes", ErrBadActor, maxEventURL)
	case d.PreferredUsername == "" || len(d.PreferredUsername) > maxActorUsername || strings.ContainsAny(d.PreferredUsername, "@/ "):
		return nil, fmt.Errorf("%w: bad preferredUsername %q", ErrBadActor, d.PreferredUsername)
	case d.PublicKey.PEM == "" || d.PublicKey.Owner != d.ID || httpIRI(d.PublicKey.ID) == "":
		return nil, fmt.Errorf("%w: no public key owned by the actor", ErrBadActor)
	case hostOf(d.PublicKey.ID) != hostOf(d.ID):
		// A key on another host would let one actor claim another's keyId.
		return nil, fmt.Errorf("%w: key %s is not on the actor's host", ErrBadActor, d.PublicKey.ID)
	}
	shared := httpIRI(firstNonEmpty(d.Endpoints.SharedInbox, d.SharedInbox))
	return &convene.RemoteActor{
		IRI: d.ID, Type: string(d.Type), Username: d.PreferredUsername, Domain: hostOf(d.ID),
		Name: truncateText(cutBytes(d.Name, maxActorName*utf8.UTFMax), maxActorName), Inbox: d.Inbox, SharedInbox: shared,
		Followers: httpIRI(d.Followers), URL: httpIRI(d.URL.ID),
		KeyID: d.PublicKey.ID, PublicKeyPEM: d.PublicKey.PEM, ManuallyApproves: d.ManuallyApproves,
		AvatarURL: actorImageURL(d.Icon), HeaderURL: actorImageURL(d.Image), Summary: actorSummary(string(d.Summary)),
	}, nil
}
