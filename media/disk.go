// Package media keeps uploaded files on the local disk, under one directory, by keys the
// service makes. It implements convene.MediaFiles.
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/convene-social/convene"
)

// validKey is the only shape of key this store accepts: a flat file name of letters,
// digits, '_' and '-', with one short extension. No separators and no dots besides the
// extension's, so no key can name a path outside the directory.
var validKey = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}\.[a-z0-9]{1,5}$`)

// Disk stores files in one directory.
type Disk struct {
	dir string
}

var _ convene.MediaFiles = (*Disk)(nil)

// NewDisk returns a store writing under dir, which it creates (owner-only) if missing.
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("media directory: %w", err)
	}
	return &Disk{dir: dir}, nil
}

func (d *Disk) path(key string) (string, error) {
	if !validKey.MatchString(key) {
		return "", convene.Errorf(convene.ENOTFOUND, "no such file")
	}
	return filepath.Join(d.dir, key), nil
}

// Put writes the file under key: to a temporary file first, renamed into place when
// complete, so a reader never sees half a file and a failed write leaves nothing.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader) error {
	path, err := d.path(key)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d.dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return fmt.Errorf("store media: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	return nil
}

// Open opens the file under key; ENOTFOUND if there is none.
func (d *Disk) Open(ctx context.Context, key string) (convene.MediaFile, error) {
	path, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, convene.Errorf(convene.ENOTFOUND, "no such file")
	}
	if err != nil {
		return nil, fmt.Errorf("open media: %w", err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, convene.Errorf(convene.ENOTFOUND, "no such file")
	}
	return file{File: f, mod: info.ModTime()}, nil
}

// Delete removes the file under key; a missing file is fine.
func (d *Disk) Delete(ctx context.Context, key string) error {
	path, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete media: %w", err)
	}
	return nil
}

type file struct {
	*os.File
	mod time.Time
}

func (f file) ModTime() time.Time { return f.mod }
