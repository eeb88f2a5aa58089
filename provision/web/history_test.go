package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/provision"
	"github.com/cybridge/cybridge/provision/history"
)

// PersonHistory of the fake: 山田 太郎 (yamada) with a transfer, for any
// query that yamada's login, name or address contains; nobody otherwise.
func (f *fakeBackend) PersonHistory(_ context.Context, q string, limit int) (history.Report, error) {
	rep := history.Report{Query: q, People: []history.Person{}}
	if !strings.Contains("yamada 山田 太郎 yamada@example.com", q) {
		return rep, nil
	}
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	rep.Matched = 1
	rep.People = append(rep.People, history.Person{Login: "yamada", Name: "山田 太郎", Email: "yamada@example.com", Changes: 2,
		History: []history.Entry{
			history.FromChange(2, at.Add(time.Hour), provision.TriggerSchedule, provision.Change{Target: "safety", Kind: "member",
				Action: provision.Update, Key: "yamada", Label: "山田 太郎", Reason: provision.ReasonLink,
				Fields: provision.Fields{{Name: "departments", Old: []any{"sales"}, New: []any{"dev"}}}}),
			history.FromChange(1, at, provision.TriggerCLI, provision.Change{Target: "safety", Kind: "member",
				Action: provision.Create, Key: "yamada", Label: "山田 太郎", Reason: provision.ReasonNew,
				Fields: provision.Fields{{Name: "login", New: "yamada"}}}),
		}})
	return rep, nil
}

func TestHistoryPage(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	// The search box alone, linked from the nav.
	st, _, body := e.get("/history", "Accept-Language", "ja")
	if st != 200 || !strings.Contains(body, `name="q"`) || !strings.Contains(body, `<a href="/history" aria-current="page">変更履歴</a>`) {
		t.Fatalf("/history = %d, no search box or nav link:\n%s", st, body)
	}
	// A person's history, newest first, in Japanese with no English
	// sentence.
	_, _, body = e.get("/history?q="+url.QueryEscape("山田"), "Accept-Language", "ja")
	for _, want := range []string{"山田 太郎（yamada、yamada@example.com）", "同期 2（スケジュール）", "安否確認：変更",
		`所属部署：[&#34;sales&#34;] → [&#34;dev&#34;]`, `href="/runs/2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the history page has no %q", want)
		}
	}
	if i, j := strings.Index(body, "同期 2"), strings.Index(body, "同期 1"); i < 0 || j < 0 || i > j {
		t.Errorf("not newest first: run 2 at %d, run 1 at %d", i, j)
	}
	if s := msg.EnglishSentence(visibleText(body), "cybridge"); s != "" {
		t.Errorf("the Japanese history page has an English sentence: %q", s)
	}
	// The check finds English where there is some: the English page.
	_, _, body = e.get("/history?q="+url.QueryEscape("山田"), "Accept-Language", "en")
	if msg.EnglishSentence(visibleText(body), "cybridge") == "" {
		t.Errorf("the English history page has no English sentence: the check cannot fail")
	}
	// No match says so, in both languages.
	_, _, body = e.get("/history?q="+url.QueryEscape("鈴木"), "Accept-Language", "ja")
	if !strings.Contains(body, "「鈴木」に一致する人の変更履歴はありません。") {
		t.Errorf("no match in Japanese:\n%s", body)
	}
	_, _, body = e.get("/history?q=nobody", "Accept-Language", "en")
	if !strings.Contains(body, "No change history matches nobody.") {
		t.Errorf("no match in English:\n%s", body)
	}
}

// visibleText is a page's text without its tags.
func visibleText(page string) string {
	var b strings.Builder
	in := false
	for _, r := range page {
		switch {
		case r == '<':
			in = true
			b.WriteByte('\n')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestHistoryAPI(t *testing.T) {
	e := newTestEnv(t)
	st, body := e.api("GET", "/api/v1/history?q=yamada", nil)
	if st != 200 {
		t.Fatalf("GET /api/v1/history = %d %s", st, body)
	}
	var got history.Report
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want, _ := e.backend.PersonHistory(context.Background(), "yamada", 0)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("API answer (-backend +API):\n%s", diff)
	}
	for _, q := range []string{"/api/v1/history", "/api/v1/history?q=yamada&limit=0"} {
		if st, body := e.api("GET", q, nil); st != 400 || !strings.Contains(body, `"code": "invalid"`) {
			t.Errorf("GET %s = %d %s; want 400 invalid", q, st, body)
		}
	}
	if st, body := e.api("GET", "/api/v1/history?q=nobody", nil); st != 200 || !strings.Contains(body, `"people": []`) {
		t.Errorf("no match = %d %s; want 200 with no people", st, body)
	}
}

func TestRosterAndEnrolmentPagesLinkTheHistory(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	for page, id := range map[string]string{"/calendar/sato": "enrolment-history", "/roster/members/sato": "member-history"} {
		_, _, body := e.get(page)
		if !strings.Contains(body, `id="`+id+`"`) || !strings.Contains(body, `href="/history?q=sato"`) {
			t.Errorf("%s has no link to the history", page)
		}
	}
}

// Changes of the fake: three changes in two runs, read after a cursor.
func (f *fakeBackend) Changes(_ context.Context, after string, limit int) (history.Feed, error) {
	all := []history.FeedChange{
		{Cursor: "1-0", RunID: 1, Trigger: provision.TriggerCLI, Change: provision.Change{Target: "safety", Kind: "member", Action: provision.Create, Key: "yamada"}},
		{Cursor: "1-1", RunID: 1, Trigger: provision.TriggerCLI, Change: provision.Change{Target: "calendar", Kind: "enrolment", Action: provision.Create, Key: "yamada"}},
		{Cursor: "2-0", RunID: 2, Trigger: provision.TriggerSchedule, Change: provision.Change{Target: "safety", Kind: "member", Action: provision.Update, Key: "yamada"}},
	}
	if _, _, ok := history.ParseCursor(after); !ok {
		return history.Feed{}, &codedErr{"invalid_input", "not a cursor"}
	}
	if limit < 1 {
		limit = 2
	}
	feed := history.Feed{After: after, Changes: []history.FeedChange{}, Next: after}
	for _, c := range all {
		if after == "" || c.Cursor > after {
			if len(feed.Changes) == limit {
				feed.More = true
				break
			}
			feed.Changes = append(feed.Changes, c)
			feed.Next = c.Cursor
		}
	}
	return feed, nil
}

// GET /api/v1/changes reads the feed page by page, following next.
func TestChangesAPI(t *testing.T) {
	e := newTestEnv(t)
	var got []string
	after := ""
	for range 5 {
		st, body := e.api("GET", "/api/v1/changes?limit=1&after="+after, nil)
		if st != 200 {
			t.Fatalf("GET /api/v1/changes = %d %s", st, body)
		}
		var feed history.Feed
		if err := json.Unmarshal([]byte(body), &feed); err != nil {
			t.Fatal(err)
		}
		for _, c := range feed.Changes {
			got = append(got, c.Cursor+" "+c.Change.Key+" "+string(c.Change.Action))
		}
		after = feed.Next
		if !feed.More {
			break
		}
	}
	if diff := cmp.Diff([]string{"1-0 yamada create", "1-1 yamada create", "2-0 yamada update"}, got); diff != "" {
		t.Errorf("feed (-want +got):\n%s", diff)
	}
	for q, want := range map[string]int{"/api/v1/changes?limit=0": 400, "/api/v1/changes?after=x": 400, "/api/v1/changes": 200} {
		if st, body := e.api("GET", q, nil); st != want {
			t.Errorf("GET %s = %d %s; want %d", q, st, body, want)
		}
	}
}
