package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

func setupFollow(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 2 {
			return usageError{"follow needs LOCAL REMOTE-HANDLE, e.g. convene follow surrey @kent@convene.example"}
		}
		d, err := a.openDB(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		f, svc, err := a.newFederation(ctx, d)
		if err != nil {
			return err
		}
		remote, err := f.resolver.ResolveHandle(ctx, args[1])
		if err != nil {
			return err
		}
		follow, err := svc.FollowRemote(convene.WithOperator(ctx), args[0], remote)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdio.out, "%s asked to follow %s (%s); pending until it accepts\n", args[0], remote.Handle(), follow.Followee)
		return nil
	}
}

func setupFollowsPending(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 1 {
			return usageError{"follows pending needs a community SLUG"}
		}
		return a.withService(ctx, func(svc *service.Service) error {
			list, err := svc.PendingFollows(convene.WithOperator(ctx), args[0])
			if err != nil {
				return err
			}
			for _, f := range list {
				fmt.Fprintf(a.stdio.out, "%s\t%s\n", f.Follower, f.CreatedAt.Format("2006-01-02 15:04"))
			}
			return nil
		})
	}
}

func setupFollowsDecide(approve bool) func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) != 2 {
				return usageError{"needs a community SLUG and the follower's actor URL (see convene follows pending SLUG)"}
			}
			return a.withService(ctx, func(svc *service.Service) error {
				if err := svc.DecideFollow(convene.WithOperator(ctx), args[0], args[1], approve); err != nil {
					return err
				}
				verb := map[bool]string{true: "approved", false: "rejected"}[approve]
				fmt.Fprintf(a.stdio.out, "%s %s following %s\n", verb, args[1], args[0])
				return nil
			})
		}
	}
}

func setupDomainBlock(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 1 {
			return usageError{"domain block needs a HOST, e.g. convene domain block spam.example"}
		}
		return a.withService(ctx, func(svc *service.Service) error {
			n, err := svc.BlockDomain(convene.WithOperator(ctx), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdio.out, "blocked %s; removed %d follows\n", args[0], n)
			return nil
		})
	}
}

func setupDomainUnblock(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 1 {
			return usageError{"domain unblock needs a HOST"}
		}
		return a.withService(ctx, func(svc *service.Service) error {
			if err := svc.UnblockDomain(convene.WithOperator(ctx), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.stdio.out, "unblocked %s\n", args[0])
			return nil
		})
	}
}

func setupDomainList(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		return a.withService(ctx, func(svc *service.Service) error {
			hosts, err := svc.DomainBlocks(convene.WithOperator(ctx))
			for _, h := range hosts {
				fmt.Fprintln(a.stdio.out, h)
			}
			return err
		})
	}
}

func setupQueue(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		return a.withService(ctx, func(svc *service.Service) error {
			st, pending, dead, err := svc.QueueStats(convene.WithOperator(ctx))
			if err != nil {
				return err
			}
			out := a.stdio.out
			fmt.Fprintf(out, "outbox: %d to fan out\ndeliveries: %d pending (%d failing), %d dead, %d done\ninbox: %d pending, %d failed\n",
				st.OutboxPending, st.DeliveriesPending, st.DeliveriesFailing, st.DeliveriesDead, st.DeliveriesDone, st.InboxPending, st.InboxFailed)
			for _, h := range st.UnavailableHosts {
				fmt.Fprintf(out, "unavailable host (7 failing days): %s\n", h)
			}
			printDeliveries(a, "pending", pending)
			printDeliveries(a, "dead", dead)
			return nil
		})
	}
}

func printDeliveries(a *app, label string, list []*convene.Delivery) {
	for _, d := range list {
		fmt.Fprintf(a.stdio.out, "%s\t%s\tattempts=%d\tstatus=%d\tnext=%s\t%s\n", label, d.Inbox, d.Attempts, d.LastStatus,
			d.NextAttemptAt.Format("2006-01-02 15:04:05"), d.LastError)
	}
}
