package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/convene-social/convene"
)

// isLocalEvent reports whether iri names one of our events (/e/{id}).
func (r *Renderer) isLocalEvent(iri string) bool {
	return strings.HasPrefix(iri, r.iris.Base()+"/e/")
}

// eventObject renders a local event for embedding in an activity or serving at /e/{id}.
func (r *Renderer) eventObject(ctx context.Context, iri string) (map[string]any, error) {
	e, err := r.store.FindEventByIRI(ctx, iri)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", iri, err)
	}
	return r.eventMap(ctx, e)
}

func (r *Renderer) eventMap(ctx context.Context, e *convene.Event) (map[string]any, error) {
	refs := EventRefs{Organizers: []string{e.OrganizerIRI}}
	shares, err := r.store.FindShares(ctx, e.IRI)
	if err != nil {
		return nil, err
	}
	for _, sh := range shares {
		if sh.State == convene.ShareAccepted {
			refs.SharedWith = append(refs.SharedWith, sh.CommunityIRI)
		}
	}
	return r.iris.EventToAS(e, refs), nil
}

// Event renders a stored event (ours or a peer's copy) as the document /e/{id} serves.
func (r *Renderer) Event(ctx context.Context, e *convene.Event) ([]byte, error) {
	m, err := r.eventMap(ctx, e)
	if err != nil {
		return nil, err
	}
	m["@context"] = jsonLDContext
	normalizeArrays(m)
	return json.Marshal(m)
}

// embedEvent replaces the object IRI of a Create or Update of a local event (in activity m,
// top-level or announced) with the event itself, as Mobilizon and Gancio expect.
func (r *Renderer) embedEvent(ctx context.Context, m map[string]any) error {
	iri, _ := m["object"].(string)
	if (m["type"] != "Create" && m["type"] != "Update") || !r.isLocalEvent(iri) {
		return nil
	}
	event, err := r.eventObject(ctx, iri)
	if err != nil {
		return err
	}
	normalizeArrays(event)
	m["object"] = event
	return nil
}
