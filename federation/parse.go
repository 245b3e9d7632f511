package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrMalformedActivity is returned for JSON that is not an activity we can read.
var ErrMalformedActivity = errors.New("malformed activity")

// ref is a property that peers send either as an IRI string or as an embedded object with an
// id (and sometimes as a one-element array of either): Mastodon embeds the Follow in an
// Accept, Lemmy and GoToSocial sometimes send only its id.
type ref struct {
	ID     string
	Object *incoming       // set when embedded
	raw    json.RawMessage // the embedded object as sent
}

func (r *ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &r.ID)
	case b[0] == '[':
		var list []ref
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) > 0 {
			*r = list[0]
		}
		return nil
	}
	var obj incoming
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	r.ID, r.Object, r.raw = obj.ID, &obj, append(json.RawMessage(nil), b...)
	return nil
}

// incoming is the part of an inbound activity (or embedded object) we act on. Everything
// else in the document is ignored, never trusted.
type incoming struct {
	ID     string   `json:"id"`
	Type   typeName `json:"type"`
	Actor  ref      `json:"actor"`
	Object ref      `json:"object"`
}

// typeName accepts "Follow" and ["Follow"] (JSON-LD allows both).
type typeName string

func (t *typeName) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = typeName(s)
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	if len(list) > 0 {
		*t = typeName(list[0])
	}
	return nil
}

// parseActivity reads an inbound activity: it must be a JSON object with an absolute
// http(s) id, a type and an actor.
func parseActivity(body []byte) (*incoming, error) {
	var a incoming
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedActivity, err)
	}
	if a.Type == "" || !isHTTPURL(a.ID) || !isHTTPURL(a.Actor.ID) {
		return nil, fmt.Errorf("%w: needs an http(s) id, a type and an actor", ErrMalformedActivity)
	}
	return &a, nil
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// hostOf returns the lowercase host (with port) of an IRI.
func hostOf(iri string) string {
	u, err := url.Parse(iri)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// hostnameOf returns the lowercase host name (without port) of an IRI, which domain blocks match.
func hostnameOf(iri string) string {
	u, err := url.Parse(iri)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}
