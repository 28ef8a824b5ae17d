package usage

import (
	"context"
	"errors"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// ErrBadDateRange is DailyUsage's refusal of a range it will not report.
var ErrBadDateRange = errors.New("startDate and endDate must be UTC days (2006-01-02), startDate first, at most 366 days apart")

const maxReportDays = 366

// DayUsage is one key's day in a usage report: requests counted, and the
// quota left at the end of the day (-1: the plan has no quota).
type DayUsage struct {
	Used, Remaining int64
}

// DailyUsage reports, for each key of the plan (or only keyID), every day
// from from to to inclusive, as GetUsage answers. Remaining counts the days
// of the same quota period before it; today's is the live counter, so an
// UpdateUsage shows at once.
func (s *Service) DailyUsage(ctx context.Context, p store.UsagePlan, keyID, from, to string) (map[string][]DayUsage, error) {
	start, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || end.Before(start) || end.Sub(start) > maxReportDays*24*time.Hour {
		return nil, ErrBadDateRange
	}
	keys := []string{keyID}
	if keyID == "" {
		members, err := s.store.ListUsagePlanKeys(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		keys = keys[:0]
		for _, k := range members {
			keys = append(keys, k.ID)
		}
	}
	// Count from the start of from's quota period, so remaining is right on the first day.
	first := start
	if p.Quota != nil {
		if _, ps, _, ok := quotaPeriod(p.Quota.Period, start); ok {
			first = ps
		}
	}
	rows, err := s.store.ListDailyUsage(ctx, p.ID, keyID, first.Format(time.DateOnly), to)
	if err != nil {
		return nil, err
	}
	used := map[string]map[string]int64{}
	for _, r := range rows {
		if used[r.KeyID] == nil {
			used[r.KeyID] = map[string]int64{}
		}
		used[r.KeyID][r.Day] = r.Used
	}
	out := make(map[string][]DayUsage, len(keys))
	for _, k := range keys {
		days, err := s.keyDays(ctx, p, k, used[k], first, start, end)
		if err != nil {
			return nil, err
		}
		out[k] = days
	}
	return out, nil
}

func (s *Service) keyDays(ctx context.Context, p store.UsagePlan, keyID string, used map[string]int64, first, start, end time.Time) ([]DayUsage, error) {
	now := s.now().UTC()
	today := now.Format(time.DateOnly)
	var out []DayUsage
	var period string
	var inPeriod int64
	for d := first; !d.After(end); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		n := used[day]
		remaining := int64(-1)
		if q := p.Quota; q != nil {
			name, ps, pe, ok := quotaPeriod(q.Period, d)
			if ok {
				if name != period {
					period, inPeriod = name, 0
				}
				inPeriod += n
				remaining = max(0, quotaLimit(*q, p.CreatedAt, ps, pe)-inPeriod)
				if day == today {
					live, err := s.store.GetUsageCount(ctx, p.ID, keyID, name)
					if err != nil {
						return nil, err
					}
					remaining = max(0, quotaLimit(*q, p.CreatedAt, ps, pe)-live)
				}
			}
		}
		if !d.Before(start) {
			out = append(out, DayUsage{Used: n, Remaining: remaining})
		}
	}
	return out, nil
}

// ErrNoQuota is SetRemaining's refusal for a plan without a quota.
var ErrNoQuota = errors.New("the usage plan has no quota")

// SetRemaining sets how many requests keyID has left in the plan's current
// quota period (UpdateUsage). store.ErrNotFound: the key is not in the plan.
func (s *Service) SetRemaining(ctx context.Context, p store.UsagePlan, keyID string, remaining int64) error {
	if p.Quota == nil {
		return ErrNoQuota
	}
	name, ps, pe, ok := quotaPeriod(p.Quota.Period, s.now())
	if !ok {
		return ErrNoQuota
	}
	limit := quotaLimit(*p.Quota, p.CreatedAt, ps, pe)
	return s.store.SetUsageCount(ctx, p.ID, keyID, name, max(0, limit-max(0, remaining)))
}
