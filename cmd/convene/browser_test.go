package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/convene-social/convene/db/dbtest"
)

// Browser tests drive Debian's Chromium through the DevTools protocol (chromedp) against a
// real server process. Each page visited is checked by axe-core (from e2e/, installed by
// `npm ci --prefix e2e`) and photographed into the test output folder for review.

// axeScript is axe-core's bundle, relative to this package's directory.
var axeScript = filepath.Join("..", "..", "e2e", "node_modules", "axe-core", "axe.min.js")

// screenshotDir is where page screenshots go; CONVENE_TEST_OUTPUT overrides the folder.
func screenshotDir() string {
	if dir := os.Getenv("CONVENE_TEST_OUTPUT"); dir != "" {
		return filepath.Join(dir, "screenshots")
	}
	return filepath.Join("..", "..", "test-output", "screenshots")
}

// chromiumPath finds the browser: CONVENE_CHROMIUM, else chromium on the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("CONVENE_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH; install Debian's chromium or set CONVENE_CHROMIUM")
}

// browserZone is the time zone the browser runs in.
const browserZone = "Pacific/Auckland"

// webBrowser is one headless Chromium with one tab.
type webBrowser struct {
	t        *testing.T
	ctx      context.Context
	axe      string
	shots    string
	checked  map[string]bool // pages already checked by axe, by name
	download string          // where downloads land
}

// startBrowser launches Chromium, or skips the test (fails it when CONVENE_TEST_REQUIRE
// names "browser") when Chromium or axe-core is missing.
func startBrowser(t *testing.T) *webBrowser {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		dbtest.Unavailable(t, "browser", err.Error())
	}
	axe, err := os.ReadFile(axeScript)
	if err != nil {
		dbtest.Unavailable(t, "browser", "axe-core missing: run `npm ci --prefix e2e` ("+err.Error()+")")
	}
	shots := screenshotDir()
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	// As root Chromium needs --no-sandbox; the background-networking flags keep it from
	// calling Google's hosts, which this machine and CI cannot reach.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		// A zone unlike the machine's, so a page that guesses the visitor's zone is seen to.
		chromedp.Env("TZ=" + browserZone),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	b := &webBrowser{t: t, ctx: ctx, axe: string(axe), shots: shots, checked: map[string]bool{}, download: t.TempDir()}
	// The first action starts the browser; it must not run under a timeout of its own, or the
	// timeout would stop the whole browser.
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: b.download, EventsEnabled: ptrTo(true)})
		return err
	}))
	if err != nil {
		t.Fatalf("starting chromium (%s): %v", path, err)
	}
	return b
}

func ptrTo[T any](v T) *T { return &v }

// stepTimeout bounds each browser step: a page that never comes fails the test, not CI.
const stepTimeout = 20 * time.Second

// do performs browser actions, failing the test on error.
func (b *webBrowser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
}

// get runs one action that returns a value, failing the test on error.
func get[T any](b *webBrowser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
	return v
}

// location is the tab's current URL.
func (b *webBrowser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// open navigates to url and waits for its main landmark.
func (b *webBrowser) open(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("main")))
}

// submit fills a form's fields (CSS selector within the form → value), clicks its submit
// button and waits for the next page. Values are set, not typed, so date and time inputs
// take ISO values; a checkbox is checked by giving it the value "on".
func (b *webBrowser) submit(form string, fields map[string]string) {
	b.t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		if v == "on" {
			actions = append(actions, chromedp.SetAttributeValue(chromedp.CSS(form+" "+sel), "checked", "checked"))
			continue
		}
		actions = append(actions, chromedp.SetValue(chromedp.CSS(form+" "+sel), v))
	}
	b.do("fill "+form, actions...)
	b.click(form + ` button[type="submit"]`)
}

// click follows a link or presses a button and waits for the page it leads to.
func (b *webBrowser) click(sel string) {
	b.t.Helper()
	// The mark lives in the old page's window: it is gone once the next page has loaded.
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.conveneStale = true`))
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	b.waitLoaded()
}

// waitLoaded waits until a new page has replaced the marked one and finished loading. While
// the browser navigates, evaluating fails for lack of a context: that is retried.
func (b *webBrowser) waitLoaded() {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.conveneStale !== true && document.readyState === "complete"`))
		cancel()
		if err == nil && loaded {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("no new page loaded within %s (at %s)", stepTimeout, b.location())
}

// value is the current value of a form field.
func (b *webBrowser) value(sel string) string {
	b.t.Helper()
	return get(b, "read "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// text is the visible text of the page's main landmark.
func (b *webBrowser) text() string {
	b.t.Helper()
	return get(b, "read main", chromedp.Text(chromedp.CSS("main")))
}

// mustSee fails unless the main landmark shows want.
func (b *webBrowser) mustSee(want string) {
	b.t.Helper()
	if got := b.text(); !strings.Contains(got, want) {
		b.t.Fatalf("page %s does not show %q; it shows:\n%s", b.location(), want, got)
	}
}

// axeViolation is what axe-core says about one failed rule.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// check runs axe-core on the page, fails the test on serious or critical violations, takes
// screenshots named name, and checks that a 360 px wide screen needs no sideways scrolling.
func (b *webBrowser) check(name string) {
	b.t.Helper()
	b.screenshot(name)
	if b.checked[name] {
		return
	}
	b.checked[name] = true
	for _, v := range b.axeViolations(name) {
		b.t.Errorf("%s (%s): axe %s %s: %s\n  %s", name, b.location(), v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	b.checkNarrow(name)
}

// axeViolations runs axe-core on the page and returns its serious and critical findings.
func (b *webBrowser) axeViolations(name string) []axeViolation {
	b.t.Helper()
	// axe is evaluated through DevTools, which the page's Content-Security-Policy does not
	// govern; the pages themselves never run inline script.
	script := b.axe + `;axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
	  .filter(v => v.impact === "serious" || v.impact === "critical")
	  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html)})))`
	return get(b, "axe on "+name, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
}

// checkNarrow renders the page 360 px wide and fails if it scrolls sideways.
func (b *webBrowser) checkNarrow(name string) {
	b.t.Helper()
	b.do("narrow "+name, chromedp.EmulateViewport(360, 740), chromedp.Sleep(50*time.Millisecond))
	width := get(b, "measure "+name, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	b.writeShot(name+"-360px", get(b, "phone screenshot "+name, chromedp.FullScreenshot(100)))
	b.do("restore viewport", chromedp.EmulateViewport(1280, 900))
	if width > 360 {
		b.t.Errorf("%s is %d px wide on a 360 px screen: it scrolls sideways", name, width)
	}
}

// screenshot saves the whole page as name.png in the output folder.
func (b *webBrowser) screenshot(name string) {
	b.t.Helper()
	b.writeShot(name, get(b, "screenshot "+name, chromedp.FullScreenshot(100)))
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

func (b *webBrowser) writeShot(name string, png []byte) {
	b.t.Helper()
	file := filepath.Join(b.shots, unsafeName.ReplaceAllString(strings.ToLower(name), "-")+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// downloadLink clicks a link that downloads a file and returns the file's contents.
func (b *webBrowser) downloadLink(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("waiting for the download of %s: %v", sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			body, err := os.ReadFile(filepath.Join(b.download, ev.GUID))
			if err != nil {
				b.t.Fatal(err)
			}
			return string(body)
		case browser.DownloadProgressStateCanceled:
			b.t.Fatalf("the download of %s was cancelled", sel)
		}
	}
	b.t.Fatalf("no download came from %s", sel)
	return ""
}
