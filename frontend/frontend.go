// Package frontend renders Convene's web pages: embedded html/template files, one typed page
// struct per template, and static assets served under fingerprinted URLs so browsers may
// cache them forever.
package frontend

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/convene-social/convene"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// StaticPrefix is where assets are served; handlers mount AssetHandler there.
const StaticPrefix = "/static/"

// Renderer renders pages. It is safe for concurrent use.
type Renderer struct {
	pages  map[string]*template.Template
	assets map[string]asset // by fingerprinted name
	urls   map[string]string
}

type asset struct {
	body        []byte
	contentType string
}

// Page is implemented by every page struct: it names its template and carries the layout data.
type Page interface {
	template() string
	layout() *Layout
}

// Layout is what every page shows around its content.
type Layout struct {
	Title    string // of this page; the instance name is appended
	Instance string // the instance's domain
	Lang     string // BCP 47; "en" by default
	// AlternateAS2 is the ActivityPub id of what the page shows, linked so that software
	// given the page's URL finds the actor.
	AlternateAS2 string
	// Alternates are further <link rel="alternate"> of the page: its feeds and calendar.
	Alternates []Alternate
	// Viewer is who is signed in, nil for a visitor; CSRF is the secret every POST form of
	// the page carries back. Handlers set both through Prepare.
	Viewer *Viewer
	CSRF   string
	// SiteName is the instance's display name from its settings; empty shows the domain.
	SiteName string
}

func (l *Layout) layout() *Layout { return l }

// Alternate is another representation of a page, such as its RSS feed, that browsers and
// feed readers find in its head.
type Alternate struct {
	Type  string // "application/rss+xml"
	Title string
	URL   string
}

// Viewer is the signed-in person a page is rendered for.
type Viewer struct {
	Username    string
	DisplayName string
	Admin       bool
}

// Prepare gives a page its viewer, form secret and the instance's name, whatever its type.
func Prepare(p Page, v *Viewer, csrf, siteName string) {
	l := p.layout()
	l.Viewer, l.CSRF, l.SiteName = v, csrf, siteName
}

// New parses the templates and fingerprints the assets.
func New() (*Renderer, error) {
	r := &Renderer{pages: map[string]*template.Template{}, assets: map[string]asset{}, urls: map[string]string{}}
	if err := r.loadAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": func(name string) string { return r.urls[name] },
		"date":  func(t time.Time) string { return t.Format("2 Jan 2006") },
		// inZone shows an instant as the wall-clock time of the zone it belongs to (an
		// event's), so a 18:30 meeting reads 18:30 whatever the server's or viewer's zone.
		"inZone": func(t time.Time, zone string) string {
			loc, err := convene.LoadZone(zone)
			if err != nil || zone == "" {
				loc = time.UTC
			}
			return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
		},
		"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", base, err)
		}
		r.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return r, nil
}

func (r *Renderer) loadAssets() error {
	return fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		r.assets[hashed] = asset{body: body, contentType: contentTypes[ext]}
		r.urls[name] = StaticPrefix + hashed
		return nil
	})
}

var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
}

// AssetURL is the fingerprinted path of a static asset ("avatar.png" →
// "/static/avatar.1a2b3c4d5e6f.png"), or "" if there is no such asset. The Mastodon API makes
// it absolute for its default avatar and header images.
func (r *Renderer) AssetURL(name string) string { return r.urls[name] }

// Render writes page with the given status. It renders into a buffer first, so a template
// error becomes an error here instead of half a page.
func (r *Renderer) Render(w http.ResponseWriter, status int, page Page) error {
	t, ok := r.pages[page.template()]
	if !ok {
		return fmt.Errorf("render: no template %q", page.template())
	}
	if l := page.layout(); l.Lang == "" {
		l.Lang = "en"
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, page); err != nil {
		return fmt.Errorf("render %s: %w", page.template(), err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := io.Copy(w, &buf)
	return err
}

// AssetHandler serves the fingerprinted assets with a year-long immutable cache lifetime.
func (r *Renderer) AssetHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		a, ok := r.assets[strings.TrimPrefix(req.URL.Path, StaticPrefix)]
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(a.body)
	})
}
