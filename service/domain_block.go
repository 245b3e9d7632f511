package service

import (
	"context"
	"net/url"
	"strings"

	"github.com/convene-social/convene"
)

// normalizeHost canonicalises a domain to block: lowercase, no trailing dot, no port, no
// scheme or path, so "Example.ORG." and "example.org" are one block (Mastodon CVE-2023-42451).
func normalizeHost(host string) (string, error) {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	u, err := url.Parse("//" + h)
	if err != nil || h == "" || u.Host != h || u.Port() != "" || strings.ContainsAny(h, "/@?#* ") {
		return "", convene.Errorf(convene.EINVALID, "%q is not a domain name like example.org", host)
	}
	return h, nil
}

// BlockDomain cuts a domain (and its subdomains) off: its inbox deliveries get 403, nothing
// is fetched from or delivered to it, and every follow with its actors is removed. Admins only.
func (s *Service) BlockDomain(ctx context.Context, host string) (removedFollows int, err error) {
	if !convene.PrincipalFrom(ctx).IsAdmin() {
		return 0, convene.Errorf(convene.EFORBIDDEN, "only admins may block domains")
	}
	if host, err = normalizeHost(host); err != nil {
		return 0, err
	}
	err = s.store.InTx(ctx, func(tx convene.Store) error {
		if err := tx.BlockDomain(ctx, host, s.timestamp()); err != nil {
			return err
		}
		removedFollows, err = tx.DeleteFollowsWithDomain(ctx, host)
		return err
	})
	if err == nil {
		s.log.InfoContext(ctx, "domain blocked", "host", host, "follows_removed", removedFollows)
	}
	return removedFollows, err
}

// UnblockDomain lifts a block. Admins only.
func (s *Service) UnblockDomain(ctx context.Context, host string) error {
	if !convene.PrincipalFrom(ctx).IsAdmin() {
		return convene.Errorf(convene.EFORBIDDEN, "only admins may unblock domains")
	}
	host, err := normalizeHost(host)
	if err != nil {
		return err
	}
	return s.store.UnblockDomain(ctx, host)
}

// DomainBlocks lists blocked domains. Staff only.
func (s *Service) DomainBlocks(ctx context.Context) ([]string, error) {
	if !convene.PrincipalFrom(ctx).IsStaff() {
		return nil, convene.Errorf(convene.EFORBIDDEN, "only staff may see domain blocks")
	}
	return s.store.FindDomainBlocks(ctx)
}

// QueueStats reports the federation queues. Staff only.
func (s *Service) QueueStats(ctx context.Context) (convene.QueueStats, []*convene.Delivery, []*convene.Delivery, error) {
	if !convene.PrincipalFrom(ctx).IsStaff() {
		return convene.QueueStats{}, nil, nil, convene.Errorf(convene.EFORBIDDEN, "only staff may see the queues")
	}
	stats, err := s.store.QueueStats(ctx)
	if err != nil {
		return stats, nil, nil, err
	}
	pending, err := s.store.FindDeliveries(ctx, convene.DeliveryPending, 20)
	if err != nil {
		return stats, nil, nil, err
	}
	dead, err := s.store.FindDeliveries(ctx, convene.DeliveryDead, 20)
	return stats, pending, dead, err
}
