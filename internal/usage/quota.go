package usage

import (
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// quotaPeriod is the UTC calendar period t falls in. The name carries the
// period kind so a plan that changes period starts fresh counters.
// Weeks are ISO weeks, starting Monday.
func quotaPeriod(period string, t time.Time) (name string, start, end time.Time, ok bool) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch period {
	case "DAY":
		return "DAY:" + day.Format(time.DateOnly), day, day.AddDate(0, 0, 1), true
	case "WEEK":
		start = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		return "WEEK:" + start.Format(time.DateOnly), start, start.AddDate(0, 0, 7), true
	case "MONTH":
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return "MONTH:" + start.Format("2006-01"), start, start.AddDate(0, 1, 0), true
	}
	return "", time.Time{}, time.Time{}, false
}

// quotaLimit applies QuotaSettings.offset as the current API reference
// defines it: requests subtracted from the limit in the plan's first period.
func quotaLimit(q store.Quota, createdAt int64, start, end time.Time) int64 {
	if c := time.Unix(createdAt, 0); !c.Before(start) && c.Before(end) {
		return max(0, q.Limit-q.Offset)
	}
	return q.Limit
}
