package db

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/convene-social/convene"
)

// blockCacheTTL bounds how long another process's new block can go unnoticed; blocks made
// through this DB take effect at once.
const blockCacheTTL = 5 * time.Second

// blockCache holds the block list in memory: every inbox POST and delivery asks whether a
// host is blocked, and the list is small and rarely changes.
type blockCache struct {
	mu     sync.Mutex
	hosts  map[string]bool
	loaded time.Time
}

func (c *blockCache) invalidate() {
	c.mu.Lock()
	c.hosts = nil
	c.mu.Unlock()
}

// BlockDomain implements convene.FederationStore; blocking twice is harmless.
func (s *store) BlockDomain(ctx context.Context, host string, at time.Time) error {
	if _, err := s.execContext(ctx, `INSERT INTO domain_blocks (host, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, host, at); err != nil {
		return fmt.Errorf("block domain: %w", err)
	}
	s.afterCommit(s.db.blocks.invalidate)
	return nil
}

// UnblockDomain implements convene.FederationStore.
func (s *store) UnblockDomain(ctx context.Context, host string) error {
	n, err := s.execContext(ctx, `DELETE FROM domain_blocks WHERE host = ?`, host)
	if err != nil {
		return fmt.Errorf("unblock domain: %w", err)
	}
	s.afterCommit(s.db.blocks.invalidate)
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "%s is not blocked", host)
	}
	return nil
}

// IsDomainBlocked implements convene.FederationStore: a block covers the host's subdomains
// too (Mastodon 4.1.7), so "example.org" blocks "social.example.org".
func (s *store) IsDomainBlocked(ctx context.Context, host string) (bool, error) {
	c := &s.db.blocks
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hosts == nil || time.Since(c.loaded) > blockCacheTTL {
		hosts, err := s.FindDomainBlocks(ctx)
		if err != nil {
			return false, fmt.Errorf("check domain block: %w", err)
		}
		c.hosts, c.loaded = make(map[string]bool, len(hosts)), time.Now()
		for _, h := range hosts {
			c.hosts[h] = true
		}
	}
	for h := host; h != ""; {
		if c.hosts[h] {
			return true, nil
		}
		_, parent, found := strings.Cut(h, ".")
		if !found {
			break
		}
		h = parent
	}
	return false, nil
}

// FindDomainBlocks implements convene.FederationStore.
func (s *store) FindDomainBlocks(ctx context.Context) ([]string, error) {
	var hosts []string
	if err := s.selectContext(ctx, &hosts, `SELECT host FROM domain_blocks ORDER BY host`); err != nil {
		return nil, fmt.Errorf("find domain blocks: %w", err)
	}
	return hosts, nil
}
