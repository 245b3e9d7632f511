package db

import (
	"context"
	"fmt"
	"time"

	"github.com/convene-social/convene"
)

// BlockDomain implements convene.FederationStore; blocking twice is harmless.
func (s *store) BlockDomain(ctx context.Context, host string, at time.Time) error {
	if _, err := s.execContext(ctx, `INSERT INTO domain_blocks (host, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, host, at); err != nil {
		return fmt.Errorf("block domain: %w", err)
	}
	return nil
}

// UnblockDomain implements convene.FederationStore.
func (s *store) UnblockDomain(ctx context.Context, host string) error {
	n, err := s.execContext(ctx, `DELETE FROM domain_blocks WHERE host = ?`, host)
	if err != nil {
		return fmt.Errorf("unblock domain: %w", err)
	}
	if n == 0 {
		return convene.Errorf(convene.ENOTFOUND, "%s is not blocked", host)
	}
	return nil
}

// IsDomainBlocked implements convene.FederationStore: a block covers the host's subdomains
// too (Mastodon 4.1.7), so "example.org" blocks "social.example.org".
func (s *store) IsDomainBlocked(ctx context.Context, host string) (bool, error) {
	var n int
	err := s.getContext(ctx, &n, `SELECT COUNT(*) FROM domain_blocks WHERE host = ? OR ? LIKE '%.' || host`, host, host)
	if err != nil {
		return false, fmt.Errorf("check domain block: %w", err)
	}
	return n > 0, nil
}

// FindDomainBlocks implements convene.FederationStore.
func (s *store) FindDomainBlocks(ctx context.Context) ([]string, error) {
	var hosts []string
	if err := s.selectContext(ctx, &hosts, `SELECT host FROM domain_blocks ORDER BY host`); err != nil {
		return nil, fmt.Errorf("find domain blocks: %w", err)
	}
	return hosts, nil
}
