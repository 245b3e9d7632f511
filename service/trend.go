package service

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/convene-social/convene"
)

// trendWindow is how far back trends look, in days (Mastodon's tag history is a week).
const trendWindow = 7

// maxTagUsesCounted bounds the work of counting trends on a busy instance.
const maxTagUsesCounted = 20000

// TagTrend is a hashtag and its use on each of the last days, today first.
type TagTrend struct {
	Tag     string
	History []TagDay
}

// TagDay is a day's use of a hashtag: how many posts, by how many people.
type TagDay struct {
	Day      time.Time // midnight UTC
	Uses     int
	Accounts int
}

// tagTrendTTL is how long a ranking of hashtags is served before it is counted again: trends
// are public and unauthenticated, and counting reads a week of posts.
const tagTrendTTL = time.Minute

// tagTrendCache keeps the latest ranking of hashtags.
type tagTrendCache struct {
	mu     sync.Mutex
	at     time.Time
	ranked []TagTrend
}

// TrendingTags ranks the hashtags of public posts this week by how many people used them,
// then how often; the ranking is counted at most once a minute.
func (s *Service) TrendingTags(ctx context.Context, limit, offset int) ([]TagTrend, error) {
	c := &s.tagTrends
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := s.timestamp(); c.ranked == nil || now.Sub(c.at) >= tagTrendTTL || now.Before(c.at) {
		ranked, err := s.rankTags(ctx)
		if err != nil {
			return nil, err
		}
		c.at, c.ranked = now, ranked
	}
	out := []TagTrend{}
	for _, t := range c.ranked[min(max(offset, 0), len(c.ranked)):] {
		if len(out) == limit {
			break
		}
		out = append(out, t)
	}
	return out, nil
}

// rankTags counts this week's hashtags.
func (s *Service) rankTags(ctx context.Context) ([]TagTrend, error) {
	today := s.timestamp().UTC().Truncate(24 * time.Hour)
	since := today.AddDate(0, 0, -(trendWindow - 1))
	uses, err := s.store.FindTagUses(ctx, since, maxTagUsesCounted)
	if err != nil {
		return nil, err
	}
	type tally struct {
		trend  TagTrend
		people map[string]bool
		daily  []map[string]bool
	}
	tallies := map[string]*tally{}
	for _, u := range uses {
		t := tallies[u.Tag]
		if t == nil {
			t = &tally{trend: TagTrend{Tag: u.Tag, History: make([]TagDay, trendWindow)}, people: map[string]bool{},
				daily: make([]map[string]bool, trendWindow)}
			for i := range t.trend.History {
				t.trend.History[i].Day = today.AddDate(0, 0, -i)
				t.daily[i] = map[string]bool{}
			}
			tallies[u.Tag] = t
		}
		day := int(today.Sub(u.PublishedAt.UTC().Truncate(24*time.Hour)).Hours() / 24)
		if day < 0 || day >= trendWindow {
			continue
		}
		t.people[u.AuthorIRI] = true
		t.daily[day][u.AuthorIRI] = true
		t.trend.History[day].Uses++
		t.trend.History[day].Accounts = len(t.daily[day])
	}
	list := make([]*tally, 0, len(tallies))
	for _, t := range tallies {
		list = append(list, t)
	}
	uses7 := func(t *tally) (n int) {
		for _, d := range t.trend.History {
			n += d.Uses
		}
		return n
	}
	slices.SortFunc(list, func(a, b *tally) int {
		return cmp.Or(cmp.Compare(len(b.people), len(a.people)), cmp.Compare(uses7(b), uses7(a)), cmp.Compare(a.trend.Tag, b.trend.Tag))
	})
	out := make([]TagTrend, len(list))
	for i, t := range list {
		out[i] = t.trend
	}
	return out, nil
}

// TrendingPosts ranks this week's public posts by their likes and boosts.
func (s *Service) TrendingPosts(ctx context.Context, limit, offset int) ([]*convene.Post, error) {
	since := s.timestamp().AddDate(0, 0, -trendWindow)
	return s.store.FindTrendingPosts(ctx, since, convene.SearchFilter{Limit: limit, Offset: offset})
}
