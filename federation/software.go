package federation

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

// groupAwareSoftware lists NodeInfo software names whose users follow communities as
// communities: they want a community's replies, likes and edits. Everything else (Mastodon,
// GoToSocial, Pleroma, Akkoma, Misskey, …) is a microblog, where those would flood home
// timelines (Lemmy #2224).
var groupAwareSoftware = map[string]bool{
	"convene": true, "lemmy": true, "mbin": true, "kbin": true, "piefed": true, "friendica": true,
	"lotide": true, "nodebb": true, "discourse": true, "hubzilla": true, "streams": true,
}

// softwareRefresh is how long a host's NodeInfo answer is trusted.
const softwareRefresh = 24 * time.Hour

// Software learns which software remote hosts run, from their NodeInfo, and remembers it.
type Software struct {
	store   convene.Store
	fetcher *Fetcher
	log     *slog.Logger
	now     func() time.Time
}

// NewSoftware returns a Software over the store's instance table.
func NewSoftware(store convene.Store, fetcher *Fetcher, log *slog.Logger) *Software {
	return &Software{store: store, fetcher: fetcher, log: log, now: time.Now}
}

// GroupAware reports whether host runs software that understands communities. A host whose
// NodeInfo cannot be read counts as a microblog: the safe side is not to flood it.
func (s *Software) GroupAware(ctx context.Context, host string) bool {
	name, err := s.Of(ctx, host)
	if err != nil {
		s.log.DebugContext(ctx, "no nodeinfo", "host", host, "err", err)
	}
	return groupAwareSoftware[name]
}

// Of returns the lowercase NodeInfo software name of host ("" if it has none).
func (s *Software) Of(ctx context.Context, host string) (string, error) {
	name, fetched, err := s.store.FindInstanceSoftware(ctx, host)
	if err == nil && s.now().Sub(fetched) < softwareRefresh {
		return name, nil
	}
	name, version, ferr := s.fetch(ctx, host)
	// Remember failures too (as ""), so a host without NodeInfo is not asked on every delivery.
	if err := s.store.UpsertInstanceSoftware(ctx, host, name, version, s.now().UTC()); err != nil {
		return name, err
	}
	return name, ferr
}

// fetch reads /.well-known/nodeinfo and the newest schema document it links to.
func (s *Software) fetch(ctx context.Context, host string) (name, version string, err error) {
	scheme := "https"
	if s.fetcher.allowsPrivate(host) {
		scheme = "http"
	}
	body, err := s.fetcher.FetchJSON(ctx, scheme+"://"+host+"/.well-known/nodeinfo", "application/json")
	if err != nil {
		return "", "", err
	}
	var links struct {
		Links []struct{ Rel, Href string } `json:"links"`
	}
	if err := json.Unmarshal(body, &links); err != nil {
		return "", "", err
	}
	href := ""
	for _, l := range links.Links {
		if strings.HasPrefix(l.Rel, "http://nodeinfo.diaspora.software/ns/schema/") && hostOf(l.Href) == strings.ToLower(host) {
			href = l.Href // the later schema wins: links are listed oldest first
		}
	}
	if href == "" {
		return "", "", nil
	}
	if body, err = s.fetcher.FetchJSON(ctx, href, "application/json"); err != nil {
		return "", "", err
	}
	var info struct {
		Software struct{ Name, Version string } `json:"software"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return "", "", err
	}
	return strings.ToLower(info.Software.Name), info.Software.Version, nil
}
