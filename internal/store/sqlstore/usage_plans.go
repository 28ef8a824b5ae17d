package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/moat-dev/moat/internal/store"
)

const planColumns = `id, name, description, throttle, quota, attributes, created_at, updated_at`

// A plan's throttle, quota and per-method throttles are JSON columns: the
// store never queries inside them.
func scanPlan(row scanner) (store.UsagePlan, error) {
	var p store.UsagePlan
	var throttle, quota []byte
	if err := row.Scan(&p.ID, &p.Name, &p.Description, &throttle, &quota, &p.Attributes, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	return p, errors.Join(unmarshalColumn(throttle, &p.Throttle), unmarshalColumn(quota, &p.Quota))
}

type planStage struct {
	planID string
	stage  store.UsagePlanStage
}

func scanPlanStage(row scanner) (planStage, error) {
	var ps planStage
	var throttles []byte
	if err := row.Scan(&ps.planID, &ps.stage.APIID, &ps.stage.Stage, &throttles); err != nil {
		return ps, err
	}
	return ps, unmarshalColumn(throttles, &ps.stage.MethodThrottles)
}

func unmarshalColumn(b []byte, v any) error {
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
}

func marshalColumn(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the types marshalled here are plain structs and maps
	}
	return b
}

// Plan filters select plans by ID for listPlans; the plan's stages are
// selected with the same condition on plan_id.
const (
	allPlans       = `IS NOT NULL`
	planByID       = `= ?`
	plansOfKey     = `IN (SELECT plan_id FROM usage_plan_keys WHERE key_id = ?)`
	planOfKeyStage = `IN (SELECT plan_id FROM usage_key_stages WHERE key_id = ? AND api_id = ? AND stage = ?)`
)

// listPlans loads the plans the filter selects, each with its stages.
func listPlans(ctx context.Context, c conn, filter, lock string, args ...any) ([]store.UsagePlan, error) {
	rows, err := c.query(ctx, `SELECT `+planColumns+` FROM usage_plans WHERE id `+filter+` ORDER BY id`+lock, args...)
	if err != nil {
		return nil, err
	}
	plans, err := collect(rows, scanPlan)
	if err != nil || len(plans) == 0 {
		return plans, err
	}
	rows, err = c.query(ctx, `SELECT plan_id, api_id, stage, method_throttles FROM usage_plan_stages WHERE plan_id `+filter+` ORDER BY plan_id, api_id, stage`, args...)
	if err != nil {
		return nil, err
	}
	stages, err := collect(rows, scanPlanStage)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*store.UsagePlan, len(plans))
	for i := range plans {
		byID[plans[i].ID] = &plans[i]
	}
	for _, ps := range stages {
		if p := byID[ps.planID]; p != nil {
			p.Stages = append(p.Stages, ps.stage)
		}
	}
	return plans, nil
}

func getPlan(ctx context.Context, c conn, id, lock string) (store.UsagePlan, error) {
	plans, err := listPlans(ctx, c, planByID, lock, id)
	if err != nil {
		return store.UsagePlan{}, err
	}
	if len(plans) == 0 {
		return store.UsagePlan{}, fmt.Errorf("usage plan %s: %w", id, store.ErrNotFound)
	}
	return plans[0], nil
}

func (s *Store) CreateUsagePlan(ctx context.Context, p store.UsagePlan) error {
	return s.inTx(ctx, func(tx conn) error {
		_, err := tx.exec(ctx, `INSERT INTO usage_plans (`+planColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.Name, p.Description, marshalColumn(p.Throttle), marshalColumn(p.Quota), p.Attributes, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return constraintError(err, "usage plan "+p.ID)
		}
		for _, st := range p.Stages {
			if err := insertPlanStage(ctx, tx, p.ID, st); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertPlanStage(ctx context.Context, tx conn, planID string, st store.UsagePlanStage) error {
	_, err := tx.exec(ctx, `INSERT INTO usage_plan_stages (plan_id, api_id, stage, method_throttles) VALUES (?, ?, ?, ?)`,
		planID, st.APIID, st.Stage, marshalColumn(st.MethodThrottles))
	if err != nil {
		return constraintError(err, "usage plan "+planID+" stage "+st.APIID+":"+st.Stage)
	}
	// Every key already in the plan now covers the stage through this plan.
	_, err = tx.exec(ctx, `INSERT INTO usage_key_stages (key_id, api_id, stage, plan_id) SELECT key_id, ?, ?, plan_id FROM usage_plan_keys WHERE plan_id = ?`,
		st.APIID, st.Stage, planID)
	return conflict(err, "usage plan "+planID+" stage "+st.APIID+":"+st.Stage)
}

// conflict reports a duplicate in usage_key_stages as the rule it enforces.
func conflict(err error, what string) error {
	err = constraintError(err, what)
	if errors.Is(err, store.ErrAlreadyExists) {
		return fmt.Errorf("%s: an API key of the plan is in another plan for this stage: %w", what, store.ErrConflict)
	}
	return err
}

func (s *Store) GetUsagePlan(ctx context.Context, id string) (store.UsagePlan, error) {
	return getPlan(ctx, s.reader(), id, "")
}

func (s *Store) ListUsagePlans(ctx context.Context) ([]store.UsagePlan, error) {
	return listPlans(ctx, s.reader(), allPlans, "")
}

func (s *Store) UpdateUsagePlan(ctx context.Context, id string, update func(store.UsagePlan) (store.UsagePlan, error)) error {
	return s.inTx(ctx, func(tx conn) error {
		old, err := getPlan(ctx, tx, id, s.dialect.forUpdate)
		if err != nil {
			return err
		}
		// The updater gets its own copy of the stages: replaceStages compares
		// against old, which an in-place edit must not change.
		given := old
		given.Stages = slices.Clone(old.Stages)
		p, err := update(given)
		if err != nil {
			return err
		}
		if p.ID != old.ID {
			return keyChanged("usage plan "+id, "ID")
		}
		_, err = tx.exec(ctx, `UPDATE usage_plans SET name = ?, description = ?, throttle = ?, quota = ?, attributes = ?, created_at = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Description, marshalColumn(p.Throttle), marshalColumn(p.Quota), p.Attributes, p.CreatedAt, p.UpdatedAt, id)
		if err != nil {
			return err
		}
		return replaceStages(ctx, tx, id, old.Stages, p.Stages)
	})
}

// replaceStages turns the plan's stages from old into new: dropped stages go
// (with their key coverage), kept ones get new method throttles, added ones
// are covered for every key of the plan.
func replaceStages(ctx context.Context, tx conn, planID string, old, new []store.UsagePlanStage) error {
	type apiStage struct{ api, stage string }
	kept := map[apiStage]bool{}
	for _, st := range new {
		kept[apiStage{st.APIID, st.Stage}] = true
	}
	existed := map[apiStage]bool{}
	for _, st := range old {
		existed[apiStage{st.APIID, st.Stage}] = true
		if !kept[apiStage{st.APIID, st.Stage}] {
			if _, err := tx.exec(ctx, `DELETE FROM usage_plan_stages WHERE plan_id = ? AND api_id = ? AND stage = ?`, planID, st.APIID, st.Stage); err != nil {
				return err
			}
		}
	}
	for _, st := range new {
		if !existed[apiStage{st.APIID, st.Stage}] {
			if err := insertPlanStage(ctx, tx, planID, st); err != nil {
				return err
			}
			existed[apiStage{st.APIID, st.Stage}] = true // a stage named twice is inserted once
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE usage_plan_stages SET method_throttles = ? WHERE plan_id = ? AND api_id = ? AND stage = ?`,
			marshalColumn(st.MethodThrottles), planID, st.APIID, st.Stage); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) DeleteUsagePlan(ctx context.Context, id string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM usage_plans WHERE id = ?`, id)
	return expectOne(res, err, "usage plan "+id)
}

func (s *Store) AddUsagePlanKey(ctx context.Context, planID, keyID string) error {
	what := "usage plan " + planID + " key " + keyID
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, `INSERT INTO usage_plan_keys (plan_id, key_id) VALUES (?, ?)`, planID, keyID); err != nil {
			return constraintError(err, what)
		}
		_, err := tx.exec(ctx, `INSERT INTO usage_key_stages (key_id, api_id, stage, plan_id) SELECT ?, api_id, stage, plan_id FROM usage_plan_stages WHERE plan_id = ?`,
			keyID, planID)
		return conflict(err, what)
	})
}

func (s *Store) RemoveUsagePlanKey(ctx context.Context, planID, keyID string) error {
	res, err := s.writer().exec(ctx, `DELETE FROM usage_plan_keys WHERE plan_id = ? AND key_id = ?`, planID, keyID)
	return expectOne(res, err, "usage plan "+planID+" key "+keyID)
}

func (s *Store) ListUsagePlanKeys(ctx context.Context, planID string) ([]store.APIKey, error) {
	return apiKeys.listUnder(ctx, s.reader(), "usage plan "+planID, `SELECT 1 FROM usage_plans WHERE id = ?`, []any{planID},
		`id IN (SELECT key_id FROM usage_plan_keys WHERE plan_id = ?)`, "id", planID)
}

func (s *Store) ListUsagePlansForKey(ctx context.Context, keyID string) ([]store.UsagePlan, error) {
	r := s.reader()
	plans, err := listPlans(ctx, r, plansOfKey, "", keyID)
	if err != nil || len(plans) > 0 {
		return plans, err
	}
	return plans, requireParent(ctx, r, "API key "+keyID, `SELECT 1 FROM api_keys WHERE id = ?`, keyID)
}

func (s *Store) FindUsagePlanForStage(ctx context.Context, keyID, apiID, stage string) (store.UsagePlan, error) {
	plans, err := listPlans(ctx, s.reader(), planOfKeyStage, "", keyID, apiID, stage)
	if err != nil {
		return store.UsagePlan{}, err
	}
	if len(plans) == 0 {
		return store.UsagePlan{}, fmt.Errorf("usage plan of key %s for %s:%s: %w", keyID, apiID, stage, store.ErrNotFound)
	}
	return plans[0], nil
}
