package handlers

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/convene-social/convene"
	"github.com/convene-social/convene/frontend"
	"github.com/convene-social/convene/service"
)

// Cookies: the session token (signed-in browsers) and, for visitors, the secret their forms
// send back (sign-in, sign-up), since they have no session to hold one.
const (
	sessionCookie = "convene_session"
	csrfCookie    = "convene_csrf"
	csrfField     = "csrf"
)

type sessionKey struct{}

// webSession is what withSession found for a request.
type webSession struct {
	session *convene.Session
	account *convene.Account
}

// withSession signs the request in when it carries a live session cookie: the account
// becomes the principal the service sees. A stale cookie is cleared.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.cookie(r, sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		se, a, err := s.svc.Session(r.Context(), c.Value)
		switch {
		case convene.ErrorCode(err) == convene.EUNAUTHORIZED:
			s.clearCookie(w, sessionCookie)
			next.ServeHTTP(w, r)
			return
		case err != nil:
			s.Error(w, r, err)
			return
		}
		ctx := convene.WithPrincipal(r.Context(), convene.Principal{Account: a})
		ctx = context.WithValue(ctx, sessionKey{}, &webSession{session: se, account: a})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func sessionFrom(ctx context.Context) *webSession {
	ws, _ := ctx.Value(sessionKey{}).(*webSession)
	return ws
}

// csrfToken is the secret the page's forms carry: the session's, or for a visitor the one
// in their CSRF cookie, set now if they have none.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if ws := sessionFrom(r.Context()); ws != nil {
		return ws.session.CSRFToken
	}
	if c, err := s.cookie(r, csrfCookie); err == nil && validToken(c.Value) {
		return c.Value
	}
	token := service.NewSecret()
	s.setCookie(w, csrfCookie, token, 0)
	// Later calls in this request must see the same token.
	r.AddCookie(&http.Cookie{Name: s.cookieName(csrfCookie), Value: token})
	return token
}

// validToken: the shape of service.NewSecret's secrets.
func validToken(v string) bool { return len(v) == 43 && !strings.ContainsAny(v, "=+/ ") }

// formMemory is how much of a multipart form is held in memory; a file beyond it waits in
// a temporary file until the request ends.
const formMemory = 1 << 20

// maxFormBody bounds a web form: the longest field is an event description of 20,000
// characters.
const maxFormBody = 256 << 10

// withCSRF refuses a form POST whose secret does not match the session's (or the visitor's
// cookie), and any POST a browser says comes from another site. It bounds the form's size.
func (s *Server) withCSRF(next http.Handler) http.Handler {
	return s.withCSRFLimit(maxFormBody)(next)
}

// signedInToUpload refuses a visitor's POST before its body is read: only the signed-in send
// files, and a visitor's must not be spooled to disk.
func (s *Server) signedInToUpload(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && sessionFrom(r.Context()) == nil {
			s.renderError(w, r, http.StatusUnauthorized, "Sign in to post.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withCSRFLimit is withCSRF for forms of up to limit bytes (those that carry a file).
func (s *Server) withCSRFLimit(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return s.csrfChecked(limit, next) }
}

func (s *Server) csrfChecked(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		// Read the form now: a body over the limit must say so, not look like a stale form.
		err := r.ParseMultipartForm(formMemory)
		// Files over formMemory went to disk. net/http removes them only for the request it
		// made, and the handlers get copies of it (WithContext): remove them here.
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		if err != nil {
			if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
				s.renderError(w, r, http.StatusRequestEntityTooLarge, "This form is too large (a picture may be at most 16 MB).")
				return
			}
		}
		want := ""
		if ws := sessionFrom(r.Context()); ws != nil {
			want = ws.session.CSRFToken
		} else if c, err := s.cookie(r, csrfCookie); err == nil {
			want = c.Value
		}
		got := r.PostFormValue(csrfField)
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" || want == "" ||
			subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.renderError(w, r, http.StatusForbidden, "This form has expired or came from another site. Go back, reload the page and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site, Secure under https.
// maxAge 0 makes a browser-session cookie.
// cookieName is the name a cookie goes by: under https with the __Host- prefix, which
// browsers accept only when set by this exact host over https for the whole site, so a
// neighbouring subdomain cannot plant a session or a form secret (cookie tossing).
func (s *Server) cookieName(base string) string {
	if strings.HasPrefix(s.iris.Base(), "https://") {
		return "__Host-" + base
	}
	return base
}

// cookie reads the cookie named base (see cookieName).
func (s *Server) cookie(r *http.Request, base string) (*http.Cookie, error) {
	return r.Cookie(s.cookieName(base))
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.iris.Base(), "https://")})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.iris.Base(), "https://")})
}

// clientIP is the address a request came from. Behind a reverse proxy on the same host (the
// connection is from loopback) it is the address the proxy appended to X-Forwarded-For;
// otherwise that header is anyone's to forge and is ignored.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 {
			hops := strings.Split(fwd[len(fwd)-1], ",")
			if last := strings.TrimSpace(hops[len(hops)-1]); net.ParseIP(last) != nil {
				return last
			}
		}
	}
	return host
}

// viewer is who a page is rendered for.
func viewer(ctx context.Context) *frontend.Viewer {
	ws := sessionFrom(ctx)
	if ws == nil {
		return nil
	}
	a := ws.account
	return &frontend.Viewer{Username: a.Username, DisplayName: a.DisplayName, Admin: a.Role == convene.RoleAdmin}
}

// localPath keeps a "next" parameter to a path on this site ("/c/surrey"), never another
// site ("//evil.example", "https://…"), so sign-in cannot be used to redirect elsewhere.
// Browsers drop tabs and newlines from a Location and read a backslash as a slash, and
// http.Redirect cleans "/a/../\\evil.example" to "/\\evil.example": a path with any control
// character or backslash is refused whole.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsFunc(next, func(r rune) bool {
		return r == '\\' || r < 0x20 || r == 0x7f
	}) {
		return "/"
	}
	return next
}

// signInFirst sends a visitor to the sign-in page and back afterwards: to the page asked for
// after a GET, or, since a redirect cannot send a form again, to formPage(r), the page the
// form is on.
func signInFirst(formPage func(*http.Request) string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if sessionFrom(r.Context()) != nil {
			h(w, r)
			return
		}
		next := r.URL.RequestURI()
		if r.Method == http.MethodPost {
			next = formPage(r)
		}
		redirectToSignIn(w, r, next)
	}
}

// requireSignIn is signInFirst inside a page's handler that decides late whether a visitor
// must sign in; it reports whether the viewer is signed in.
func requireSignIn(w http.ResponseWriter, r *http.Request) bool {
	if sessionFrom(r.Context()) != nil {
		return true
	}
	redirectToSignIn(w, r, r.URL.RequestURI())
	return false
}

// redirectToSignIn sends the browser to sign in, then on to next, a local path.
func redirectToSignIn(w http.ResponseWriter, r *http.Request, next string) {
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}
