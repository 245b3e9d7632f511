package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/federation"
	"github.com/convene-social/convene/service"
)

func setupMigrate(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) > 0 {
			return usageError{fmt.Sprintf("migrate takes no arguments, got %q", args)}
		}
		d, err := a.openDB(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		v, err := d.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdio.out, "database schema is at version %d\n", v)
		return nil
	}
}

func setupUserCreate(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	email := fs.String("email", "", "the account's email address (required)")
	admin := fs.Bool("admin", false, "make the account an instance admin")
	password := fs.String("password", "", "the password; read from stdin when not given")
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 1 {
			return usageError{"user create needs exactly one NAME, e.g. convene user create alice --email alice@example.org"}
		}
		if *email == "" {
			return usageError{"user create needs --email"}
		}
		pw := *password
		if pw == "" {
			var err error
			if pw, err = readPassword(a.stdio, args[0]); err != nil {
				return err
			}
		}
		role := convene.RoleMember
		if *admin {
			role = convene.RoleAdmin
		}
		d, err := a.openDB(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		acct, err := a.newService(d, a.iris(), nil, nil).CreateAccount(convene.WithOperator(ctx), service.AccountCreate{
			Username: args[0], Email: *email, Password: pw, Role: role,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdio.out, "created %s %s (@%s@%s)\n", acct.Role, acct.Username, acct.Username, a.cfg.Domain)
		return nil
	}
}

func setupCommunityCreate(fs *flag.FlagSet) func(context.Context, *app, []string) error {
	name := fs.String("name", "", "the community's display name (required)")
	owner := fs.String("owner", "", "username of the owner; defaults to the instance's only admin")
	summary := fs.String("summary", "", "what the community is about, in markdown")
	region := fs.String("region", "", "a region label, e.g. Surrey")
	policy := fs.String("follow-policy", "open", "open (accept every follow) or approval (moderators decide)")
	return func(ctx context.Context, a *app, args []string) error {
		if len(args) != 1 {
			return usageError{`community create needs exactly one SLUG, e.g. convene community create surrey --name "Surrey conveners"`}
		}
		d, err := a.openDB(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		c, err := a.newService(d, a.iris(), nil, nil).CreateCommunity(convene.WithOperator(ctx), service.CommunityCreate{
			Slug: args[0], Name: *name, Summary: *summary, Region: *region, Owner: *owner,
			FollowPolicy: convene.FollowPolicy(*policy),
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdio.out, "created community %s (@%s@%s)\n", c.Slug, c.Slug, a.cfg.Domain)
		return nil
	}
}

// readPassword reads a password: from a terminal without echo (asked twice), or as the first
// line of piped input.
func readPassword(std stdio, username string) (string, error) {
	if f, ok := std.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPassword(f, std.err, username)
	}
	line, err := bufio.NewReader(std.in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageError{"no password given: pipe it on stdin or pass --password"}
	}
	return line, nil
}

func promptPassword(tty *os.File, prompt io.Writer, username string) (string, error) {
	fmt.Fprintf(prompt, "Password for %s: ", username)
	first, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(prompt)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(prompt, "Again: ")
	second, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(prompt)
	if err != nil {
		return "", err
	}
	if string(first) != string(second) {
		return "", usageError{"the passwords do not match"}
	}
	return string(first), nil
}

// iris is the instance's URL layout.
func (a *app) iris() federation.IRIs {
	return federation.NewIRIs(a.cfg.Protocol, a.cfg.Domain)
}

// withService opens and migrates the database, runs fn with a service over it, and closes it.
func (a *app) withService(ctx context.Context, fn func(*service.Service) error) error {
	d, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(a.newService(d, a.iris(), nil, nil))
}
