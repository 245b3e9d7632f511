package service

import (
	"context"

	"github.com/convene-social/convene"
)

// markerTimelines are the timelines an app may mark, as Mastodon has them.
var markerTimelines = map[string]bool{"home": true, "notifications": true}

// Markers returns where the signed-in account stopped reading the named timelines (those it
// never marked are left out, as Mastodon leaves them out).
func (s *Service) Markers(ctx context.Context, timelines []string) ([]*convene.Marker, error) {
	a, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	var known []string
	for _, tl := range timelines {
		if markerTimelines[tl] {
			known = append(known, tl)
		}
	}
	return s.store.FindMarkers(ctx, a.ID, known)
}

// SaveMarkers moves the signed-in account's markers: timeline → last read id.
func (s *Service) SaveMarkers(ctx context.Context, lastRead map[string]string) ([]*convene.Marker, error) {
	a, err := s.signedInAccount(ctx)
	if err != nil {
		return nil, err
	}
	for tl, id := range lastRead {
		if !markerTimelines[tl] {
			return nil, convene.Errorf(convene.EINVALID, "%q is not a timeline with a marker (home, notifications)", tl)
		}
		if _, ok := convene.IDTime(id); !ok {
			return nil, convene.Errorf(convene.EINVALID, "last_read_id of %s is not an id", tl)
		}
	}
	var saved []*convene.Marker
	for _, tl := range []string{"home", "notifications"} {
		if id, ok := lastRead[tl]; ok {
			m, err := s.store.SaveMarker(ctx, a.ID, tl, id, s.timestamp())
			if err != nil {
				return nil, err
			}
			saved = append(saved, m)
		}
	}
	return saved, nil
}
