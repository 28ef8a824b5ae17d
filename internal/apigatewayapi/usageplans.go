package apigatewayapi

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

type createUsagePlanRequest struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	APIStages   []apiStageJSON    `json:"apiStages"`
	Throttle    *throttleJSON     `json:"throttle"`
	Quota       *quotaJSON        `json:"quota"`
	Tags        map[string]string `json:"tags"`
}

var quotaPeriods = []string{"DAY", "WEEK", "MONTH"}

func (h *Handler) createUsagePlan(ctx context.Context, c *call) (int, any, error) {
	var in createUsagePlanRequest
	if err := c.decode(&in); err != nil {
		return 0, nil, err
	}
	if in.Name == "" {
		return 0, nil, badRequest("Usage plan name must be specified")
	}
	if err := checkName(in.Name); err != nil {
		return 0, nil, err
	}
	now := nowUnix()
	attrs, _ := json.Marshal(planAttributes{Tags: in.Tags}) // maps of strings always marshal
	p := store.UsagePlan{ID: usage.NewKeyID(), Name: in.Name, Description: in.Description, Attributes: attrs, CreatedAt: now, UpdatedAt: now}
	if in.Throttle != nil {
		t := throttleIn(*in.Throttle)
		p.Throttle = &t
	}
	if in.Quota != nil {
		p.Quota = &store.Quota{Limit: in.Quota.Limit, Offset: in.Quota.Offset, Period: in.Quota.Period}
	}
	for _, s := range in.APIStages {
		st := store.UsagePlanStage{APIID: s.APIID, Stage: s.Stage}
		for key, t := range s.Throttle {
			if st.MethodThrottles == nil {
				st.MethodThrottles = map[string]store.Throttle{}
			}
			st.MethodThrottles[key] = throttleIn(t)
		}
		p.Stages = append(p.Stages, st)
	}
	if err := h.checkPlan(&p); err != nil {
		return 0, nil, err
	}
	if err := h.cfg.Store.CreateUsagePlan(ctx, p); err != nil {
		return 0, nil, err
	}
	created, err := h.findPlan(ctx, p.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, usagePlanOut(created), nil
}

func throttleIn(t throttleJSON) store.Throttle {
	var out store.Throttle
	if t.BurstLimit != nil {
		out.BurstLimit = *t.BurstLimit
	}
	if t.RateLimit != nil {
		out.RateLimit = *t.RateLimit
	}
	return out
}

// checkPlan refuses what API Gateway refuses, and sorts stages as the store keeps them.
func (h *Handler) checkPlan(p *store.UsagePlan) error {
	if p.Throttle != nil {
		if err := checkThrottle(*p.Throttle); err != nil {
			return err
		}
	}
	if q := p.Quota; q != nil {
		switch {
		case !slices.Contains(quotaPeriods, q.Period):
			return badRequest("Invalid quota period: must be one of DAY, WEEK or MONTH")
		case q.Limit < 0:
			return badRequest("Quota limit must be at least 0")
		case q.Offset < 0 || (q.Offset > 0 && q.Offset >= q.Limit):
			return badRequest("Quota offset must be at least 0 and less than the limit")
		}
	}
	seen := map[string]bool{}
	for _, s := range p.Stages {
		id := s.APIID + ":" + s.Stage
		if seen[id] {
			return badRequest("API stage " + id + " is listed twice")
		}
		seen[id] = true
		if !h.cfg.KnownStage(s.APIID, s.Stage) {
			return badRequest("Invalid stage identifier specified: " + id)
		}
		for key, t := range s.MethodThrottles {
			if err := checkMethodKey(key); err != nil {
				return err
			}
			if err := checkThrottle(t); err != nil {
				return err
			}
		}
	}
	slices.SortFunc(p.Stages, func(a, b store.UsagePlanStage) int {
		return strings.Compare(a.APIID+"\x00"+a.Stage, b.APIID+"\x00"+b.Stage)
	})
	return nil
}

// checkMethodKey accepts API Gateway's method throttle keys, "/pets/{id}/GET".
func checkMethodKey(key string) error {
	i := strings.LastIndexByte(key, '/')
	if !strings.HasPrefix(key, "/") || i < 0 || i == len(key)-1 {
		return badRequest("Invalid method throttle key " + key + ": must be /resource/path/METHOD")
	}
	return nil
}

func checkThrottle(t store.Throttle) error {
	if math.IsNaN(t.RateLimit) || math.IsInf(t.RateLimit, 0) || t.RateLimit < 0 || t.BurstLimit < 0 {
		return badRequest("Throttle rateLimit and burstLimit must be at least 0")
	}
	return nil
}

func (h *Handler) findPlan(ctx context.Context, id string) (store.UsagePlan, error) {
	p, err := h.cfg.Store.GetUsagePlan(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, notFound("Invalid Usage Plan ID specified")
	}
	return p, err
}

func (h *Handler) getUsagePlan(ctx context.Context, c *call) (int, any, error) {
	p, err := h.findPlan(ctx, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, usagePlanOut(p), nil
}

func (h *Handler) getUsagePlans(ctx context.Context, c *call) (int, any, error) {
	q := c.r.URL.Query()
	var plans []store.UsagePlan
	var err error
	if keyID := q.Get("keyId"); keyID != "" {
		plans, err = h.cfg.Store.ListUsagePlansForKey(ctx, keyID)
	} else {
		plans, err = h.cfg.Store.ListUsagePlans(ctx)
	}
	if err != nil {
		return 0, nil, err
	}
	items, next, err := page(plans, func(p store.UsagePlan) string { return p.ID }, q)
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Items    []usagePlanJSON `json:"item"`
		Position string          `json:"position,omitempty"`
	}{Items: []usagePlanJSON{}, Position: next}
	for _, p := range items {
		out.Items = append(out.Items, usagePlanOut(p))
	}
	return http.StatusOK, out, nil
}

func (h *Handler) updateUsagePlan(ctx context.Context, c *call) (int, any, error) {
	var in patchRequest
	if err := c.decode(&in); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	if _, err := h.findPlan(ctx, id); err != nil {
		return 0, nil, err
	}
	err := h.cfg.Store.UpdateUsagePlan(ctx, id, func(p store.UsagePlan) (store.UsagePlan, error) {
		for _, op := range in.PatchOperations {
			if err := patchUsagePlan(&p, op); err != nil {
				return p, err
			}
		}
		if err := h.checkPlan(&p); err != nil {
			return p, err
		}
		p.UpdatedAt = nowUnix()
		return p, nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil, notFound("Invalid Usage Plan ID specified")
	case errors.Is(err, store.ErrConflict):
		return 0, nil, conflict("A key of this usage plan is already in another usage plan covering the same API stage")
	case err != nil:
		return 0, nil, err
	}
	h.cfg.Usage.Invalidate()
	p, err := h.findPlan(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, usagePlanOut(p), nil
}

func (h *Handler) deleteUsagePlan(ctx context.Context, c *call) (int, any, error) {
	err := h.cfg.Store.DeleteUsagePlan(ctx, c.r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, notFound("Invalid Usage Plan ID specified")
	}
	if err != nil {
		return 0, nil, err
	}
	h.cfg.Usage.Invalidate()
	return http.StatusAccepted, nil, nil
}
