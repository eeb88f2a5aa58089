package calendar

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/internal/secret"
	"github.com/cybridge/cybridge/targets/calendar/caldav/caldavtest"
)

// TestHistoryTexts walks an enrolment through a run, every edit, the sync
// engine's errors and a CalDAV check against a real Radicale server, and
// renders its history in Japanese and in English: each line is the
// expected one, and no Japanese line has an English sentence.
func TestHistoryTexts(t *testing.T) {
	srv := caldavtest.Start(t)
	w := newWorld(t, calConfig(), testKey)
	ctx := context.Background()
	ed := w.editor
	first := w.run(company()).RunID
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w.clock = w.clock.Add(time.Minute)
	}
	_, err := ed.SetCalDAV(ctx, "sato", CalDAVSettings{URL: srv.URL("/alice/calendar/"), AuthID: "alice", Password: secret.Secret(caldavtest.Users["alice"])})
	step("set caldav", err)
	_, err = ed.Check(ctx, "sato")
	step("check", err)
	_, err = ed.Stop(ctx, "sato")
	step("stop", err)
	_, err = ed.Resume(ctx, "sato")
	step("resume", err)
	_, err = ed.Revoke(ctx, "sato")
	step("revoke", err)
	_, err = ed.Permit(ctx, "sato")
	step("permit", err)
	_, err = ed.Unpin(ctx, "sato")
	step("unpin", err)
	_, _, err = ed.RecordError(ctx, "sato", ErrServer)
	step("server error", err)
	_, _, err = ed.RecordError(ctx, "sato", ErrForbidden)
	step("forbidden", err)
	_, _, err = ed.RecordError(ctx, "sato", ErrServer)
	step("error while stopped", err)
	_, err = ed.Resume(ctx, "sato")
	step("resume after the auto-stop", err)
	_, err = ed.SetGoogle(ctx, "sato", GoogleSettings{CalendarID: "sato.team@group.calendar.google.com"})
	step("set google", err)
	snap := company()
	user(snap, "sato").Email = "ichiro.sato@example.com"
	second := w.run(snap).RunID
	_, hist, err := ed.Show(ctx, "sato")
	if err != nil {
		t.Fatal(err)
	}

	url := fmt.Sprintf("%q", srv.URL("/alice/calendar/"))
	want := map[msg.Lang][]string{
		msg.Ja: {
			fmt.Sprintf("cybridge（同期）（実行 %d）  利用登録を作成", first),
			`管理者  同期対象を設定：同期先：Google カレンダー → CalDAV、CalDAV の URL：（なし） → ` + url + `、既定のカレンダー URL：はい → いいえ、認証 ID：（なし） → "alice"、CalDAV パスワード：（なし） → 変更しました`,
			"管理者  CalDAV の接続確認：カレンダー「Work」に接続できました。この認証 ID と認証パスワードで同期できます。",
			"管理者  同期を停止：同期状態：同期 → 停止",
			"管理者  同期を再開：同期状態：停止 → 同期",
			"管理者  常に許可しないに固定：利用許可の固定：対象範囲に従う → 常に許可しない、利用許可：はい → いいえ",
			"管理者  常に許可に固定：利用許可の固定：常に許可しない → 常に許可、利用許可：いいえ → はい",
			"管理者  固定を解除：利用許可の固定：常に許可 → 対象範囲に従う。次回の同期から、対象範囲（calendar.scope）に従って利用許可を決めます。",
			"管理者  同期エラー：サーバーエラー。24 時間以内で 1 回目のエラーです。",
			"管理者  同期エラー：［自動停止中］。Forbidden（変更権限がありません）。24 時間以内で 2 回目のエラーです。エラーによる自動停止：カレンダーのサーバーが Forbidden を返しました（認証したアカウントにこのカレンダーの変更権限がありません。変更権限を付与してから同期を再開してください）。",
			"管理者  同期エラー：サーバーエラー。24 時間以内で 2 回目のエラーです。すでにエラーにより自動停止しています。",
			"管理者  同期を再開：自動停止の理由：エラーによる自動停止（Forbidden） → （なし）",
			`管理者  同期対象を設定：同期先：CalDAV → Google カレンダー、Google カレンダー ID："sato@example.com" → "sato.team@group.calendar.google.com"、既定のカレンダー ID：はい → いいえ ［同期状態をリセット］`,
			fmt.Sprintf(`cybridge（同期）（実行 %d）  利用登録を更新：メールアドレス："sato@example.com" → "ichiro.sato@example.com"`, second),
		},
		msg.En: {
			fmt.Sprintf("cybridge run (run %d)  create", first),
			`admin  set: target: Google Calendar → CalDAV; CalDAV URL: (none) → ` + url + `; CalDAV URL is the default: yes → no; auth id: (none) → "alice"; CalDAV password: (none) → (changed)`,
			`admin  CalDAV check: the calendar "Work" is reachable with these credentials.`,
			"admin  stop: sync switch: sync → stopped",
			"admin  resume: sync switch: stopped → sync",
			"admin  revoke: pin: follows the scope → never permitted; permitted: yes → no",
			"admin  permit: pin: never permitted → always permitted; permitted: no → yes",
			"admin  unpin: pin: always permitted → follows the scope; the scope decides from the next run",
			"admin  sync error: server error (1 within 24 hours)",
			"admin  sync error: [auto_stopped]; forbidden (2 within 24 hours); auto-stopped: the calendar server answered Forbidden (the authenticated account cannot change this calendar; give it 変更権限 and resume)",
			"admin  sync error: server error (2 within 24 hours); already auto-stopped",
			"admin  resume: auto-stop reason: auto-stopped (forbidden) → (none)",
			`admin  set: target: CalDAV → Google Calendar; calendar id: "sato@example.com" → "sato.team@group.calendar.google.com"; calendar id is the default: yes → no [resets_sync]`,
			fmt.Sprintf(`cybridge run (run %d)  update: email: "sato@example.com" → "ichiro.sato@example.com"`, second),
		},
	}
	for _, l := range []msg.Lang{msg.Ja, msg.En} {
		t.Run(string(l), func(t *testing.T) {
			var got []string
			for _, h := range hist {
				got = append(got, h.Summary(l))
			}
			if diff := cmp.Diff(want[l], got); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			if l != msg.Ja {
				return
			}
			for _, s := range got {
				if w := englishWords(s); len(w) > 0 {
					t.Errorf("English %q in %s", w, s)
				}
			}
		})
	}
	// Message keeps the English for the readers of older versions.
	for _, h := range hist {
		if h.Key != "" && h.Message != h.Text(msg.En) {
			t.Errorf("%s: Message %q, want the English text %q", h.Action, h.Message, h.Text(msg.En))
		}
	}
}

// productWords are the values (quoted, or named in 「」), URLs, and the
// names and terms a Japanese admin reads as they are.
var productWords = regexp.MustCompile(`"[^"]*"|「[^」]*」|https?://\S+|calendar\.scope|\b(cybridge|CalDAV|Google|Forbidden|HTTP|ID|URL|WebDAV)\b`)

// englishWords are the runs of three or more Latin letters left in s
// once quoted values, URLs and product terms are taken out.
func englishWords(s string) []string {
	return latinWord.FindAllString(productWords.ReplaceAllString(s, ""), -1)
}

var latinWord = regexp.MustCompile(`[A-Za-z]{3,}`)

// TestHistoryOldRows: a row written by an older version has an English
// message and no key; it shows that message in either language, and the
// rest of its line (actor, action, fields) in the admin's language.
func TestHistoryOldRows(t *testing.T) {
	w := newWorld(t, calConfig(), "")
	ctx := context.Background()
	w.run(company())
	e := w.list()["sato"]
	for _, detail := range []string{
		`{"message":"sync error: server (3 within 24 hours)"}`,
		`{"fields":{"pin":{"old":"permit","new":""}},"message":"the scope decides from the next run"}`,
	} {
		if _, err := w.store.DB().ExecContext(ctx, "INSERT INTO calendar_history (enrolment_id, at, actor, action, detail) VALUES (?, ?, 'sync', 'error', ?)", e.ID, now.UnixMilli(), detail); err != nil {
			t.Fatal(err)
		}
	}
	_, hist, err := w.editor.Show(ctx, "sato")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang msg.Lang
		want []string
	}{
		{msg.Ja, []string{"同期エンジン  同期エラー：sync error: server (3 within 24 hours)",
			"同期エンジン  同期エラー：利用許可の固定：常に許可 → 対象範囲に従う。the scope decides from the next run"}},
		{msg.En, []string{"sync engine  sync error: sync error: server (3 within 24 hours)",
			"sync engine  sync error: pin: always permitted → follows the scope; the scope decides from the next run"}},
	}
	for _, tc := range tests {
		var got []string
		for _, h := range hist[1:] {
			if h.Key != "" || h.Text(tc.lang) != h.Message {
				t.Errorf("%s: key %q, text %q; want no key and the message", tc.lang, h.Key, h.Text(tc.lang))
			}
			got = append(got, h.Summary(tc.lang))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.lang, diff)
		}
	}
}
