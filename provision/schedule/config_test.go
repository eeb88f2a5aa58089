package schedule

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cybridge/cybridge/config"
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
		{config.Schedule{Cron: "every ten minutes", TimeZone: "Mars/Olympus"}, []string{"schedule.cron config.schedule_cron", "schedule.time_zone config.schedule_time_zone"}},
		{config.Schedule{Cron: "61 * * * *", TimeZone: "JST"}, []string{"schedule.cron config.schedule_cron", "schedule.time_zone config.schedule_time_zone"}},
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
