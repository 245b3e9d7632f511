package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/convene-social/convene/service"
)

// pollSweepInterval is how often local polls are swept: ended ones closed and announced,
// changed tallies sent. It bounds how late a poll closes and how often peers hear of votes.
const pollSweepInterval = time.Minute

// pollSweeper runs the service's poll sweep every pollSweepInterval.
func pollSweeper(svc *service.Service, log *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		tick := time.NewTicker(pollSweepInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
			for {
				n, err := svc.SweepPolls(ctx)
				if err != nil && ctx.Err() == nil {
					log.Warn("sweep polls", "err", err)
				}
				if err != nil || n < service.PollSweepBatch {
					break // a full batch means more are due now
				}
			}
		}
	}
}
