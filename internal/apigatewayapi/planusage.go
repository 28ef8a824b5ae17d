package apigatewayapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

const apiKeyType = "API_KEY"

func (h *Handler) planKeyOut(k store.APIKey) (usagePlanKeyJSON, error) {
	v, err := h.cfg.Usage.KeyValue(k)
	if err != nil {
		return usagePlanKeyJSON{}, err
	}
	return usagePlanKeyJSON{ID: k.ID, Type: apiKeyType, Value: v, Name: k.Name}, nil
}

func (h *Handler) createUsagePlanKey(ctx context.Context, c *call) (int, any, error) {
	var in struct {
		KeyID   string `json:"keyId"`
		KeyType string `json:"keyType"`
	}
	if err := c.decode(&in); err != nil {
		return 0, nil, err
	}
	if in.KeyType != apiKeyType {
		return 0, nil, badRequest("keyType must be API_KEY")
	}
	planID := c.r.PathValue("id")
	if _, err := h.findPlan(ctx, planID); err != nil {
		return 0, nil, err
	}
	k, err := h.findAPIKey(ctx, in.KeyID)
	if err != nil {
		return 0, nil, err
	}
	err = h.cfg.Usage.AddPlanKey(ctx, planID, k.ID)
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return 0, nil, conflict("Usage Plan " + planID + " already contains API Key " + k.ID)
	case errors.Is(err, store.ErrConflict):
		return 0, nil, conflict("Usage Plan " + planID + " cannot be added because API Key " + k.ID + " cannot reference multiple Usage Plans with the same API Stage")
	case errors.Is(err, store.ErrNotFound):
		return 0, nil, notFound("Invalid Usage Plan ID or API Key identifier specified")
	case err != nil:
		return 0, nil, err
	}
	out, err := h.planKeyOut(k)
	return http.StatusCreated, out, err
}

func (h *Handler) getUsagePlanKeys(ctx context.Context, c *call) (int, any, error) {
	planID := c.r.PathValue("id")
	if _, err := h.findPlan(ctx, planID); err != nil {
		return 0, nil, err
	}
	keys, err := h.cfg.Store.ListUsagePlanKeys(ctx, planID)
	if err != nil {
		return 0, nil, err
	}
	q := c.r.URL.Query()
	if name := q.Get("name"); name != "" {
		var named []store.APIKey
		for _, k := range keys {
			if strings.HasPrefix(k.Name, name) {
				named = append(named, k)
			}
		}
		keys = named
	}
	out, err := answerPage(keys, func(k store.APIKey) string { return k.ID }, q, h.planKeyOut)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

// planKey finds a key that is in the plan.
func (h *Handler) planKey(ctx context.Context, planID, keyID string) (store.UsagePlan, store.APIKey, error) {
	p, err := h.findPlan(ctx, planID)
	if err != nil {
		return p, store.APIKey{}, err
	}
	keys, err := h.cfg.Store.ListUsagePlanKeys(ctx, planID)
	if err != nil {
		return p, store.APIKey{}, err
	}
	for _, k := range keys {
		if k.ID == keyID {
			return p, k, nil
		}
	}
	return p, store.APIKey{}, notFound("Invalid API Key identifier specified")
}

func (h *Handler) getUsagePlanKey(ctx context.Context, c *call) (int, any, error) {
	_, k, err := h.planKey(ctx, c.r.PathValue("id"), c.r.PathValue("keyId"))
	if err != nil {
		return 0, nil, err
	}
	out, err := h.planKeyOut(k)
	return http.StatusOK, out, err
}

func (h *Handler) deleteUsagePlanKey(ctx context.Context, c *call) (int, any, error) {
	planID, keyID := c.r.PathValue("id"), c.r.PathValue("keyId")
	if _, _, err := h.planKey(ctx, planID, keyID); err != nil {
		return 0, nil, err
	}
	err := h.cfg.Usage.RemovePlanKey(ctx, planID, keyID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, notFound("Invalid API Key identifier specified")
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

type usageJSON struct {
	UsagePlanID string               `json:"usagePlanId"`
	StartDate   string               `json:"startDate"`
	EndDate     string               `json:"endDate"`
	Items       map[string][][]int64 `json:"values"`
}

func (h *Handler) usageReport(ctx context.Context, p store.UsagePlan, keyID, from, to string) (usageJSON, error) {
	days, err := h.cfg.Usage.DailyUsage(ctx, p, keyID, from, to)
	if errors.Is(err, usage.ErrBadDateRange) {
		return usageJSON{}, badRequest(err.Error())
	}
	if err != nil {
		return usageJSON{}, err
	}
	out := usageJSON{UsagePlanID: p.ID, StartDate: from, EndDate: to, Items: map[string][][]int64{}}
	for k, ds := range days {
		rows := make([][]int64, 0, len(ds))
		for _, d := range ds {
			rows = append(rows, []int64{d.Used, d.Remaining})
		}
		out.Items[k] = rows
	}
	return out, nil
}

func (h *Handler) getUsage(ctx context.Context, c *call) (int, any, error) {
	q := c.r.URL.Query()
	planID, keyID := c.r.PathValue("id"), q.Get("keyId")
	var p store.UsagePlan
	var err error
	if keyID != "" {
		p, _, err = h.planKey(ctx, planID, keyID)
	} else {
		p, err = h.findPlan(ctx, planID)
	}
	if err != nil {
		return 0, nil, err
	}
	out, err := h.usageReport(ctx, p, keyID, q.Get("startDate"), q.Get("endDate"))
	return http.StatusOK, out, err
}

// updateUsage is UpdateUsage: replace /remaining sets what the key has left
// in the current quota period.
func (h *Handler) updateUsage(ctx context.Context, c *call) (int, any, error) {
	var in patchRequest
	if err := c.decode(&in); err != nil {
		return 0, nil, err
	}
	p, k, err := h.planKey(ctx, c.r.PathValue("id"), c.r.PathValue("keyId"))
	if err != nil {
		return 0, nil, err
	}
	if len(in.PatchOperations) == 0 {
		return 0, nil, badRequest("patchOperations must not be empty")
	}
	for _, op := range in.PatchOperations {
		if op.Op != "replace" || op.Path != "/remaining" {
			return 0, nil, badRequest("Invalid patch operation: only replace /remaining is supported")
		}
		n, err := strconv.ParseInt(op.Value, 10, 64)
		if err != nil || n < 0 {
			return 0, nil, badRequest("Invalid value for /remaining: must be a whole number ≥ 0")
		}
		err = h.cfg.Usage.SetRemaining(ctx, p, k.ID, n)
		if errors.Is(err, usage.ErrNoQuota) {
			return 0, nil, badRequest("Usage plan " + p.ID + " has no quota")
		}
		if err != nil {
			return 0, nil, err
		}
	}
	today := nowDay()
	out, err := h.usageReport(ctx, p, k.ID, today, today)
	return http.StatusOK, out, err
}
