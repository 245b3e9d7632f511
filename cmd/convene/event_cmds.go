package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/service"
)

func setupInstanceFollow(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 1 {
			return usageError{"instance follow needs a HOST, e.g. convene instance follow mobilizon.example"}
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
		remote, err := f.resolver.ResolveInstanceActor(ctx, args[0])
		if err != nil {
			return err
		}
		follow, err := svc.FollowInstance(convene.WithOperator(ctx), remote)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdio.out, "this instance asked to follow %s (%s); pending until it accepts\n", args[0], follow.Followee)
		return nil
	}
}

func setupSharesPending(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 1 {
			return usageError{"shares pending needs a community SLUG"}
		}
		return a.withService(ctx, func(svc *service.Service) error {
			list, err := svc.PendingShares(convene.WithOperator(ctx), args[0])
			if err != nil {
				return err
			}
			for _, sh := range list {
				fmt.Fprintf(a.stdio.out, "%s\t%s\tby %s\t%s\n", sh.ID, sh.ObjectIRI, sh.SharedBy, sh.CreatedAt.Format("2006-01-02 15:04"))
			}
			return nil
		})
	}
}

func setupSharesDecide(accept bool) func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) != 2 {
				return usageError{"needs a community SLUG and a SHARE-ID (see convene shares pending SLUG)"}
			}
			return a.withService(ctx, func(svc *service.Service) error {
				if err := svc.DecideShare(convene.WithOperator(ctx), args[0], args[1], accept); err != nil {
					return err
				}
				verb := map[bool]string{true: "approved", false: "refused"}[accept]
				fmt.Fprintf(a.stdio.out, "%s cross-post %s in %s\n", verb, args[1], args[0])
				return nil
			})
		}
	}
}

func setupReshare(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 2 {
			return usageError{"reshare needs a community SLUG and the URL of a thread or event"}
		}
		return a.withService(ctx, func(svc *service.Service) error {
			sh, err := svc.Reshare(convene.WithOperator(ctx), args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdio.out, "%s now shares %s\n", args[0], sh.ObjectIRI)
			return nil
		})
	}
}
