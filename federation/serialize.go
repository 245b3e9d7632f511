package federation

import (
	"encoding/json"
	"fmt"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// jsonLDContext is the one JSON-LD @context of every document we send. go-fed v1.0.0 would derive
// a context from the vocabularies used, but it lists Mastodon's namespace as a bare URL that
// serves no context, and lacks terms peers rely on, so we state ours once, like Mastodon does.
var jsonLDContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"sensitive":                 "as:sensitive",
		"toot":                      "http://joinmastodon.org/ns#",
		"featured":                  map[string]any{"@id": "toot:featured", "@type": "@id"},
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"blurhash":                  "toot:blurhash",
		"focalPoint":                map[string]any{"@container": "@list", "@id": "toot:focalPoint"},
		"votersCount":               "toot:votersCount",
		"lemmy":                     "https://join-lemmy.org/ns#",
		"postingRestrictedToMods":   "lemmy:postingRestrictedToMods",
		"moderators":                map[string]any{"@id": "lemmy:moderators", "@type": "@id"},
		// Event terms, declared as Mobilizon declares them (utils.ex make_json_ld_header)
		// where it has them, else as FEP-8a8e does (fep-8a8e.jsonld). eventStatus is
		// 8a8e's: its values include EventTentative, which schema.org lacks.
		"sc":                            "http://schema.org#",
		"mz":                            "https://joinmobilizon.org/ns#",
		"pt":                            "https://joinpeertube.org/ns#",
		"ical":                          "http://www.w3.org/2002/12/cal/ical#",
		"joinMode":                      "mz:joinMode",
		"externalParticipationUrl":      map[string]any{"@id": "mz:externalParticipationUrl", "@type": "@id"},
		"participantCount":              map[string]any{"@id": "mz:participantCount", "@type": "sc:Integer"},
		"anonymousParticipationEnabled": map[string]any{"@id": "mz:anonymousParticipationEnabled", "@type": "sc:Boolean"},
		"repliesModerationOption":       map[string]any{"@id": "mz:repliesModerationOption", "@type": "mz:repliesModerationOptionType"},
		"isOnline":                      map[string]any{"@id": "mz:isOnline", "@type": "sc:Boolean"},
		"timezone":                      map[string]any{"@id": "mz:timezone", "@type": "sc:Text"},
		"category":                      "sc:category",
		"maximumAttendeeCapacity":       "sc:maximumAttendeeCapacity",
		"remainingAttendeeCapacity":     "sc:remainingAttendeeCapacity",
		"commentsEnabled":               map[string]any{"@id": "pt:commentsEnabled", "@type": "sc:Boolean"},
		"PostalAddress":                 "sc:PostalAddress",
		"address":                       map[string]any{"@id": "sc:address", "@type": "sc:PostalAddress"},
		"streetAddress":                 "sc:streetAddress",
		"postalCode":                    "sc:postalCode",
		"addressLocality":               "sc:addressLocality",
		"addressRegion":                 "sc:addressRegion",
		"addressCountry":                "sc:addressCountry",
		"VirtualLocation":               "sc:VirtualLocation",
		"eventStatus":                   map[string]any{"@id": "https://w3id.org/fep/8a8e/eventStatus", "@type": "@vocab"},
		"EventScheduled":                "https://w3id.org/fep/8a8e/EventScheduled",
		"EventTentative":                "https://w3id.org/fep/8a8e/EventTentative",
		"EventCancelled":                "https://w3id.org/fep/8a8e/EventCancelled",
		"EventPostponed":                "https://w3id.org/fep/8a8e/EventPostponed",
		"EventRescheduled":              "https://w3id.org/fep/8a8e/EventRescheduled",
		"EventMovedOnline":              "https://w3id.org/fep/8a8e/EventMovedOnline",
		"displayEndTime":                map[string]any{"@id": "https://w3id.org/fep/8a8e/displayEndTime", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
		"organizers":                    "https://w3id.org/fep/8a8e/organizers",
		"attendees":                     map[string]any{"@id": "https://w3id.org/fep/8a8e/attendees", "@type": "@id"},
		"upcomingEvents":                map[string]any{"@id": "https://w3id.org/fep/8a8e/upcomingEvents", "@type": "@id"},
	},
}

// arrayFields are the properties peers expect as JSON arrays even with one element: go-fed
// emits a single value bare (go-fed#139), and Mastodon drops a bare attachment (mastodon#24225).
var arrayFields = map[string]bool{
	"orderedItems": true, "items": true, "attachment": true, "tag": true,
	"to": true, "cc": true, "bto": true, "bcc": true,
}

// Serialize is the one way AS2 leaves this server: the go-fed type t, plus extension fields
// go-fed v1.0.0 has no property for (manuallyApprovesFollowers, endpoints, …), under our
// @context, with arrays where peers expect arrays. Extra keys override t's.
func Serialize(t vocab.Type, extra map[string]any) ([]byte, error) {
	m, err := serializeMap(t, extra)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// serializeMap is Serialize before the JSON encoding, for callers that patch nested parts
// go-fed has no type for (Hashtag tags).
func serializeMap(t vocab.Type, extra map[string]any) (map[string]any, error) {
	m, err := streams.Serialize(t)
	if err != nil {
		return nil, fmt.Errorf("serialize %s: %w", t.GetTypeName(), err)
	}
	for k, v := range extra {
		m[k] = v
	}
	m["@context"] = jsonLDContext
	normalizeArrays(m)
	return m, nil
}

// normalizeArrays wraps single values of arrayFields in arrays, in nested objects too.
func normalizeArrays(m map[string]any) {
	for k, v := range m {
		switch val := v.(type) {
		case map[string]any:
			if arrayFields[k] {
				m[k] = []any{val}
			}
			normalizeArrays(val)
		case []any:
			for _, item := range val {
				if sub, ok := item.(map[string]any); ok {
					normalizeArrays(sub)
				}
			}
		case []string:
			// already an array
		default:
			if arrayFields[k] && v != nil {
				m[k] = []any{v}
			}
		}
	}
}
