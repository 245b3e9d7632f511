package main

import (
	"context"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/db"
	"github.com/convene-social/convene/db/dbtest"
)

// eachDatabase runs fn with the environment of a fresh SQLite and a fresh PostgreSQL database.
func eachDatabase(t *testing.T, fn func(t *testing.T, env map[string]string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, map[string]string{"CONVENE_DATA_DIR": t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, map[string]string{"CONVENE_DATA_DIR": t.TempDir(), "CONVENE_DATABASE_URL": dbtest.PostgresURL(t)})
	})
}

func TestUserCreate(t *testing.T) {
	eachDatabase(t, func(t *testing.T, env map[string]string) {
		r := runCLI(t, env, "correct horse battery\n", "user", "create", "Alice", "--email", "alice@example.org", "--admin")
		if r.code != exitOK || r.out != "created admin alice (@alice@localhost:8080)\n" {
			t.Fatalf("user create = %+v", r)
		}
		r = runCLI(t, env, "", "user", "create", "bob", "--email=bob@example.org", "--password", "another good one")
		if r.code != exitOK {
			t.Fatalf("user create with --password = %+v", r)
		}

		a := findAccount(t, env, "alice")
		if a.Role != convene.RoleAdmin || a.State != convene.AccountApproved || a.Email != "alice@example.org" {
			t.Errorf("alice = %+v", a)
		}
		if strings.Contains(a.PasswordHash, "correct horse") || !strings.HasPrefix(a.PasswordHash, "$argon2id$") {
			t.Errorf("password stored as %q", a.PasswordHash)
		}
		if b := findAccount(t, env, "bob"); b.Role != convene.RoleMember {
			t.Errorf("bob's role = %s", b.Role)
		}
	})
}

func TestUserCreateFailures(t *testing.T) {
	eachDatabase(t, func(t *testing.T, env map[string]string) {
		if r := runCLI(t, env, "", "user", "create", "alice", "--email", "a@example.org", "--password", "correct horse battery"); r.code != exitOK {
			t.Fatalf("setup: %+v", r)
		}
		tests := []struct {
			name  string
			stdin string
			args  []string
			code  int
			line  string
		}{
			{"duplicate", "", []string{"alice", "--email", "b@example.org", "--password", "correct horse battery"}, exitFail,
				`convene: the name "alice" is already taken`},
			{"duplicate other case", "", []string{"ALICE", "--email", "b@example.org", "--password", "correct horse battery"}, exitFail,
				`convene: the name "alice" is already taken`},
			{"duplicate email", "", []string{"bob", "--email", "A@example.org", "--password", "correct horse battery"}, exitFail,
				`convene: an account with the email "A@example.org" already exists`},
			{"invalid name", "", []string{"bad name!", "--email", "b@example.org", "--password", "correct horse battery"}, exitFail,
				`convene: username "bad name!" may contain only a-z, 0-9 and _, with . or - between them`},
			{"weak password", "", []string{"bob", "--email", "b@example.org", "--password", "short"}, exitFail,
				"convene: password must be at least 8 characters"},
			{"no password", "", []string{"bob", "--email", "b@example.org"}, exitUsage,
				"convene: no password given: pipe it on stdin or pass --password"},
			{"no email", "pw\n", []string{"bob"}, exitUsage, "convene: user create needs --email"},
			{"no name", "", []string{"--email", "b@example.org"}, exitUsage, "convene: user create needs exactly one NAME"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := runCLI(t, env, tt.stdin, append([]string{"user", "create"}, tt.args...)...)
				lines := strings.Split(strings.TrimSpace(r.errOut), "\n")
				if r.code != tt.code || len(lines) != 1 || !strings.HasPrefix(lines[0], tt.line) || r.out != "" {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and one line %q", r.code, r.out, r.errOut, tt.code, tt.line)
				}
			})
		}
		if n := countAccounts(t, env); n != 1 {
			t.Errorf("%d accounts after failed creates, want 1", n)
		}
	})
}

func TestCommunityCreate(t *testing.T) {
	eachDatabase(t, func(t *testing.T, env map[string]string) {
		r := runCLI(t, env, "", "community", "create", "surrey", "--name", "Surrey conveners")
		if r.code != exitFail || !strings.Contains(r.errOut, "an owner is required") {
			t.Errorf("without any admin: %+v", r)
		}
		runCLI(t, env, "", "user", "create", "alice", "--email", "a@example.org", "--password", "correct horse battery", "--admin")
		runCLI(t, env, "", "user", "create", "bob", "--email", "b@example.org", "--password", "correct horse battery")

		r = runCLI(t, env, "", "community", "create", "surrey", "--name", "Surrey conveners", "--owner", "bob",
			"--region", "Surrey", "--follow-policy", "approval")
		if r.code != exitOK || r.out != "created community surrey (@surrey@localhost:8080)\n" {
			t.Fatalf("community create = %+v", r)
		}
		r = runCLI(t, env, "", "community", "create", "kent", "--name", "Kent") // owner: the only admin
		if r.code != exitOK {
			t.Fatalf("community create with default owner = %+v", r)
		}

		for _, tt := range []struct {
			args []string
			code int
			line string
		}{
			{[]string{"surrey", "--name", "Again", "--owner", "bob"}, exitFail, `convene: the name "surrey" is already taken`},
			{[]string{"alice", "--name", "Alice's", "--owner", "bob"}, exitFail, `convene: the name "alice" is already taken`},
			{[]string{"sussex", "--name", "Sussex", "--owner", "zed"}, exitFail, `convene: owner "zed": no such account`},
			{[]string{"Sus sex", "--name", "Sussex", "--owner", "bob"}, exitFail, `convene: slug "sus sex" may contain only`},
			{[]string{"sussex", "--owner", "bob"}, exitFail, "convene: name is required"},
			{[]string{"sussex", "--name", "S", "--follow-policy", "invite"}, exitFail, `convene: follow policy "invite" must be open or approval`},
			{[]string{"--name", "S"}, exitUsage, "convene: community create needs exactly one SLUG"},
		} {
			r := runCLI(t, env, "", append([]string{"community", "create"}, tt.args...)...)
			lines := strings.Split(strings.TrimSpace(r.errOut), "\n")
			if r.code != tt.code || len(lines) != 1 || !strings.HasPrefix(lines[0], tt.line) {
				t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, r.code, r.errOut, tt.code, tt.line)
			}
		}

		d := openTestDB(t, env)
		c, err := d.FindCommunityBySlug(context.Background(), "surrey")
		if err != nil {
			t.Fatal(err)
		}
		bob := findAccount(t, env, "bob")
		if c.OwnerID != bob.ID || c.Region != "Surrey" || c.FollowPolicy != convene.FollowApproval {
			t.Errorf("surrey = %+v", c)
		}
		if n, _ := d.CountCommunities(context.Background(), convene.CommunityFilter{}); n != 2 {
			t.Errorf("%d communities, want 2: failed creates changed something", n)
		}
	})
}

func TestUsageErrors(t *testing.T) {
	env := map[string]string{"CONVENE_DATA_DIR": t.TempDir()}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `convene: unknown command "frobnicate"`},
		{[]string{"serve", "--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"serve", "extra"}, "serve takes no arguments"},
		{[]string{"migrate", "--domain", "https://x"}, "CONVENE_DOMAIN (--domain)"},
	} {
		r := runCLI(t, env, "", tt.args...)
		if r.code != exitUsage || !strings.Contains(r.errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.errOut, tt.want)
		}
	}
	if r := runCLI(t, env, "", "version"); r.code != exitOK || !strings.HasPrefix(r.out, "convene ") {
		t.Errorf("version = %+v", r)
	}
	if r := runCLI(t, env, "", "help"); r.code != exitOK || !strings.Contains(r.out, "CONVENE_ALLOW_PRIVATE_NETWORKS") {
		t.Errorf("help = %+v", r)
	}
}

func TestMigrateCommandIsIdempotent(t *testing.T) {
	eachDatabase(t, func(t *testing.T, env map[string]string) {
		for range 2 {
			r := runCLI(t, env, "", "migrate")
			if r.code != exitOK || !strings.HasPrefix(r.out, "database schema is at version ") {
				t.Fatalf("migrate = %+v", r)
			}
		}
	})
}

// openTestDB opens the database the environment points at, as the command would.
func openTestDB(t *testing.T, env map[string]string) *db.DB {
	t.Helper()
	c := configFromEnv(func(k string) string { return env[k] })
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), c.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func findAccount(t *testing.T, env map[string]string, name string) *convene.Account {
	t.Helper()
	a, err := openTestDB(t, env).FindAccountByUsername(context.Background(), name)
	if err != nil {
		t.Fatalf("find %s: %v", name, err)
	}
	return a
}

func countAccounts(t *testing.T, env map[string]string) int {
	t.Helper()
	n, err := openTestDB(t, env).CountAccounts(context.Background(), convene.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDomainBlockCommands(t *testing.T) {
	env := map[string]string{"CONVENE_DATA_DIR": t.TempDir()}
	for _, tt := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"domain", "block", "Spam.Example."}, exitOK, "blocked Spam.Example.; removed 0 follows\n"},
		{[]string{"domain", "block", "spam.example"}, exitOK, "blocked spam.example; removed 0 follows\n"},
		{[]string{"domain", "list"}, exitOK, "spam.example\n"},
		{[]string{"domain", "block", "https://x.example/path"}, exitFail, ""},
		{[]string{"domain", "block"}, exitUsage, ""},
		{[]string{"domain", "unblock", "spam.example"}, exitOK, "unblocked spam.example\n"},
		{[]string{"domain", "unblock", "spam.example"}, exitFail, ""},
		{[]string{"domain", "list"}, exitOK, ""},
	} {
		r := runCLI(t, env, "", tt.args...)
		if r.code != tt.code || r.out != tt.out {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, stdout %q", tt.args, r.code, r.out, r.errOut, tt.code, tt.out)
		}
	}
}

func TestQueueAndFollowCommandsOnAnEmptyInstance(t *testing.T) {
	env := map[string]string{"CONVENE_DATA_DIR": t.TempDir()}
	runCLI(t, env, "", "user", "create", "alice", "--email", "a@example.org", "--password", "correct horse battery", "--admin")
	runCLI(t, env, "", "community", "create", "surrey", "--name", "Surrey", "--follow-policy", "approval")
	r := runCLI(t, env, "", "queue")
	if r.code != exitOK || !strings.Contains(r.out, "deliveries: 0 pending (0 failing), 0 dead, 0 done") {
		t.Errorf("queue = %+v", r)
	}
	if r := runCLI(t, env, "", "follows", "pending", "surrey"); r.code != exitOK || r.out != "" {
		t.Errorf("follows pending = %+v", r)
	}
	if r := runCLI(t, env, "", "follows", "approve", "surrey", "https://nobody.example/u/x"); r.code != exitFail {
		t.Errorf("approving a follow that does not exist = %+v", r)
	}
	if r := runCLI(t, env, "", "follow", "alice", "not-a-handle"); r.code != exitFail || !strings.Contains(r.errOut, "is not a handle") {
		t.Errorf("follow with a bad handle = %+v", r)
	}
	r = runCLI(t, env, "", "domain", "block", "blocked.example")
	if r := runCLI(t, env, "", "follow", "alice", "@x@blocked.example"); r.code != exitFail || !strings.Contains(r.errOut, "blocked") {
		t.Errorf("following on a blocked domain = %+v", r)
	}
}
