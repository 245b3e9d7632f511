package media_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/media"
)

func TestDiskStoresOpensAndDeletes(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "media")
	d, err := media.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "abc123.jpg", strings.NewReader("picture")); err != nil {
		t.Fatal(err)
	}
	f, err := d.Open(ctx, "abc123.jpg")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(f)
	f.Close()
	if string(body) != "picture" || f.ModTime().IsZero() {
		t.Errorf("read back %q at %v", body, f.ModTime())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want the one file (no temporary left)", len(entries))
	}
	if err := d.Delete(ctx, "abc123.jpg"); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, "abc123.jpg"); err != nil {
		t.Errorf("deleting a missing file = %v, want nil", err)
	}
	if _, err := d.Open(ctx, "abc123.jpg"); convene.ErrorCode(err) != convene.ENOTFOUND {
		t.Errorf("open after delete = %v, want ENOTFOUND", err)
	}
}

func TestDiskRefusesKeysThatAreNotPlainNames(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "secret.txt"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := media.NewDisk(filepath.Join(root, "media"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"../secret.txt", "..%2fsecret.txt", "/etc/passwd", "a/b.jpg", ".upload-1", "..", "",
		"x.jpg/..", `..\secret.txt`, "noextension"} {
		if _, err := d.Open(ctx, key); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Errorf("Open(%q) = %v, want ENOTFOUND", key, err)
		}
		if err := d.Put(ctx, key, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) succeeded", key)
		}
		if err := d.Delete(ctx, key); err == nil {
			t.Errorf("Delete(%q) succeeded", key)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "secret.txt")); err != nil {
		t.Errorf("the file outside was touched: %v", err)
	}
}
