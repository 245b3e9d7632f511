// Command convene runs a Convene server and administers it from the command line.
//
// It is the composition root: the only code that reads the environment, opens the database,
// and wires the service layer to its entry points.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // timezones work in a bare container without /usr/share/zoneinfo

	"golang.org/x/term"

	"github.com/convene-social/convene"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// Exit codes: scripts can tell a mistake in the command line from a failed operation.
const (
	exitOK    = 0
	exitFail  = 1 // the operation failed: a conflict, a missing owner, an unreachable database
	exitUsage = 2 // the command line or configuration is wrong
)

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// app is what a command runs with: the validated configuration and the process's streams.
type app struct {
	cfg    *Config
	log    *slog.Logger
	stdio  stdio
	getenv func(string) string
}

// command is a subcommand. setup registers its flags and returns the function that runs it
// with the positional arguments.
type command struct {
	usage   string
	summary string
	setup   func(fs *flag.FlagSet) func(ctx context.Context, a *app, args []string) error
}

var commands = map[string]command{
	"serve":            {"serve", "run the server (the default)", setupServe},
	"migrate":          {"migrate", "bring the database schema up to date and exit", setupMigrate},
	"user create":      {"user create NAME --email EMAIL [--admin] [--password P]", "create an approved account; the password is read from stdin unless given", setupUserCreate},
	"community create": {"community create SLUG --name NAME [--owner USER] [--summary S] [--region R] [--follow-policy open|approval]", "create a community", setupCommunityCreate},
	"follow":           {"follow LOCAL @name@host", "make a local account or community follow a remote actor", setupFollow},
	"follows pending":  {"follows pending SLUG", "list follow requests waiting for a community's approval", setupFollowsPending},
	"follows approve":  {"follows approve SLUG ACTOR-URL", "accept a pending follow of a community", setupFollowsDecide(true)},
	"follows reject":   {"follows reject SLUG ACTOR-URL", "reject a pending follow of a community", setupFollowsDecide(false)},
	"instance follow":  {"instance follow HOST", "make this instance follow another's instance actor (FEP-2677), to receive its public events", setupInstanceFollow},
	"shares pending":   {"shares pending SLUG", "list events cross-posted to a community that wait for a moderator", setupSharesPending},
	"shares approve":   {"shares approve SLUG SHARE-ID", "show and announce a pending cross-post", setupSharesDecide(true)},
	"shares reject":    {"shares reject SLUG SHARE-ID", "refuse a pending cross-post", setupSharesDecide(false)},
	"reshare":          {"reshare SLUG OBJECT-URL", "have a community announce a thread or event from elsewhere to its followers", setupReshare},
	"domain block":     {"domain block HOST", "refuse a domain and its subdomains, and drop follows with them", setupDomainBlock},
	"domain unblock":   {"domain unblock HOST", "lift a domain block", setupDomainUnblock},
	"domain list":      {"domain list", "list blocked domains", setupDomainList},
	"queue":            {"queue", "show pending, failing and dead deliveries", setupQueue},
	"version":          {"version", "print the version", setupVersion},
	"healthcheck":      {"healthcheck", "exit 0 if the local server answers /healthz (for container health checks)", setupHealthcheck},
}

// usageError marks an error in how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, getenv func(string) string, std stdio) int {
	name, rest := commandOf(args)
	if name == "help" {
		printUsage(std.out)
		return exitOK
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(std.err, "convene: unknown command %q\n\n", name)
		printUsage(std.err)
		return exitUsage
	}
	cfg := configFromEnv(getenv)
	fs := flag.NewFlagSet("convene "+name, flag.ContinueOnError)
	fs.SetOutput(std.err)
	fs.Usage = func() {
		fmt.Fprintf(std.err, "usage: convene %s\n  %s\n\nflags:\n", cmd.usage, cmd.summary)
		fs.PrintDefaults()
	}
	cfg.bindFlags(fs)
	runCmd := cmd.setup(fs)
	positional, err := parseInterspersed(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage // the flag package has printed the problem and the usage
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(std.err, "convene: %v\n", err)
		return exitUsage
	}
	a := &app{cfg: cfg, log: newLogger(std.err, cfg.logLevel), stdio: std, getenv: getenv}
	if err := runCmd(ctx, a, positional); err != nil {
		fmt.Fprintf(std.err, "convene: %s\n", oneLine(err))
		if _, ok := errors.AsType[usageError](err); ok {
			return exitUsage
		}
		return exitFail
	}
	return exitOK
}

// commandOf splits the command name from its arguments; no name (or a flag first) means serve.
func commandOf(args []string) (string, []string) {
	switch {
	case len(args) == 0 || strings.HasPrefix(args[0], "-"):
		return "serve", args
	case args[0] == "-h", args[0] == "--help", args[0] == "help":
		return "help", nil
	case (args[0] == "user" || args[0] == "community" || args[0] == "follows" || args[0] == "domain" ||
		args[0] == "instance" || args[0] == "shares") && len(args) > 1:
		return args[0] + " " + args[1], args[2:]
	}
	return args[0], args[1:]
}

// parseInterspersed parses flags wherever they appear among the positional arguments, so
// "user create alice --email a@example.org" works as people type it.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// oneLine renders err for the terminal: a user-facing message for domain errors, the full
// chain otherwise, on one line either way.
func oneLine(err error) string {
	msg := err.Error()
	if e, ok := errors.AsType[*convene.Error](err); ok {
		msg = e.Message
	}
	return strings.Join(strings.Fields(msg), " ")
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Convene: federated communities, discussions and events.\n\nusage: convene [command] [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-18s %s\n", name, commands[name].summary)
	}
	fmt.Fprintf(w, "\nconfiguration (environment variable, or the flag of the same name):\n")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(w, "  %-32s --%-24s default %s\n", s.env, s.flag, def)
	}
	fmt.Fprintf(w, "\nRun 'convene COMMAND -h' for a command's flags.\n")
}

// newLogger logs text to a terminal and JSON otherwise, where log collectors read it.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
