package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/moat-dev/moat/internal/store"
)

// IncrementUsage takes the quota slot with one conditional UPSERT, whose row
// lock serialises racing requests on both engines, then counts the day in
// the same transaction.
func (s *Store) IncrementUsage(ctx context.Context, inc store.UsageIncrement) (int64, bool, error) {
	what := "usage of key " + inc.KeyID + " in plan " + inc.PlanID
	if inc.Limit <= 0 {
		used, err := s.GetUsageCount(ctx, inc.PlanID, inc.KeyID, inc.Period)
		return used, false, err
	}
	var used int64
	allowed := true
	err := s.inTx(ctx, func(tx conn) error {
		err := tx.queryRow(ctx, `INSERT INTO usage_counters (plan_id, key_id, period, used) VALUES (?, ?, ?, 1)
			ON CONFLICT (plan_id, key_id, period) DO UPDATE SET used = usage_counters.used + 1 WHERE usage_counters.used < ?
			RETURNING used`, inc.PlanID, inc.KeyID, inc.Period, inc.Limit).Scan(&used)
		if errors.Is(err, sql.ErrNoRows) {
			allowed = false
			return tx.queryRow(ctx, `SELECT used FROM usage_counters WHERE plan_id = ? AND key_id = ? AND period = ?`,
				inc.PlanID, inc.KeyID, inc.Period).Scan(&used)
		}
		if err != nil {
			return constraintError(err, what)
		}
		_, err = tx.exec(ctx, `INSERT INTO usage_daily (plan_id, key_id, day, used) VALUES (?, ?, ?, 1)
			ON CONFLICT (plan_id, key_id, day) DO UPDATE SET used = usage_daily.used + 1`, inc.PlanID, inc.KeyID, inc.Day)
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return used, allowed, nil
}

func (s *Store) GetUsageCount(ctx context.Context, planID, keyID, period string) (int64, error) {
	var used int64
	err := s.reader().queryRow(ctx, `SELECT used FROM usage_counters WHERE plan_id = ? AND key_id = ? AND period = ?`,
		planID, keyID, period).Scan(&used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return used, err
}

func (s *Store) SetUsageCount(ctx context.Context, planID, keyID, period string, used int64) error {
	_, err := s.writer().exec(ctx, `INSERT INTO usage_counters (plan_id, key_id, period, used) VALUES (?, ?, ?, ?)
		ON CONFLICT (plan_id, key_id, period) DO UPDATE SET used = excluded.used`, planID, keyID, period, used)
	return constraintError(err, "usage of key "+keyID+" in plan "+planID)
}

func (s *Store) ListDailyUsage(ctx context.Context, planID, keyID, fromDay, toDay string) ([]store.DailyUsage, error) {
	query := `SELECT plan_id, key_id, day, used FROM usage_daily WHERE plan_id = ? AND day >= ? AND day <= ?`
	args := []any{planID, fromDay, toDay}
	if keyID != "" {
		query += ` AND key_id = ?`
		args = append(args, keyID)
	}
	return listUnder(ctx, s.reader(), scanDailyUsage, "usage plan "+planID, `SELECT 1 FROM usage_plans WHERE id = ?`, []any{planID},
		query+` ORDER BY key_id, day`, args...)
}

func scanDailyUsage(row scanner) (store.DailyUsage, error) {
	var d store.DailyUsage
	err := row.Scan(&d.PlanID, &d.KeyID, &d.Day, &d.Used)
	return d, err
}
