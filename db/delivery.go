package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

const deliveryColumns = `id, activity_id, inbox, host, state, attempts, next_attempt_at, last_status, last_error, created_at`

// ClaimDeliveries implements convene.QueueStore: due deliveries, oldest due first.
func (s *store) ClaimDeliveries(ctx context.Context, now time.Time, n int, lease time.Duration) ([]*convene.Delivery, error) {
	var list []*convene.Delivery
	err := s.claim(ctx, &list, "deliveries", deliveryColumns, "state = ? AND next_attempt_at <= ?", "next_attempt_at",
		now, n, lease, convene.DeliveryPending, now)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	for _, d := range list {
		d.NextAttemptAt, d.CreatedAt, d.LeaseUntil = utc(d.NextAttemptAt), utc(d.CreatedAt), leaseUntil(now, lease)
	}
	return list, nil
}

// FinishDelivery implements convene.QueueStore.
func (s *store) FinishDelivery(ctx context.Context, d *convene.Delivery, state string, status int, errMsg string, next, now time.Time) error {
	_, err := s.execContext(ctx, `UPDATE deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?,
		next_attempt_at = ?, locked_until = NULL, updated_at = ? WHERE id = ? AND locked_until = ?`,
		state, status, errMsg, next, now, d.ID, d.LeaseUntil)
	if err != nil {
		return fmt.Errorf("finish delivery: %w", err)
	}
	return nil
}

// DeferDelivery implements convene.QueueStore.
func (s *store) DeferDelivery(ctx context.Context, d *convene.Delivery, next time.Time) error {
	_, err := s.execContext(ctx, `UPDATE deliveries SET next_attempt_at = ?, locked_until = NULL WHERE id = ? AND locked_until = ?`,
		next, d.ID, d.LeaseUntil)
	if err != nil {
		return fmt.Errorf("defer delivery: %w", err)
	}
	return nil
}

// FindDeliveries implements convene.QueueStore: deliveries in a state, soonest due first.
func (s *store) FindDeliveries(ctx context.Context, state string, limit int) ([]*convene.Delivery, error) {
	var list []*convene.Delivery
	err := s.selectContext(ctx, &list, `SELECT `+deliveryColumns+` FROM deliveries WHERE state = ?
		ORDER BY next_attempt_at LIMIT `+strconv.Itoa(pageLimit(limit)), state)
	if err != nil {
		return nil, fmt.Errorf("find deliveries: %w", err)
	}
	return list, nil
}

// failureDaysToUnavailable is Mastodon's DeliveryFailureTracker threshold.
const failureDaysToUnavailable = 7

// RecordHostResult implements convene.QueueStore.
func (s *store) RecordHostResult(ctx context.Context, host string, ok bool, now time.Time) (bool, error) {
	unavailable := false
	err := s.inTx(ctx, func(t *store) error {
		if ok {
			_, err := t.execContext(ctx, `DELETE FROM delivery_hosts WHERE host = ?`, host)
			return err
		}
		var days string
		err := t.getContext(ctx, &days, `SELECT failure_days FROM delivery_hosts WHERE host = ?`, host)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		list := strings.FieldsFunc(days, func(r rune) bool { return r == ',' })
		if today := now.UTC().Format("20060102"); !slices.Contains(list, today) {
			list = append(list, today)
		}
		unavailable = len(list) >= failureDaysToUnavailable
		_, err = t.execContext(ctx, `INSERT INTO delivery_hosts (host, failure_days, unavailable) VALUES (?, ?, ?)
			ON CONFLICT (host) DO UPDATE SET failure_days = excluded.failure_days, unavailable = excluded.unavailable`,
			host, strings.Join(list, ","), unavailable)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record host result: %w", err)
	}
	return unavailable, nil
}

// FindUnavailableHosts implements convene.QueueStore.
func (s *store) FindUnavailableHosts(ctx context.Context) ([]string, error) {
	var hosts []string
	if err := s.selectContext(ctx, &hosts, `SELECT host FROM delivery_hosts WHERE unavailable = ? ORDER BY host`, true); err != nil {
		return nil, fmt.Errorf("unavailable hosts: %w", err)
	}
	return hosts, nil
}

// QueueStats implements convene.QueueStore.
func (s *store) QueueStats(ctx context.Context) (convene.QueueStats, error) {
	var st convene.QueueStats
	counts := []struct {
		dest  *int
		query string
		args  []any
	}{
		{&st.OutboxPending, `SELECT COUNT(*) FROM outbox WHERE fanned_out = ?`, []any{false}},
		{&st.DeliveriesPending, `SELECT COUNT(*) FROM deliveries WHERE state = ?`, []any{convene.DeliveryPending}},
		{&st.DeliveriesFailing, `SELECT COUNT(*) FROM deliveries WHERE state = ? AND attempts > 0`, []any{convene.DeliveryPending}},
		{&st.DeliveriesDead, `SELECT COUNT(*) FROM deliveries WHERE state = ?`, []any{convene.DeliveryDead}},
		{&st.DeliveriesDone, `SELECT COUNT(*) FROM deliveries WHERE state = ?`, []any{convene.DeliveryDone}},
		{&st.InboxPending, `SELECT COUNT(*) FROM inbox WHERE state = 'pending'`, nil},
		{&st.InboxFailed, `SELECT COUNT(*) FROM inbox WHERE state = 'failed'`, nil},
	}
	for _, c := range counts {
		if err := s.getContext(ctx, c.dest, c.query, c.args...); err != nil {
			return st, fmt.Errorf("queue stats: %w", err)
		}
	}
	var err error
	st.UnavailableHosts, err = s.FindUnavailableHosts(ctx)
	return st, err
}
