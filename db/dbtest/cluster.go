package dbtest

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

// pgCluster is a throwaway PostgreSQL server: its own data directory, reachable only over a
// Unix socket in that directory, with durability turned off since nothing in it must last.
type pgCluster struct {
	dir  string
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

func startCluster() (*pgCluster, error) {
	bin, err := postgresBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "convene-pg-")
	if err != nil {
		return nil, err
	}
	cred, err := postgresCredential(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	c := &pgCluster{dir: dir, done: make(chan struct{})}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir,
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB")
	// Pdeathsig: if the test binary dies (a panic, a -timeout), the server dies with it.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err == nil {
		c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	}
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() { c.cmd.Wait(); close(c.done) }()
	c.url = "postgres://postgres@/postgres?sslmode=disable&host=" + dir
	if err := c.waitReady(30 * time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		c.stop()
		return nil, fmt.Errorf("%w; server log:\n%s", err, log)
	}
	return c, nil
}

func (c *pgCluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := sql.Open("postgres", c.url)
		if err == nil {
			err = conn.Ping()
			conn.Close()
		}
		if err == nil {
			return nil
		}
		select {
		case <-c.done:
			return errors.New("postgres exited during start-up")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %s: %v", timeout, err)
		}
	}
}

// stop shuts the server down fast (SIGINT) or kills it, then removes its files.
func (c *pgCluster) stop() {
	if c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-c.done
		}
	}
	os.RemoveAll(c.dir)
}

// postgresBinDir finds the newest installed PostgreSQL server binaries.
func postgresBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) < majorOf(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", errors.New("no TEST_DATABASE_URL and no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// postgresCredential returns who the server runs as. PostgreSQL refuses to run as root, so
// under root it runs as the "postgres" user, which must own its directory.
func postgresCredential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user to run PostgreSQL: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// adminConn returns a connection pool to the admin database, shared by all tests of the binary.
func adminConn(t testing.TB, url string) *sql.DB {
	adminOnce.Do(func() { admin, adminErr = sql.Open("postgres", url) })
	if adminErr != nil {
		t.Fatalf("connect to postgres: %v", adminErr)
	}
	return admin
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)
