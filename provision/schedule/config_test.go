package schedule

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
	"github.com/cybridge/cybridge/internal/msg"
)

func TestCheckConfig(t *testing.T) {
	for _, tc := range []struct {
		c    config.Schedule
		want []string
	}{
		{config.Schedule{Cron: "*/10 * * * *", TimeZone: "Asia/Tokyo"}, nil},
		{config.Schedule{Cron: "off", TimeZone: "UTC"}, nil},
		{config.Schedule{Cron: "@every 5m", TimeZone: "America/New_York"}, nil},
		{config.Schedule{}, nil}, // required: the tag's
		{config.Schedule{Cron: "TZ=UTC", TimeZone: "UTC"}, []string{"schedule.cron config.schedule_cron_fields"}},
		{config.Schedule{Cron: "every ten minutes", TimeZone: "Mars/Olympus"}, []string{"schedule.cron config.schedule_cron_fields", "schedule.time_zone config.schedule_time_zone"}},
		{config.Schedule{Cron: "61 * * * *", TimeZone: "JST"}, []string{"schedule.cron config.schedule_cron_minute", "schedule.time_zone config.schedule_time_zone"}},
	} {
		var got []string
		for _, p := range CheckConfig(tc.c) {
			got = append(got, p.Key+" "+p.Code)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.c, diff)
		}
	}
}

// TestCronProblems: each way a cron spec goes wrong names the field, the
// value and its bounds, and reads in Japanese with no English word left
// once the quoted spans and the parameters are taken out.
func TestCronProblems(t *testing.T) {
	for _, tc := range []struct {
		spec, code string
		params     msg.Params
		ja         string // a substring of the Japanese text
	}{
		{"every ten minutes", "config.schedule_cron_fields", msg.Params{"value": "every ten minutes", "found": 3, "want": 5},
			"「every ten minutes」はスケジュールとして読めません。フィールドが 3 個あります。cron は 5 つのフィールド（分 時 日 月 曜日"},
		{"*/10 * * *", "config.schedule_cron_fields", msg.Params{"value": "*/10 * * *", "found": 4, "want": 5}, "フィールドが 4 個あります。"},
		{"61 * * * *", "config.schedule_cron_minute", msg.Params{"value": "61 * * * *", "position": 1, "part": "61", "min": 0, "max": 59},
			"「61 * * * *」の 1 番目のフィールド（分）の「61」は使えません。分は 0〜59 の数で指定してください。"},
		{"0 9-25 * * *", "config.schedule_cron_hour", msg.Params{"value": "0 9-25 * * *", "position": 2, "part": "25", "min": 0, "max": 23}, "（時）の「25」は使えません。時は 0〜23"},
		{"0 9 0 * *", "config.schedule_cron_day", msg.Params{"value": "0 9 0 * *", "position": 3, "part": "0", "min": 1, "max": 31}, "（日）の「0」は使えません。日は 1〜31"},
		{"0 9 1 13 *", "config.schedule_cron_month", msg.Params{"value": "0 9 1 13 *", "position": 4, "part": "13", "min": 1, "max": 12}, "月は 1〜12 の数か JAN〜DEC"},
		{"0 9 * * MON-FRY", "config.schedule_cron_weekday", msg.Params{"value": "0 9 * * MON-FRY", "position": 5, "part": "FRY", "min": 0, "max": 6}, "（曜日）の「FRY」は使えません。曜日は 0〜6 の数（0 が日曜日）"},
		{"0 9 * * 1,x", "config.schedule_cron_weekday", msg.Params{"value": "0 9 * * 1,x", "position": 5, "part": "x", "min": 0, "max": 6}, "「x」は使えません"},
		{"75 0 9 * * *", "config.schedule_cron_second", msg.Params{"value": "75 0 9 * * *", "position": 1, "part": "75", "min": 0, "max": 59}, "（秒）の「75」"},
		{"*/0 * * * *", "config.schedule_cron_step", msg.Params{"value": "*/0 * * * *", "position": 1, "part": "0"}, "/ の後の間隔「0」は使えません。1 以上の整数"},
		{"0 17-9 * * *", "config.schedule_cron_range", msg.Params{"value": "0 17-9 * * *", "position": 2, "part": "17-9"}, "範囲「17-9」は、小さい数から大きい数の順に"},
		{"@fortnightly", "config.schedule_cron_descriptor", msg.Params{"value": "@fortnightly", "descriptors": descriptors}, "「@fortnightly」という指定はありません。@hourly、@daily、"},
		{"@every ten", "config.schedule_cron_every", msg.Params{"value": "@every ten"}, "「@every ten」の間隔を読めません。"},
		{"@every", "config.schedule_cron_every", msg.Params{"value": "@every"}, "の間隔を読めません。"},
		{"TZ=Mars/Olympus */10 * * * *", "config.schedule_time_zone", msg.Params{"value": "Mars/Olympus"}, "「Mars/Olympus」というタイムゾーンはありません。"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			ps := CheckConfig(config.Schedule{Cron: tc.spec})
			if len(ps) != 1 {
				t.Fatalf("problems = %v", ps)
			}
			p := ps[0]
			if diff := cmp.Diff(tc.code, p.Code); diff != "" {
				t.Errorf("code (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.params, p.Params); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
			ja := p.Text(msg.Ja)
			if !strings.Contains(ja, tc.ja) {
				t.Errorf("Japanese %q lacks %q", ja, tc.ja)
			}
			if w := msg.EnglishLeft(ja, p.Params, allowedWords...); w != "" {
				t.Errorf("Japanese %q has the English word %q", ja, w)
			}
			if en := p.Text(msg.En); tc.code != "config.schedule_time_zone" && !strings.HasPrefix(en, `"`+tc.spec+`" is not a schedule`) {
				t.Errorf("English %q should start with the value", en)
			}
		})
	}
}

// TestExplainAcceptsValidSpecs: explain finds nothing wrong with a spec
// robfig/cron accepts, so that it never contradicts the parser.
func TestExplainAcceptsValidSpecs(t *testing.T) {
	for _, spec := range []string{"*/10 * * * *", "0 9 * * MON-FRI", "0 9 1,15 JAN-jun ?", "30 */2 * * *", "5/15 * * * *",
		"0 0 9 * * *", "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@every 90s", "TZ=Asia/Tokyo 0 9 * * *"} {
		if _, err := ParseSpec(spec); err != nil {
			t.Errorf("ParseSpec(%q): %v", spec, err)
		}
		if key, _ := explain(spec); key != "" {
			t.Errorf("explain(%q) = %q, want nothing", spec, key)
		}
	}
}

// allowedWords are the words a Japanese text keeps as they are: cron,
// every (of @every), IANA and the example time zone Asia/Tokyo.
var allowedWords = []string{"cron", "every", "IANA", "Asia", "Tokyo"}
