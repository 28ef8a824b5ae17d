package apigatewayapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

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

func (h *Handler) createUsagePlan(ctx context.Context, c *call) (int, any, error) {
	var in createUsagePlanRequest
	if err := c.decode(&in); err != nil {
		return 0, nil, err
	}
	attrs, _ := json.Marshal(planAttributes{Tags: in.Tags}) // maps of strings always marshal
	p := store.UsagePlan{Name: in.Name, Description: in.Description, Attributes: attrs}
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
	p, err := h.cfg.Usage.CreatePlan(ctx, p, h.cfg.KnownStage)
	if err != nil {
		return 0, nil, refused(err)
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

// refused answers the usage domain's refusal of a setting as API Gateway
// does, with a BadRequestException.
func refused(err error) error {
	var invalid *usage.InvalidError
	if errors.As(err, &invalid) {
		return badRequest(invalid.Message)
	}
	return err
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
	out, err := answerPage(plans, func(p store.UsagePlan) string { return p.ID }, q,
		func(p store.UsagePlan) (usagePlanJSON, error) { return usagePlanOut(p), nil })
	if err != nil {
		return 0, nil, err
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
	err := h.cfg.Usage.UpdatePlan(ctx, id, h.cfg.KnownStage, func(p *store.UsagePlan) error {
		for _, op := range in.PatchOperations {
			if err := patchUsagePlan(p, op); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil, notFound("Invalid Usage Plan ID specified")
	case errors.Is(err, store.ErrConflict):
		return 0, nil, conflict("A key of this usage plan is already in another usage plan covering the same API stage")
	case err != nil:
		return 0, nil, refused(err)
	}
	p, err := h.findPlan(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, usagePlanOut(p), nil
}

func (h *Handler) deleteUsagePlan(ctx context.Context, c *call) (int, any, error) {
	err := h.cfg.Usage.DeletePlan(ctx, c.r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, notFound("Invalid Usage Plan ID specified")
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}
