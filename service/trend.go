package service

import (
	"cmp"
	"context"
	"slices"
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

// TrendingTags ranks the hashtags of public posts this week by how many people used them,
// then how often.
func (s *Service) TrendingTags(ctx context.Context, limit, offset int) ([]TagTrend, error) {
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
	out := []TagTrend{}
	for _, t := range list[min(max(offset, 0), len(list)):] {
		if len(out) == limit {
			break
		}
		out = append(out, t.trend)
	}
	return out, nil
}

// TrendingPosts ranks this week's public posts by their likes and boosts.
func (s *Service) TrendingPosts(ctx context.Context, limit, offset int) ([]*convene.Post, error) {
	since := s.timestamp().AddDate(0, 0, -trendWindow)
	return s.store.FindTrendingPosts(ctx, since, convene.SearchFilter{Limit: limit, Offset: offset})
}
