package caldav

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/calendar/caldav/caldavtest"
)

func TestCheckAgainstRadicale(t *testing.T) {
	srv := caldavtest.Start(t)
	tests := []struct {
		name   string
		target Target
		want   Outcome
		status int
		cal    string
		ja     string // the Japanese text, where the test pins it
	}{
		{"reachable", Target{URL: srv.URL("/alice/calendar/"), AuthID: "alice", Password: caldavtest.Users["alice"]}, Reachable, 207, "Work",
			"カレンダー「Work」に接続できました。この認証 ID と認証パスワードで同期できます。"},
		{"reachable without trailing slash", Target{URL: srv.URL("/alice/calendar"), AuthID: "alice", Password: caldavtest.Users["alice"]}, Reachable, 207, "Work", ""},
		{"wrong password", Target{URL: srv.URL("/alice/calendar/"), AuthID: "alice", Password: "not-the-password"}, Unauthorized, 401, "",
			"CalDAV サーバーが認証 ID または認証パスワードを受け付けませんでした（HTTP 401）。CalDAV サーバーのアカウント設定で両方を確認し、設定し直してください。"},
		{"unknown user", Target{URL: srv.URL("/alice/calendar/"), AuthID: "mallory", Password: "x"}, Unauthorized, 401, "", ""},
		{"another user's calendar", Target{URL: srv.URL("/alice/calendar/"), AuthID: "bob", Password: caldavtest.Users["bob"]}, Forbidden, 403, "",
			"認証 ID と認証パスワードは受け付けられましたが、このアカウントにはこのカレンダーへのアクセスが許可されていません（HTTP 403）。このアカウントが所有するカレンダーか、変更権限を付与して共有されたカレンダーを指定してください。"},
		{"address book", Target{URL: srv.URL("/alice/contacts/"), AuthID: "alice", Password: caldavtest.Users["alice"]}, NotCalendar, 207, "", ""},
		{"principal collection", Target{URL: srv.URL("/alice/"), AuthID: "alice", Password: caldavtest.Users["alice"]}, NotCalendar, 207, "", ""},
		{"no such calendar", Target{URL: srv.URL("/alice/holidays/"), AuthID: "alice", Password: caldavtest.Users["alice"]}, NotFound, 404, "",
			"このカレンダー URL にはカレンダーがありません（HTTP 404）。URL のパスを確認してください。通常、パスはカレンダー名とスラッシュ（/）で終わります。"},
		{"https to a plain-http port", Target{URL: strings.Replace(srv.URL("/alice/calendar/"), "http://", "https://", 1), AuthID: "alice", Password: caldavtest.Users["alice"]}, TLSFailure, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(context.Background(), nil, tt.target)
			if got.Outcome != tt.want || got.Status != tt.status || got.Calendar != tt.cal {
				t.Errorf("Check = %+v, want outcome %s, status %d, calendar %q", got, tt.want, tt.status, tt.cal)
			}
			assertNoSecret(t, got, tt.target.Password)
			assertTexts(t, got)
			if tt.ja != "" && got.Text(msg.Ja) != tt.ja {
				t.Errorf("ja:\n got %s\nwant %s", got.Text(msg.Ja), tt.ja)
			}
			err := got.Err()
			if tt.want == Reachable {
				if err != nil {
					t.Errorf("Err() = %v, want nil", err)
				}
				return
			}
			var ce *CheckError
			if !errors.As(err, &ce) || ce.ErrorCode() != "caldav_"+string(tt.want) {
				t.Errorf("Err() = %v, want a *CheckError with code caldav_%s", err, tt.want)
			}
		})
	}
}

func TestCheckTransportFailures(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler()) // certificate from an unknown authority
	defer tlsSrv.Close()
	srv500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv500.Close()
	notDAV := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusMethodNotAllowed)
	}))
	defer notDAV.Close()
	// silent accepts connections and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	// noDNS resolves nothing: its resolver's server cannot be reached, so
	// the lookup fails the way it does for a misspelt host, without
	// leaving the machine.
	noDNS := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Resolver: &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			return nil, &net.DNSError{Err: "no such host", Name: "calendar.example.invalid", IsNotFound: true}
		},
	}}).DialContext}}
	tests := []struct {
		name    string
		client  *http.Client
		url     string
		timeout time.Duration
		want    Outcome
		status  int
	}{
		{"untrusted certificate", nil, tlsSrv.URL + "/cal/", 0, TLSFailure, 0},
		{"connection refused", nil, "http://" + caldavtest.FreePort(t) + "/cal/", 0, Refused, 0},
		{"host does not resolve", noDNS, "https://calendar.example.invalid/cal/", 0, DNSFailure, 0},
		{"no answer", nil, "http://" + silent.Addr().String() + "/cal/", 300 * time.Millisecond, Timeout, 0},
		{"server error", nil, srv500.URL + "/cal/", 0, ServerFailure, 500},
		{"not a WebDAV server", nil, notDAV.URL + "/cal/", 0, ServerFailure, 405},
		{"plain http to a remote host", nil, "http://calendar.example.com/cal/", 0, BadURL, 0},
		{"credentials in the URL", nil, "https://alice:hunter22@calendar.example.com/cal/", 0, BadURL, 0},
		{"not a URL", nil, "calendar.example.com/cal", 0, BadURL, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			got := Check(ctx, tt.client, Target{URL: tt.url, AuthID: "alice", Password: "hunter22"})
			if got.Outcome != tt.want || got.Status != tt.status {
				t.Errorf("Check = %+v, want outcome %s status %d", got, tt.want, tt.status)
			}
			if got.Message == "" {
				t.Error("empty message")
			}
			assertNoSecret(t, got, "hunter22")
			assertTexts(t, got)
		})
	}
}

// kinds is the kind of each failed outcome's error.
var kinds = map[Outcome]msg.Kind{
	Unauthorized: msg.KindInvalid, NotFound: msg.KindInvalid, NotCalendar: msg.KindInvalid, BadURL: msg.KindInvalid,
	Forbidden:  msg.KindForbidden,
	TLSFailure: msg.KindUnavailable, DNSFailure: msg.KindUnavailable, Refused: msg.KindUnavailable, Timeout: msg.KindUnavailable, ServerFailure: msg.KindUnavailable,
}

// assertTexts fails unless r renders from its key in Japanese and English
// with every parameter, its Message is the English text, and its error
// (when it failed) has the outcome's code and kind, the result's
// parameters and the same texts.
func assertTexts(t *testing.T, r Result) {
	t.Helper()
	ja, en := r.Text(msg.Ja), r.Text(msg.En)
	switch {
	case r.Key == "" || !msg.Has(r.Key):
		t.Errorf("key %q is not in the catalogue", r.Key)
	case !msg.IsJapanese(ja):
		t.Errorf("the Japanese text is not Japanese: %s", ja)
	case en != r.Message:
		t.Errorf("Message %q is not the English text %q", r.Message, en)
	}
	for _, s := range []string{ja, en} {
		if strings.Contains(s, "{") {
			t.Errorf("lacks a parameter: %s", s)
		}
	}
	if r.Params["url"] != r.URL {
		t.Errorf("params %v lack the URL %q", r.Params, r.URL)
	}
	err := r.Err()
	if r.OK() {
		return
	}
	if got := msg.Code(err); got != "caldav_"+string(r.Outcome) {
		t.Errorf("code %q", got)
	}
	if got, want := msg.KindOf(err), kinds[r.Outcome]; got != want {
		t.Errorf("kind %v, want %v", got, want)
	}
	if diff := cmp.Diff(r.Params, msg.ParamsOf(err)); diff != "" {
		t.Errorf("error params (-result +error):\n%s", diff)
	}
	if got := msg.Localize(msg.Ja, err); got != ja {
		t.Errorf("Localize(ja) = %q, want %q", got, ja)
	}
	if got := err.Error(); got != en {
		t.Errorf("Error() = %q, want %q", got, en)
	}
}

// TestResultTexts renders every text a check can give in both languages,
// including those the other tests cannot bring about on this machine,
// and a result stored by an older version (no key) as its message.
func TestResultTexts(t *testing.T) {
	base := Result{URL: "https://dav.example.com/sato/calendar/"}
	tests := []struct {
		o      Outcome
		status int
		key    string
		p      msg.Params
		ja     string
	}{
		{Reachable, 207, KeyReachable, msg.Params{"calendar": "業務"}, "カレンダー「業務」に接続できました。この認証 ID と認証パスワードで同期できます。"},
		{Reachable, 207, KeyReachableUnnamed, nil, "カレンダーに接続できました。この認証 ID と認証パスワードで同期できます。"},
		{Unauthorized, 401, KeyUnauthorized, nil, ""},
		{Forbidden, 403, KeyForbidden, nil,
			"認証 ID と認証パスワードは受け付けられましたが、このアカウントにはこのカレンダーへのアクセスが許可されていません（HTTP 403）。このアカウントが所有するカレンダーか、変更権限を付与して共有されたカレンダーを指定してください。"},
		{NotFound, 410, KeyNotFound, nil, ""},
		{NotCalendar, 207, KeyNotCalendar, nil, ""},
		{TLSFailure, 0, KeyTLSHandshake, nil, ""},
		{TLSFailure, 0, KeyTLSCertificate, nil, ""},
		{TLSFailure, 0, KeyTLSNotTLS, nil, ""},
		{DNSFailure, 0, KeyDNS, msg.Params{"host": "dav.example.com"}, "ホスト名「dav.example.com」の名前解決ができませんでした。URL のホスト名を確認してください。"},
		{Refused, 0, KeyRefused, nil, ""},
		{Timeout, 0, KeyTimeout, nil, ""},
		{ServerFailure, 503, KeyServerStatus, msg.Params{"detail": "Service Unavailable"}, "サーバーが HTTP 503（Service Unavailable）を返しました。しばらくしてからもう一度確認するか、URL を確認してください。"},
		{ServerFailure, 405, KeyServerNotDAV, nil, ""},
		{ServerFailure, 302, KeyServerPlainRedirect, nil, ""},
		{ServerFailure, 0, KeyServerUnreachable, msg.Params{"detail": "EOF"}, ""},
		{BadURL, 0, URLKey, msg.Params{"detail": "bad"}, ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			seen[tt.key] = true
			r := base.with(tt.o, tt.status, tt.key, tt.p)
			assertTexts(t, r)
			if tt.ja != "" && r.Text(msg.Ja) != tt.ja {
				t.Errorf("ja:\n got %s\nwant %s", r.Text(msg.Ja), tt.ja)
			}
		})
	}
	for _, k := range Keys() {
		if !seen[k] {
			t.Errorf("%s: not rendered by this test", k)
		}
	}
	// A bad URL of each reason, checked for real (CheckURL refuses it
	// before any request): the editor's texts for the same URL.
	for _, u := range []string{"dav.example.com/cal", "https://a:b@dav.example.com/", "http://dav.example.com/", "ftp://dav.example.com/"} {
		res := Check(context.Background(), nil, Target{URL: u})
		if res.Outcome != BadURL || !strings.HasPrefix(res.Key, URLKey+".") {
			t.Errorf("Check(%q) = %+v, want url_invalid with a reason's text", u, res)
		}
		assertTexts(t, res)
		seen[res.Key] = true
	}
	for _, r := range URLReasons() {
		if k := (&URLError{Reason: r}).Key(); !seen[k] {
			t.Errorf("%s: not rendered by this test", k)
		}
	}
	old := Result{Outcome: Unauthorized, URL: base.URL, Status: 401, Message: "the server refused the auth id or password (HTTP 401)."}
	if got := old.Text(msg.Ja); got != old.Message {
		t.Errorf("a result without a key: %q, want its message", got)
	}
	if got := msg.Localize(msg.Ja, old.Err()); got != old.Message {
		t.Errorf("a result without a key as an error: %q, want its message", got)
	}
}

// assertNoSecret fails if the password shows anywhere in the result, as
// printed or as JSON.
func assertNoSecret(t *testing.T, r Result, password string) {
	t.Helper()
	b, _ := json.Marshal(r)
	for _, s := range []string{string(b), r.Message, r.URL} {
		if strings.Contains(s, password) {
			t.Errorf("the password appears in the result: %s", s)
		}
	}
	if err := r.Err(); err != nil && strings.Contains(err.Error(), password) {
		t.Errorf("the password appears in the error: %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://dav.example.com/alice/calendar/", true},
		{"HTTPS://dav.example.com/cal/", true},
		{"http://127.0.0.1:5232/alice/calendar/", true},
		{"http://localhost:5232/alice/calendar/", true},
		{"http://[::1]:5232/alice/calendar/", true},
		{"http://dav.example.com/alice/", false},
		{"ftp://dav.example.com/alice/", false},
		{"https:///alice/", false},
		{"dav.example.com/alice", false},
		{"https://u:p@dav.example.com/alice/", false},
		{"", false},
	}
	for _, tt := range tests {
		err := CheckURL(tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("CheckURL(%q) = %v, want ok=%v", tt.url, err, tt.ok)
		}
		if err != nil {
			if strings.Contains(err.Error(), "u:p@") {
				t.Errorf("CheckURL(%q) leaks credentials: %v", tt.url, err)
			}
			var ue *URLError
			if !errors.As(err, &ue) || ue.ErrorCode() != "caldav_url_invalid" {
				t.Errorf("CheckURL(%q) = %T, want *URLError", tt.url, err)
			}
		}
	}
}

func TestExpandTemplate(t *testing.T) {
	tests := []struct {
		name, tmpl, login, email string
		want                     string
		errPart                  string
	}{
		{"login", "https://dav.example.com/{login}/calendar/", "sato", "sato@example.com", "https://dav.example.com/sato/calendar/", ""},
		{"email", "https://dav.example.com/{email}/", "sato", "sato@example.com", "https://dav.example.com/sato@example.com/", ""},
		{"email local part", "https://dav.example.com/{email_local}/work/", "sato", "t.sato@example.com", "https://dav.example.com/t.sato/work/", ""},
		{"escaped", "https://dav.example.com/{login}/", "佐藤 太郎", "", "https://dav.example.com/%E4%BD%90%E8%97%A4%20%E5%A4%AA%E9%83%8E/", ""},
		{"no placeholders", "https://dav.example.com/shared/", "sato", "", "https://dav.example.com/shared/", ""},
		{"unknown placeholder", "https://dav.example.com/{user}/", "sato", "", "", "unknown placeholder {user}"},
		{"missing email", "https://dav.example.com/{email}/", "sato", "", "", "{email} is empty"},
		{"plain http", "http://dav.example.com/{login}/", "sato", "", "", "loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExpandTemplate(tt.tmpl, tt.login, tt.email)
			if tt.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("ExpandTemplate = %q, %v; want an error containing %q", got, err, tt.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if err := CheckTemplate("https://dav.example.com/{login}/"); err != nil {
		t.Errorf("CheckTemplate: %v", err)
	}
	if err := CheckTemplate("https://dav.example.com/{logn}/"); err == nil {
		t.Error("CheckTemplate accepted an unknown placeholder")
	}
}

// TestCheckNeverFollowsARedirectToPlainHTTP: the URL must be https so that
// the password travels encrypted; a server (or anyone in the way of a
// misconfigured one) answering with a redirect to http:// must not get the
// Basic credentials in clear.
func TestCheckNeverFollowsARedirectToPlainHTTP(t *testing.T) {
	leaked := make(chan string, 4)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			leaked <- a
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	defer plain.Close()
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, plain.URL+"/alice/calendar/", code)
		}))
		got := Check(context.Background(), tlsSrv.Client(), Target{URL: tlsSrv.URL + "/alice/calendar/", AuthID: "alice", Password: "redirect-secret"})
		tlsSrv.Close()
		select {
		case a := <-leaked:
			t.Errorf("redirect %d: the plain-http server got Authorization %q", code, a)
		default:
		}
		if got.Outcome != ServerFailure || !strings.Contains(got.Message, "plain http://") {
			t.Errorf("redirect %d: Check = %+v; want server_error saying the redirect leaves https", code, got)
		}
		assertNoSecret(t, got, "redirect-secret")
	}
}
